//! `linkscore disparity` through the real binary (SPEC.md "Disparity:
//! `disparity`" over "Panels: several periods at once").
//!
//! The rubrics here have one indicator per dimension with goalposts
//! [0, 100], explicit weights and scale 100, so a unit's score (and with
//! `--of` its dimension's value) is its indicator's value. Every expected
//! figure comes from [`reference`] below: SPEC's formulas written out as
//! double loops over pairs of units, independently of the library; the
//! expected rows and their order are built from SPEC's text by
//! [`expected_rows`]. Nothing is copied from the program's output.

use crate::support::{self, Run, ls_in, p, read_csv_with_header, write};
use std::path::Path;

// ---------------------------------------------------------------------------
// Rubrics and data

/// One indicator, score = income.
const ONE: &str = r#"
[rubric]
name = "Disparity fixture"
version = "d1"
id = "id"
GROUP
scale = 100
normalize = "goalpost"
weighting = "explicit"
missing = "reweight"

[[dimension]]
id = "econ"
name = "Economy"
weight = 1

[[indicator]]
id = "income"
dimension = "econ"
weight = 1
goalposts = [0, 100]
"#;

/// Two dimensions of weight ½: econ = income, life = water, score = the mean.
const TWO: &str = r#"
[rubric]
name = "Disparity fixture, two dimensions"
version = "d2"
id = "id"
group = "county"
scale = 100
normalize = "goalpost"
weighting = "explicit"
missing = "reweight"

[[dimension]]
id = "econ"
name = "Economy"
weight = 0.5

[[dimension]]
id = "life"
name = "Living"
weight = 0.5

[[indicator]]
id = "income"
dimension = "econ"
weight = 1
goalposts = [0, 100]

[[indicator]]
id = "water"
dimension = "life"
weight = 1
goalposts = [0, 100]
"#;

/// The one-indicator rubric with `group = "county"` (or none).
fn one(grouped: bool) -> String {
    ONE.replace("GROUP", if grouped { "group = \"county\"" } else { "" })
}

/// A unit: id, county, region, income ("" = missing).
type Unit = (&'static str, &'static str, &'static str, &'static str);

/// 2023: East {12, 20, 20, 8} (mean 15), West {30, 45, 30, 12} (29.25),
/// North {75, 60} (67.5). 12 and 20 occur in two groups.
const Y2023: [Unit; 10] = [
    ("u01", "East", "north", "12"),
    ("u02", "West", "south", "30"),
    ("u03", "East", "north", "20"),
    ("u04", "West", "north", "45"),
    ("u05", "East", "south", "20"),
    ("u06", "West", "south", "30"),
    ("u07", "North", "north", "75"),
    ("u08", "East", "south", "8"),
    ("u09", "West", "north", "12"),
    ("u10", "North", "south", "60"),
];

/// 2024: u08 gone, a new group South {40, 25} (32.5) richer than West
/// {33, 45, 33, 14} (31.25) but after it in the panel's order; East
/// {14, 25, 18} (19), North {70, 66} (68).
const Y2024: [Unit; 11] = [
    ("u01", "East", "north", "14"),
    ("u02", "West", "south", "33"),
    ("u03", "East", "north", "25"),
    ("u04", "West", "north", "45"),
    ("u05", "East", "south", "18"),
    ("u06", "West", "south", "33"),
    ("u07", "North", "north", "70"),
    ("u09", "West", "north", "14"),
    ("u10", "North", "south", "66"),
    ("u11", "South", "south", "40"),
    ("u12", "South", "north", "25"),
];

/// The CSV of `units`: `id,county,region,income`.
fn csv(units: &[Unit]) -> String {
    let mut s = String::from("id,county,region,income\n");
    for (id, county, region, income) in units {
        s.push_str(&format!("{id},{county},{region},{income}\n"));
    }
    s
}

/// A temporary folder with `rubric.toml` and one CSV per period.
fn setup(rubric: &str, periods: &[(&str, &[Unit])]) -> tempfile::TempDir {
    let dir = support::tmp();
    write(dir.path(), "rubric.toml", rubric);
    for (label, units) in periods {
        write(dir.path(), &format!("{label}.csv"), csv(units));
    }
    dir
}

/// `disparity LABEL=LABEL.csv… --rubric rubric.toml EXTRA…` in `dir`.
fn disparity(dir: &Path, labels: &[&str], extra: &[&str]) -> Run {
    let panel: Vec<String> = labels.iter().map(|l| format!("{l}={l}.csv")).collect();
    let mut args = vec!["disparity"];
    args.extend(panel.iter().map(String::as_str));
    args.extend(["--rubric", "rubric.toml"]);
    args.extend_from_slice(extra);
    support::ok(ls_in(dir, &args))
}

// ---------------------------------------------------------------------------
// The reference: SPEC's formulas by double loops

/// One period's figures by SPEC's formulas.
struct Figures {
    n: usize,
    mean: f64,
    cv: Option<f64>,
    /// (group, n_j, Ȳ_j, CV_j, G_jj) in panel order.
    groups: Vec<(String, usize, f64, Option<f64>, f64)>,
    /// (richer, poorer, G_jh, D_jh) in SPEC's order.
    pairs: Vec<(String, String, f64, f64)>,
    gini: f64,
    parts: [f64; 3],
    shares: Option<[f64; 3]>,
    theil: Option<[f64; 6]>,
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn cv(v: &[f64]) -> Option<f64> {
    let m = mean(v);
    if v.len() < 2 || m == 0.0 {
        return None;
    }
    let ss: f64 = v.iter().map(|y| (y - m) * (y - m)).sum();
    Some((ss / (v.len() - 1) as f64).sqrt() / m)
}

/// Σ_i Σ_r |a_i − b_r|.
fn abs_sum(a: &[f64], b: &[f64]) -> f64 {
    a.iter().map(|x| b.iter().map(|y| (x - y).abs()).sum::<f64>()).sum()
}

/// Σ_i Σ_r max(0, a_i − b_r).
fn pos_sum(a: &[f64], b: &[f64]) -> f64 {
    a.iter().map(|x| b.iter().map(|y| (x - y).max(0.0)).sum::<f64>()).sum()
}

/// T and L of positive values.
fn theil_tl(v: &[f64]) -> (f64, f64) {
    let m = mean(v);
    let t = v.iter().map(|y| y / m * (y / m).ln()).sum::<f64>() / v.len() as f64;
    let l = v.iter().map(|y| (m / y).ln()).sum::<f64>() / v.len() as f64;
    (t, l)
}

/// The figures of `units` (group, value), groups in the order `order`.
fn reference(units: &[(String, f64)], order: &[String]) -> Figures {
    let all: Vec<f64> = units.iter().map(|u| u.1).collect();
    let n = all.len() as f64;
    let ybar = mean(&all);
    let sets: Vec<(String, Vec<f64>)> = order
        .iter()
        .map(|g| (g.clone(), units.iter().filter(|u| &u.0 == g).map(|u| u.1).collect()))
        .filter(|(_, v): &(String, Vec<f64>)| !v.is_empty())
        .collect();
    let means: Vec<f64> = sets.iter().map(|(_, v)| mean(v)).collect();
    let p: Vec<f64> = sets.iter().map(|(_, v)| v.len() as f64 / n).collect();
    let s: Vec<f64> = sets.iter().map(|(_, v)| v.iter().sum::<f64>() / (n * ybar)).collect();
    let gini = abs_sum(&all, &all) / (2.0 * n * n * ybar);
    let mut groups = Vec::new();
    let mut gw = 0.0;
    for (j, (name, v)) in sets.iter().enumerate() {
        let nj = v.len() as f64;
        let gjj = abs_sum(v, v) / (2.0 * nj * nj * means[j]);
        gw += gjj * p[j] * s[j];
        groups.push((name.clone(), v.len(), means[j], cv(v), gjj));
    }
    // Every unordered pair, the richer first; SPEC's order: the richer's
    // position, then the poorer's.
    let mut pairs_at = Vec::new();
    for a in 0..sets.len() {
        for b in a + 1..sets.len() {
            // Equal means (SPEC: "ties: either"): the program documents the
            // group first in the panel's order as the richer.
            pairs_at.push(if means[b] > means[a] { (b, a) } else { (a, b) });
        }
    }
    pairs_at.sort();
    let (mut gnb, mut gt) = (0.0, 0.0);
    let mut pairs = Vec::new();
    for (j, h) in pairs_at {
        let (yj, yh) = (&sets[j].1, &sets[h].1);
        let count = (yj.len() * yh.len()) as f64;
        let gjh = abs_sum(yj, yh) / (count * (means[j] + means[h]));
        let (d, pp) = (pos_sum(yj, yh) / count, pos_sum(yh, yj) / count);
        let djh = if d + pp == 0.0 { 0.0 } else { (d - pp) / (d + pp) };
        let w = p[j] * s[h] + p[h] * s[j];
        gnb += gjh * w * djh;
        gt += gjh * w * (1.0 - djh);
        pairs.push((sets[j].0.clone(), sets[h].0.clone(), gjh, djh));
    }
    let shares = (gini != 0.0).then(|| [gw / gini, gnb / gini, gt / gini]);
    let theil = all.iter().all(|&y| y > 0.0).then(|| {
        let (t, l) = theil_tl(&all);
        let (mut tw, mut tb, mut lw, mut lb) = (0.0, 0.0, 0.0, 0.0);
        for (g, (_, v)) in sets.iter().enumerate() {
            let (tg, lg) = theil_tl(v);
            tw += s[g] * tg;
            tb += s[g] * (means[g] / ybar).ln();
            lw += p[g] * lg;
            lb += p[g] * (ybar / means[g]).ln();
        }
        [t, tw, tb, l, lw, lb]
    });
    Figures {
        n: all.len(),
        mean: ybar,
        cv: cv(&all),
        groups,
        pairs,
        gini,
        parts: [gw, gnb, gt],
        shares,
        theil,
    }
}

/// A period as [`expected_rows`] takes it: its label and its units as
/// (group, value or none).
type PeriodUnits<'a> = (&'a str, Vec<(String, Option<f64>)>);

/// An expected tidy row: period, measure, group, other_group, value
/// (`None`: an empty cell; counts are exact).
type Expected = (String, &'static str, String, String, Option<f64>);

/// The rows SPEC prescribes for `periods` (label, units as (group, value
/// or none)), given in the panel's order; `grouped`: by group.
fn expected_rows(periods: &[PeriodUnits], grouped: bool) -> Vec<Expected> {
    // Groups in order of first appearance across the panel.
    let mut order: Vec<String> = Vec::new();
    for (_, units) in periods {
        for (g, _) in units {
            if !order.contains(g) {
                order.push(g.clone());
            }
        }
    }
    let one_group = [String::new()];
    let mut out = Vec::new();
    for (label, units) in periods {
        let kept: Vec<(String, f64)> = units
            .iter()
            .filter_map(|(g, v)| v.map(|v| (if grouped { g.clone() } else { String::new() }, v)))
            .collect();
        let missing = units.len() - kept.len();
        // Without groups every unit is in the one group "".
        let f = reference(&kept, if grouped { &order } else { &one_group });
        let mut row = |m: &'static str, g: &str, o: &str, v: Option<f64>| {
            out.push((label.to_string(), m, g.to_string(), o.to_string(), v));
        };
        row("n", "", "", Some(f.n as f64));
        if grouped {
            for g in &f.groups {
                row("n", &g.0, "", Some(g.1 as f64));
            }
        }
        if missing > 0 {
            row("missing", "", "", Some(missing as f64));
        }
        row("mean", "", "", Some(f.mean));
        if grouped {
            for g in &f.groups {
                row("mean", &g.0, "", Some(g.2));
            }
        }
        row("cv", "", "", f.cv);
        if grouped {
            for g in &f.groups {
                row("cv", &g.0, "", g.3);
            }
        }
        row("gini", "", "", Some(f.gini));
        let theil = |i: usize| f.theil.map(|t| t[i]);
        if !grouped {
            row("theil_t", "", "", theil(0));
            row("theil_l", "", "", theil(3));
            continue;
        }
        for (m, v) in ["gini_within", "gini_between", "gini_transvariation"]
            .iter()
            .zip(f.parts)
        {
            row(m, "", "", Some(v));
        }
        for (i, m) in ["share_within", "share_between", "share_transvariation"]
            .iter()
            .enumerate()
        {
            row(m, "", "", f.shares.map(|s| s[i]));
        }
        for g in &f.groups {
            row("gini_group", &g.0, "", Some(g.4));
        }
        for pair in &f.pairs {
            row("gini_pair", &pair.0, &pair.1, Some(pair.2));
        }
        for pair in &f.pairs {
            row("affluence", &pair.0, &pair.1, Some(pair.3));
        }
        let names = [
            "theil_t",
            "theil_t_within",
            "theil_t_between",
            "theil_l",
            "theil_l_within",
            "theil_l_between",
        ];
        for (i, m) in names.iter().enumerate() {
            row(m, "", "", theil(i));
        }
    }
    out
}

/// A period's units as [`expected_rows`] takes them: the group from
/// `group` (county or region) and the income.
fn period<'a>(label: &'a str, units: &[Unit], by_region: bool) -> PeriodUnits<'a> {
    let units = units
        .iter()
        .map(|u| {
            let g = if by_region { u.2 } else { u.1 };
            (g.to_string(), u.3.parse::<f64>().ok())
        })
        .collect();
    (label, units)
}

/// The CSV `out` holds exactly the rows `want`, in order: the same labels
/// and a value within 1e-12 relative (1e-15 absolute of an expected 0).
#[track_caller]
fn assert_rows(out: &str, want: &[Expected]) {
    let (header, rows) = read_csv_with_header(out);
    assert_eq!(header, ["period", "measure", "group", "other_group", "value"]);
    let got: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["period"].clone(),
                r["measure"].clone(),
                r["group"].clone(),
                r["other_group"].clone(),
            )
        })
        .collect();
    let labels: Vec<(String, String, String, String)> = want
        .iter()
        .map(|w| (w.0.clone(), w.1.to_string(), w.2.clone(), w.3.clone()))
        .collect();
    assert_eq!(got, labels, "the rows and their order\n{out}");
    for (r, w) in rows.iter().zip(want) {
        let what = format!("{} {} {} {}", w.0, w.1, w.2, w.3);
        let cell = &r["value"];
        match w.4 {
            None => assert_eq!(cell, "", "{what}: an empty cell"),
            Some(x) if matches!(w.1, "n" | "missing") => assert_eq!(cell, &format!("{x}"), "{what}"),
            Some(x) => {
                let v: f64 = cell.parse().unwrap_or_else(|_| panic!("{what}: {cell:?} is a number"));
                let ok = (v - x).abs() <= 1e-12 * x.abs() + 1e-15;
                assert!(ok, "{what}: got {v:e}, want {x:e}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The figures and the rows

#[test]
fn two_periods_by_county_match_the_reference_row_by_row() {
    let dir = setup(&one(true), &[("2023", &Y2023), ("2024", &Y2024)]);
    let out = disparity(dir.path(), &["2023", "2024"], &["--format", "csv"]).stdout;
    let want = expected_rows(&[period("2023", &Y2023, false), period("2024", &Y2024, false)], true);
    // 2023: 3 groups, 3 pairs: n 1+3, mean 1+3, cv 1+3, gini 1, parts 3,
    // shares 3, gini_group 3, gini_pair 3, affluence 3, theil 6 = 34 rows;
    // 2024: 4 groups, 6 pairs: 5+5+5+1+3+3+4+6+6+6 = 44.
    assert_eq!(want.len(), 34 + 44);
    assert_rows(&out, &want);
}

#[test]
fn pair_rows_name_the_richer_group_first_in_the_panels_order() {
    let dir = setup(&one(true), &[("2023", &Y2023), ("2024", &Y2024)]);
    let out = disparity(dir.path(), &["2023", "2024"], &[]).stdout;
    let (_, rows) = read_csv_with_header(&out);
    let pairs = |period: &str, measure: &str| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| r["period"] == period && r["measure"] == measure)
            .map(|r| (r["group"].clone(), r["other_group"].clone()))
            .collect()
    };
    // Panel order East, West, North, South; 2024 means East 19, West
    // 31.25, North 68, South 32.5: by the richer's position, then the
    // poorer's.
    let want: Vec<(String, String)> = [
        ("West", "East"),
        ("North", "East"),
        ("North", "West"),
        ("North", "South"),
        ("South", "East"),
        ("South", "West"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pairs("2024", "gini_pair"), want);
    assert_eq!(pairs("2024", "affluence"), want);
    assert_eq!(pairs("2023", "gini_pair").len(), 3);
    // The per-group rows follow their overall row, groups in panel order.
    let after_n: Vec<&str> = rows
        .iter()
        .filter(|r| r["period"] == "2024")
        .take(5)
        .map(|r| r["group"].as_str())
        .collect();
    assert_eq!(after_n, ["", "East", "West", "North", "South"]);
}

/// Periods are ordered as numbers whatever the order of the arguments,
/// and the groups' order follows the panel's periods.
#[test]
fn periods_in_numeric_order_whatever_the_argument_order() {
    let dir = setup(&one(true), &[("2023", &Y2023), ("2024", &Y2024), ("999", &Y2024)]);
    let forward = disparity(dir.path(), &["999", "2023", "2024"], &[]).stdout;
    let backward = disparity(dir.path(), &["2024", "2023", "999"], &[]).stdout;
    assert_eq!(forward, backward);
    let (_, rows) = read_csv_with_header(&forward);
    let mut periods: Vec<&str> = rows.iter().map(|r| r["period"].as_str()).collect();
    periods.dedup();
    assert_eq!(periods, ["999", "2023", "2024"]);
    let want = expected_rows(
        &[
            period("999", &Y2024, false),
            period("2023", &Y2023, false),
            period("2024", &Y2024, false),
        ],
        true,
    );
    assert_rows(&forward, &want);
}

#[test]
fn by_another_column() {
    let dir = setup(&one(true), &[("2023", &Y2023), ("2024", &Y2024)]);
    let out = disparity(dir.path(), &["2023", "2024"], &["--by", "region"]).stdout;
    let want = expected_rows(&[period("2023", &Y2023, true), period("2024", &Y2024, true)], true);
    assert_rows(&out, &want);
    // A rubric without a group column takes --by as well.
    let dir = setup(&one(false), &[("2023", &Y2023)]);
    let out = disparity(dir.path(), &["2023"], &["--by", "region"]).stdout;
    assert_rows(&out, &expected_rows(&[period("2023", &Y2023, true)], true));
}

#[test]
fn without_groups_only_the_overall_rows() {
    let dir = setup(&one(false), &[("2023", &Y2023), ("2024", &Y2024)]);
    let out = disparity(dir.path(), &["2023", "2024"], &[]).stdout;
    let want = expected_rows(&[period("2023", &Y2023, false), period("2024", &Y2024, false)], false);
    let measures: Vec<&str> = want.iter().take(6).map(|w| w.1).collect();
    assert_eq!(measures, ["n", "mean", "cv", "gini", "theil_t", "theil_l"]);
    assert_eq!(want.len(), 12);
    assert_rows(&out, &want);
    // With a unit left out, a `missing` row after `n`.
    let mut y = Y2023;
    y[3].3 = "";
    let dir = setup(&one(false), &[("2023", &y)]);
    let r = disparity(dir.path(), &["2023"], &[]);
    let want = expected_rows(&[period("2023", &y, false)], false);
    let measures: Vec<&str> = want.iter().map(|w| w.1).collect();
    assert_eq!(measures, ["n", "missing", "mean", "cv", "gini", "theil_t", "theil_l"]);
    assert_rows(&r.stdout, &want);
    assert!(r.stderr.contains("1 unit has no value"), "{}", r.stderr);
}

/// `--of life` measures the dimension `life`, which is `water` here (one
/// indicator, goalposts [0, 100], scale 100), not the score (the mean of
/// income and water).
#[test]
fn of_a_dimension() {
    let dir = support::tmp();
    write(dir.path(), "rubric.toml", TWO);
    let (incomes, waters) = ([10.0, 80.0, 30.0, 55.0, 20.0], [90.0, 15.0, 40.0, 40.0, 70.0]);
    let counties = ["A", "B", "A", "C", "B"];
    let mut data = String::from("id,county,income,water\n");
    for i in 0..5 {
        data.push_str(&format!("v{i},{},{},{}\n", counties[i], incomes[i], waters[i]));
    }
    write(dir.path(), "2023.csv", data);
    let rows_of = |values: &[f64]| {
        let units = counties
            .iter()
            .zip(values)
            .map(|(c, v)| (c.to_string(), Some(*v)))
            .collect();
        expected_rows(&[("2023", units)], true)
    };
    let life = disparity(dir.path(), &["2023"], &["--of", "life"]).stdout;
    assert_rows(&life, &rows_of(&waters));
    let econ = disparity(dir.path(), &["2023"], &["--of", "econ"]).stdout;
    assert_rows(&econ, &rows_of(&incomes));
    let score: Vec<f64> = incomes.iter().zip(waters).map(|(i, w)| (i + w) / 2.0).collect();
    let overall = disparity(dir.path(), &["2023"], &[]).stdout;
    assert_rows(&overall, &rows_of(&score));
}

#[test]
fn of_an_unknown_dimension_suggests_the_closest() {
    let dir = support::tmp();
    write(dir.path(), "rubric.toml", TWO);
    write(
        dir.path(),
        "2023.csv",
        "id,county,income,water\nv1,A,10,20\nv2,B,30,40\n",
    );
    let stderr = support::fails(
        ls_in(
            dir.path(),
            &["disparity", "2023=2023.csv", "--rubric", "rubric.toml", "--of", "lfe"],
        ),
        2,
    );
    support::assert_mentions(&stderr, &["lfe", "life"]);
}

// ---------------------------------------------------------------------------
// Values that leave figures out

/// A zero: Theil needs y > 0, so its six rows are empty and a warning
/// names the unit; the Gini figures are still there.
#[test]
fn a_zero_value_leaves_theil_out_and_names_the_unit() {
    let mut y = Y2023;
    y[5].3 = "0";
    let dir = setup(&one(true), &[("2023", &y), ("2024", &Y2024)]);
    let r = disparity(dir.path(), &["2023", "2024"], &[]);
    let want = expected_rows(&[period("2023", &y, false), period("2024", &Y2024, false)], true);
    assert!(want.iter().any(|w| w.0 == "2023" && w.1 == "theil_t" && w.4.is_none()));
    assert!(want.iter().any(|w| w.0 == "2024" && w.1 == "theil_t" && w.4.is_some()));
    assert_rows(&r.stdout, &want);
    support::assert_mentions(&r.stderr, &["2023", "u06", "Theil"]);
    assert!(!r.stderr.contains("2024: the Theil"), "{}", r.stderr);
}

/// A unit whose only cell is empty has no score (reweight, nothing left):
/// left out of its period, counted in a `missing` row, with a warning.
#[test]
fn a_unit_without_a_value_is_counted_missing() {
    let mut y = Y2024;
    y[10].3 = "";
    y[1].3 = "";
    let dir = setup(&one(true), &[("2023", &Y2023), ("2024", &y)]);
    let r = disparity(dir.path(), &["2023", "2024"], &[]);
    let want = expected_rows(&[period("2023", &Y2023, false), period("2024", &y, false)], true);
    assert!(want.contains(&("2024".into(), "missing", String::new(), String::new(), Some(2.0))));
    assert!(!want.iter().any(|w| w.0 == "2023" && w.1 == "missing"));
    assert_rows(&r.stdout, &want);
    support::assert_mentions(&r.stderr, &["2024", "2 units have no value"]);
}

/// Every value equal in a period: G and its parts are 0, the shares
/// empty; D_jh = 0 (d = p = 0); Theil 0.
#[test]
fn all_values_equal_in_a_period() {
    let mut y = Y2023;
    for u in &mut y {
        u.3 = "40";
    }
    let dir = setup(&one(true), &[("2023", &y), ("2024", &Y2024)]);
    let out = disparity(dir.path(), &["2023", "2024"], &[]).stdout;
    let (_, rows) = read_csv_with_header(&out);
    let cell = |measure: &str| -> Vec<&str> {
        rows.iter()
            .filter(|r| r["period"] == "2023" && r["measure"] == measure)
            .map(|r| r["value"].as_str())
            .collect()
    };
    for m in [
        "gini",
        "gini_within",
        "gini_between",
        "gini_transvariation",
        "theil_t",
        "theil_l",
    ] {
        assert_eq!(cell(m), ["0"], "{m}");
    }
    for m in ["share_within", "share_between", "share_transvariation"] {
        assert_eq!(cell(m), [""], "{m}");
    }
    assert_eq!(cell("affluence"), ["0", "0", "0"]);
    assert_eq!(cell("gini_pair"), ["0", "0", "0"]);
    assert_eq!(cell("cv"), ["0", "0", "0", "0"]);
    let want = expected_rows(&[period("2023", &y, false), period("2024", &Y2024, false)], true);
    assert_rows(&out, &want);
}

// ---------------------------------------------------------------------------
// JSON and the workbook

#[test]
fn json_nests_the_figures_per_period() {
    let dir = setup(&one(true), &[("2023", &Y2023), ("2024", &Y2024)]);
    let out = disparity(dir.path(), &["2023", "2024"], &["--format", "json"]).stdout;
    let doc: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(doc["of"], "score");
    assert_eq!(doc["by"], "county");
    assert_eq!(doc["groups"], serde_json::json!(["East", "West", "North", "South"]));
    let periods = doc["periods"].as_array().expect("periods");
    assert_eq!(periods.len(), 2);
    for (pj, (label, units)) in periods.iter().zip([("2023", &Y2023[..]), ("2024", &Y2024[..])]) {
        let (_, kept) = period(label, units, false);
        let kept: Vec<(String, f64)> = kept.into_iter().map(|(g, v)| (g, v.unwrap())).collect();
        let order: Vec<String> = ["East", "West", "North", "South"].map(String::from).to_vec();
        let f = reference(&kept, &order);
        let close = |v: &serde_json::Value, want: f64, what: &str| {
            let got = v.as_f64().unwrap_or_else(|| panic!("{label} {what}: {v} is a number"));
            assert!(
                (got - want).abs() <= 1e-12 * want.abs() + 1e-15,
                "{label} {what}: {got} vs {want}"
            );
        };
        assert_eq!(pj["period"], label);
        assert_eq!(pj["n"], f.n);
        assert_eq!(pj["missing"], 0);
        close(&pj["mean"], f.mean, "mean");
        close(&pj["cv"], f.cv.unwrap(), "cv");
        close(&pj["gini"]["overall"], f.gini, "G");
        close(&pj["gini"]["within"], f.parts[0], "G_w");
        close(&pj["gini"]["between"], f.parts[1], "G_nb");
        close(&pj["gini"]["transvariation"], f.parts[2], "G_t");
        let shares = f.shares.unwrap();
        close(&pj["gini"]["shares"]["within"], shares[0], "share_w");
        close(&pj["gini"]["shares"]["between"], shares[1], "share_nb");
        close(&pj["gini"]["shares"]["transvariation"], shares[2], "share_t");
        let t = f.theil.unwrap();
        for (i, key) in ["t", "t_within", "t_between", "l", "l_within", "l_between"]
            .iter()
            .enumerate()
        {
            close(&pj["theil"][key], t[i], key);
        }
        let groups = pj["groups"].as_array().expect("groups");
        assert_eq!(groups.len(), f.groups.len());
        for (gj, g) in groups.iter().zip(&f.groups) {
            assert_eq!(gj["group"], g.0.as_str());
            assert_eq!(gj["n"], g.1);
            close(&gj["mean"], g.2, "group mean");
            close(&gj["cv"], g.3.unwrap(), "group cv");
            close(&gj["gini"], g.4, "G_jj");
        }
        let pairs = pj["pairs"].as_array().expect("pairs");
        assert_eq!(pairs.len(), f.pairs.len());
        for (pj, pair) in pairs.iter().zip(&f.pairs) {
            assert_eq!(
                (pj["group"].as_str(), pj["other_group"].as_str()),
                (Some(&*pair.0), Some(&*pair.1))
            );
            close(&pj["gini"], pair.2, "G_jh");
            close(&pj["affluence"], pair.3, "D_jh");
        }
    }
}

#[test]
fn workbook_has_a_disparity_sheet_with_the_tidy_rows() {
    use calamine::{Data, Reader};
    let dir = setup(&one(true), &[("2023", &Y2023), ("2024", &Y2024)]);
    let csv_out = disparity(dir.path(), &["2023", "2024"], &[]).stdout;
    let (_, rows) = read_csv_with_header(&csv_out);
    let out = dir.path().join("out.xlsx");
    disparity(dir.path(), &["2023", "2024"], &["-o", p(&out)]);
    let mut book = calamine::open_workbook_auto(&out).expect("calamine opens the workbook");
    // The tidy rows, then the workbook's usual map of titles to ids.
    assert_eq!(book.sheet_names(), ["disparity", "columns"]);
    let range = book.worksheet_range("disparity").expect("the sheet");
    let grid: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(grid.len(), rows.len() + 1, "a header and the CSV's rows");
    for (r, cells) in rows.iter().zip(&grid[1..]) {
        let text = |c: &Data| match c {
            Data::Empty => String::new(),
            other => other.to_string(),
        };
        assert_eq!(text(&cells[0]), r["period"]);
        assert_eq!(text(&cells[1]), r["measure"]);
        assert_eq!(text(&cells[2]), r["group"]);
        assert_eq!(text(&cells[3]), r["other_group"]);
        let want: f64 = r["value"].parse().unwrap_or(f64::NAN);
        match &cells[4] {
            Data::Float(x) => assert_eq!(*x, want, "{r:?}"),
            Data::Int(x) => assert_eq!(*x as f64, want, "{r:?}"),
            Data::Empty => assert_eq!(r["value"], "", "{r:?}"),
            other => panic!("{r:?}: cell {other:?}"),
        }
    }
}

/// A unit whose group cell is empty has no group: it is left out of a
/// grouped period with a warning (as the report's group figures leave it
/// out), never a group named "" whose rows (`n,,,1`, `gini_pair,,A`)
/// could not be told from the overall rows.
#[test]
fn a_unit_without_a_group_is_left_out_of_grouped_figures() {
    let mut y = Y2023;
    y[4].1 = "";
    let dir = setup(&one(true), &[("2023", &y)]);
    let r = disparity(dir.path(), &["2023"], &[]);
    let (_, rows) = read_csv_with_header(&r.stdout);
    // One overall row each (no group), and no group or pair row without a name.
    let blank = |m: &str| {
        rows.iter()
            .filter(|r| r["measure"] == m && (r["group"].is_empty() || m == "gini_pair" && r["other_group"].is_empty()))
            .count()
    };
    for (m, overall) in [("n", 1), ("mean", 1), ("cv", 1), ("gini_group", 0), ("gini_pair", 0)] {
        assert_eq!(blank(m), overall, "{m}: a row for a group without a name\n{}", r.stdout);
    }
    // The figures are those of the nine units with a group.
    let units: Vec<Unit> = y.iter().copied().filter(|u| !u.1.is_empty()).collect();
    assert_rows(&r.stdout, &expected_rows(&[period("2023", &units, false)], true));
    support::assert_mentions(&r.stderr, &["2023", "1 unit has a value but no group"]);
}
