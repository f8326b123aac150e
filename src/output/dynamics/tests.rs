//! Tests of [`super`]: each part's CSV rows (header, steady and boundary
//! rows, empty cells), the JSON document, and the people's tables
//! (snapshots), on hand-made results.

use super::*;
use crate::dynamics::beta::{Beta, Coefficient, Fit};
use crate::dynamics::density::{Density, PeriodDensity};
use crate::dynamics::markov::Markov;
use crate::dynamics::sigma::{Sigma, SigmaRow};
use crate::output::{Format, Options, Rendered, render};

fn coefficient(estimate: f64, std_error: f64, p: f64) -> Coefficient {
    Coefficient {
        estimate: Some(estimate),
        std_error: Some(std_error),
        t: Some(estimate / std_error),
        p: Some(p),
    }
}

/// A fit of `beta` with its p-value, the speed and half-life from T = 2.
fn fit(n: usize, beta: f64, p: f64) -> Fit {
    let span = 2.0;
    let speed = (beta < 0.0 && 1.0 + beta * span > 0.0).then(|| -(1.0 + beta * span).ln() / span);
    Fit {
        n,
        alpha: coefficient(0.1, 0.04, 0.02),
        beta: coefficient(beta, 0.007, p),
        r2: Some(0.41),
        speed,
        half_life: speed.map(|s| std::f64::consts::LN_2 / s),
    }
}

/// Three periods (2022 a single point), K = 3, β overall and for two
/// groups (东 converging, 西 not significant).
fn fixture() -> Dynamics {
    let x: Vec<f64> = vec![40.0, 50.0, 60.0, 70.0, 80.0];
    let density = Density {
        x,
        periods: vec![
            PeriodDensity {
                label: "2021".into(),
                n: 6,
                bandwidth: Some(6.25),
                density: vec![0.001, 0.02, 0.005, 0.018, 0.0005],
                peaks: vec![(50.0, 0.02), (70.0, 0.018)],
            },
            PeriodDensity {
                label: "2022".into(),
                n: 4,
                bandwidth: None,
                density: Vec::new(),
                peaks: Vec::new(),
            },
            PeriodDensity {
                label: "2023".into(),
                n: 6,
                bandwidth: Some(5.5),
                density: vec![0.0, 0.01, 0.03, 0.01, 0.0],
                peaks: vec![(60.0, 0.03)],
            },
        ],
    };
    let markov = Markov {
        boundaries: vec![55.2, 63.1],
        from_cuts: false,
        counts: vec![vec![2, 1, 0], vec![0, 3, 1], vec![0, 0, 0]],
        probabilities: vec![
            vec![2.0 / 3.0, 1.0 / 3.0, 0.0],
            vec![0.0, 0.75, 0.25],
            vec![0.0, 0.0, 0.0],
        ],
        empty_rows: vec![2],
        initial: vec![0.5, 1.0 / 3.0, 1.0 / 6.0],
        steady: Some(vec![0.0, 0.0, 1.0]),
    };
    let sigma = Sigma {
        periods: vec![
            SigmaRow {
                label: "2021".into(),
                n: 6,
                mean: Some(60.0),
                sd: Some(12.0),
                cv: Some(0.2),
                sd_log: Some(0.21),
            },
            SigmaRow {
                label: "2022".into(),
                n: 4,
                mean: Some(62.0),
                sd: Some(0.0),
                cv: Some(0.0),
                sd_log: None,
            },
            SigmaRow {
                label: "2023".into(),
                n: 6,
                mean: Some(64.0),
                sd: Some(9.6),
                cv: Some(0.15),
                sd_log: Some(0.155),
            },
        ],
        cv_falls: Some(true),
        cv_falls_every_period: Some(false),
    };
    let beta = Beta {
        span: 2,
        overall: fit(6, -0.021, 0.003),
        groups: vec![("东".into(), fit(4, -0.03, 0.01)), ("西".into(), fit(2, -0.01, 0.4))],
    };
    Dynamics {
        density: Some(density),
        markov: Some(markov),
        sigma: Some(sigma),
        beta: Some(beta),
        warnings: vec!["density: 2022 is a single point".into()],
    }
}

fn csv(dynamics: &Dynamics, part: Part) -> String {
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    let view = DynamicsView::new(dynamics, part, &rubric, &[], "score", Some("县"));
    let mut out = Vec::new();
    render(&view, Format::Csv, Options::default())
        .unwrap()
        .write_to(&mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

#[test]
fn density_rows_skip_a_single_point_period() {
    let text = csv(&fixture(), Part::Density);
    let lines = lines(&text);
    assert_eq!(lines[0], "period,x,density");
    assert_eq!(lines.len(), 1 + 5 + 5);
    assert_eq!(lines[1], "2021,40,0.001");
    assert_eq!(lines[5], "2021,80,0.0005");
    assert_eq!(lines[6], "2023,40,0");
    assert!(!text.contains("2022"), "{text}");
}

#[test]
fn markov_rows_are_the_matrix_then_steady_then_boundaries() {
    let text = csv(&fixture(), Part::Markov);
    let lines = lines(&text);
    assert_eq!(lines[0], "from_class,to_class,count,probability");
    assert_eq!(lines.len(), 1 + 9 + 3 + 2);
    assert_eq!(lines[1], "1,1,2,0.6666666666666666");
    assert_eq!(lines[3], "1,3,0,0");
    assert_eq!(lines[9], "3,3,0,0");
    assert_eq!(
        &lines[10..],
        [
            "steady,1,,0",
            "steady,2,,0",
            "steady,3,,1",
            "boundary,1,,55.2",
            "boundary,2,,63.1"
        ]
    );
    // Without a unique steady state its rows are absent.
    let mut d = fixture();
    d.markov.as_mut().unwrap().steady = None;
    let text = csv(&d, Part::Markov);
    assert!(!text.contains("steady"), "{text}");
    assert!(
        text.ends_with("3,3,0,0\nboundary,1,,55.2\nboundary,2,,63.1\n"),
        "{text}"
    );
}

#[test]
fn sigma_rows_leave_undefined_figures_empty() {
    let text = csv(&fixture(), Part::Sigma);
    assert_eq!(
        lines(&text),
        [
            "period,n,mean,sd,cv,sd_log",
            "2021,6,60,12,0.2,0.21",
            "2022,4,62,0,0,",
            "2023,6,64,9.6,0.15,0.155",
        ]
    );
}

#[test]
fn beta_rows_without_groups() {
    let mut d = fixture();
    let b = d.beta.as_mut().unwrap();
    b.groups.clear();
    b.overall.speed = None;
    b.overall.half_life = None;
    b.overall.r2 = None;
    let text = csv(&d, Part::Beta);
    let t = crate::util::lossless(-0.021 / 0.007);
    assert_eq!(
        lines(&text),
        [
            "term,estimate,std_error,t,p".to_string(),
            "alpha,0.1,0.04,2.5,0.02".to_string(),
            format!("beta,-0.021,0.007,{t},0.003"),
            "r2,,,,".to_string(),
            "n,6,,,".to_string(),
            "speed,,,,".to_string(),
            "half_life,,,,".to_string(),
        ]
    );
}

#[test]
fn beta_rows_with_groups_start_with_the_overall_fit() {
    let text = csv(&fixture(), Part::Beta);
    let lines = lines(&text);
    assert_eq!(lines[0], "group,term,estimate,std_error,t,p");
    assert_eq!(lines.len(), 1 + 3 * 6);
    let keys: Vec<String> = lines[1..]
        .iter()
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    let terms = ["alpha", "beta", "r2", "n", "speed", "half_life"];
    let expected: Vec<String> = ["", "东", "西"]
        .iter()
        .flat_map(|g| terms.iter().map(move |t| format!("{g},{t}")))
        .collect();
    assert_eq!(keys, expected);
    assert_eq!(lines[10], "东,n,4,,,");
    assert!(lines[3].starts_with(",r2,0.41,,,"), "{}", lines[3]);
}

#[test]
fn a_part_not_computed_has_its_header_only() {
    let d = Dynamics::default();
    assert_eq!(csv(&d, Part::Sigma), "period,n,mean,sd,cv,sd_log\n");
    assert_eq!(csv(&d, Part::Markov), "from_class,to_class,count,probability\n");
}

#[test]
fn json_nests_every_part() {
    let d = fixture();
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    let view = DynamicsView::new(&d, Part::Sigma, &rubric, &[], "score", Some("县"));
    let doc = view.json();
    let keys: Vec<&str> = doc.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "linkscore",
            "inputs",
            "rubric",
            "of",
            "by",
            "density",
            "markov",
            "sigma",
            "beta",
            "warnings"
        ]
    );
    assert_eq!((doc["of"].as_str(), doc["by"].as_str()), (Some("score"), Some("县")));
    let density = &doc["density"];
    assert_eq!(density["x"].as_array().unwrap().len(), 5);
    assert_eq!(density["periods"][0]["peaks"][1], json!({"x": 70.0, "density": 0.018}));
    assert!(density["periods"][1]["bandwidth"].is_null());
    assert_eq!(density["periods"][1]["density"], json!([]));
    let keys: Vec<&str> = density["periods"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["period", "n", "bandwidth", "density", "peaks"]);
    let markov = &doc["markov"];
    let keys: Vec<&str> = markov.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "classes",
            "boundaries",
            "from_cuts",
            "counts",
            "probabilities",
            "empty_rows",
            "initial",
            "steady"
        ]
    );
    assert_eq!(markov["classes"], 3);
    assert_eq!(markov["empty_rows"], json!([3]));
    assert_eq!(markov["counts"][1], json!([0, 3, 1]));
    assert_eq!(doc["sigma"]["cv_falls"], true);
    assert!(doc["sigma"]["periods"][1]["sd_log"].is_null());
    let beta = &doc["beta"];
    assert_eq!(beta["span"], 2);
    assert_eq!(beta["overall"]["beta"]["estimate"], -0.021);
    assert_eq!(beta["groups"][0]["group"], "东");
    let keys: Vec<&str> = beta["groups"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["group", "n", "alpha", "beta", "r2", "speed", "half_life"]);
    assert_eq!(doc["warnings"], json!(["density: 2022 is a single point"]));
    // A part not computed is null.
    let only = Dynamics {
        sigma: d.sigma.clone(),
        ..Dynamics::default()
    };
    let view = DynamicsView::new(&only, Part::Sigma, &rubric, &[], "score", None);
    let doc = view.json();
    assert!(doc["density"].is_null() && doc["beta"].is_null() && doc["by"].is_null());
}

fn bytes(view: &DynamicsView, format: Format) -> String {
    match render(view, format, Options::default()).unwrap() {
        Rendered::Bytes(b) => String::from_utf8_lossy(&b).into_owned(),
        Rendered::Csv(..) => panic!("CSV streams"),
    }
}

#[test]
fn jsonl_holds_the_parts_rows() {
    let d = fixture();
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    let view = DynamicsView::new(&d, Part::Markov, &rubric, &[], "score", None);
    let text = bytes(&view, Format::Jsonl);
    let lines = lines(&text);
    assert_eq!(lines.len(), 9 + 3 + 2);
    assert_eq!(
        lines[1],
        r#"{"from_class":1,"to_class":2,"count":1,"probability":0.3333333333333333}"#
    );
    assert_eq!(
        lines[9],
        r#"{"from_class":"steady","to_class":1,"count":null,"probability":0.0}"#
    );
}

#[test]
fn the_workbook_has_a_sheet_per_computed_part() {
    let d = fixture();
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    let view = DynamicsView::new(&d, Part::Sigma, &rubric, &[], "score", Some("县"));
    let sheets = view.workbook();
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["density", "markov", "sigma", "beta"]);
    let (_, sigma) = &sheets[2];
    let titles: Vec<&str> = sigma.columns.iter().map(|c| sigma.title(c)).collect();
    assert_eq!(titles, ["时期", "n", "均值", "标准差", "变异系数", "对数标准差"]);
    assert_eq!(sheets[0].1.rows.len(), 10);
    assert!(bytes(&view, Format::Xlsx).starts_with("PK"));
}

#[test]
fn table_in_chinese() {
    let text = people::text(
        &fixture(),
        Lang::Zh,
        "评价：总分的分布动态",
        Some("县"),
        Layout::default(),
    );
    insta::assert_snapshot!("dynamics_table_zh", text);
}

#[test]
fn table_in_english() {
    let text = people::text(
        &fixture(),
        Lang::En,
        "rubric: dynamics of the score",
        Some("county"),
        Layout::default(),
    );
    insta::assert_snapshot!("dynamics_table_en", text);
}

#[test]
fn markdown_of_each_part() {
    let d = fixture();
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    for part in Part::ALL {
        let view = DynamicsView::new(&d, part, &rubric, &[], "score", Some("县"));
        let text = bytes(&view, Format::Markdown);
        insta::assert_snapshot!(format!("dynamics_markdown_{}", part.key()), text);
    }
}

#[test]
fn the_table_goes_through_the_view() {
    let d = fixture();
    let rubric = crate::rubric::Rubric::builtin().unwrap();
    let view = DynamicsView::new(&d, Part::Beta, &rubric, &[], "score", Some("县"));
    let table = bytes(&view, Format::Table);
    assert_eq!(
        table,
        people::text(&d, rubric.lang(), &view.heading(), Some("县"), Layout::default())
    );
    assert!(table.starts_with(&rubric.name), "{table}");
}

#[test]
fn the_beta_sentence_says_whether_villages_catch_up() {
    let zh = |f: &Fit| people::beta_sentence(f, Lang::Zh);
    let converging = fit(6, -0.021, 0.003);
    let speed = crate::util::rounded(converging.speed.unwrap() * 100.0, 1);
    assert_eq!(
        zh(&converging),
        format!(
            "β = −0.021 (p = 0.003)：存在绝对 β 收敛，落后村追赶速度 {speed}%/年，半衰期约 {} 年",
            crate::util::rounded(converging.half_life.unwrap(), 1)
        )
    );
    assert!(zh(&fit(6, -0.021, 0.2)).contains("不显著"));
    assert!(zh(&fit(6, 0.01, 0.001)).contains("不存在绝对 β 收敛"));
    let en = people::beta_sentence(&fit(6, -0.021, 0.2), Lang::En);
    assert!(en.contains("not significant at 5 %"), "{en}");
    let mut two = fit(2, -0.021, 0.5);
    two.beta.p = None;
    assert!(zh(&two).contains("无 p 值"), "{}", zh(&two));
    two.beta.estimate = None;
    assert!(zh(&two).starts_with("无法估计 β"), "{}", zh(&two));
    let tiny = fit(6, -0.021, 1e-6);
    assert!(zh(&tiny).starts_with("β = −0.021 (p < 0.001)"), "{}", zh(&tiny));
}

#[test]
fn class_labels_give_each_range() {
    let b = [55.2, 63.1];
    let labels: Vec<String> = (0..3).map(|k| people::class_label(k, &b)).collect();
    assert_eq!(labels, ["1 (≤ 55.2)", "2 (55.2–63.1]", "3 (> 63.1)"]);
    assert_eq!(people::class_label(0, &[]), "1");
}

#[test]
fn significant_digits() {
    assert_eq!(significant(0.0123456, 4), "0.01235");
    assert_eq!(significant(123.456, 4), "123.5");
    assert_eq!(significant(-2.5, 4), "-2.5");
    assert_eq!(significant(1.0, 4), "1");
    assert_eq!(significant(0.00050001, 3), "0.0005");
    assert_eq!(significant(0.0, 4), "0");
}
