//! Unit tests of reading a rubric (SPEC "Rubric (TOML)"): through
//! [`Rubric::parse`], the messages a mistake gets and the model a valid
//! rubric gives.

use super::*;

const MINIMAL: &str = r#"
[rubric]
name = "t"
id = "vid"

[[dimension]]
id = "a"
weight = 1

[[dimension]]
id = "b"
weight = 3

[[indicator]]
id = "x"
dimension = "a"
goalposts = [0, 10]

[[indicator]]
id = "y"
dimension = "b"
weight = 1
goalposts = [0, 10]

[[indicator]]
id = "z"
dimension = "b"
weight = 3
direction = "lower"
goalposts = [0, 10]
"#;

fn parse(text: &str) -> Result<Rubric> {
    Rubric::parse("r.toml", text, false)
}

fn err(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn weights_are_relative_inside_each_parent() {
    let r = parse(MINIMAL).unwrap();
    assert_eq!(r.dimensions[0].weight, 0.25);
    assert_eq!(r.dimensions[1].weight, 0.75);
    assert_eq!(r.indicators[1].weight, 0.25);
    assert_eq!(r.indicators[2].weight, 0.75);
    assert_eq!(r.scale, 100.0);
    assert_eq!(r.missing, MissingPolicy::Error);
    assert_eq!(r.na.len(), DEFAULT_NA.len());
}

#[test]
fn unknown_key_points_at_its_line_and_suggests() {
    let text = MINIMAL.replace("direction = \"lower\"", "directon = \"lower\"");
    let e = err(&text);
    assert!(e.contains("r.toml:29:1"), "{e}");
    assert!(e.contains("did you mean `direction`?"), "{e}");
}

#[test]
fn unknown_variant_suggests() {
    let e = err(&MINIMAL.replace("\"lower\"", "\"lowr\""));
    assert!(e.contains("did you mean `lower`?"), "{e}");
}

#[test]
fn negative_weight_is_rejected_with_location() {
    let e = err(&MINIMAL.replace("weight = 3\ndirection", "weight = -3\ndirection"));
    assert!(e.contains("finite number ≥ 0"), "{e}");
    assert!(e.contains("r.toml:28:10"), "{e}");
}

#[test]
fn zero_weight_sum_is_rejected() {
    let e = err(&MINIMAL
        .replace("weight = 1\n\n[[dim", "weight = 0\n\n[[dim")
        .replace("weight = 3\n\n[[ind", "weight = 0\n\n[[ind"));
    assert!(
        e.contains("the dimension weights add up to 0; they need a positive sum"),
        "{e}"
    );
}

#[test]
fn weights_too_large_to_add_are_named_so() {
    let e = err(&MINIMAL
        .replace("weight = 1\n\n[[dim", "weight = 1e308\n\n[[dim")
        .replace("weight = 3\n\n[[ind", "weight = 1e308\n\n[[ind"));
    assert!(
        e.contains("the dimension weights are too large to add up (the largest is 1e308;"),
        "{e}"
    );
    assert!(e.contains("divide them all by the same number"), "{e}");
    assert!(!e.contains("inf"), "{e}");
    assert!(e.contains("r.toml:6:1"), "{e}");
    let e = err(&MINIMAL
        .replace("weight = 1\ngoalposts", "weight = 1.5e308\ngoalposts")
        .replace("weight = 3\ndirection", "weight = 1e308\ndirection"));
    assert!(
        e.contains("the indicator weights of dimension `b` are too large to add up (the largest is 1.5e308;"),
        "{e}"
    );
}

#[test]
fn numbers_in_messages_are_short() {
    let e = err(&MINIMAL.replace("weight = 3\ndirection", "weight = -1e308\ndirection"));
    assert!(e.contains("the weight of indicator `z` is -1e308;"), "{e}");
    let e = err(&MINIMAL.replacen("goalposts = [0, 10]", "goalposts = [1e300, 1e-300]", 1));
    assert!(e.contains("are [1e300, 1e-300]; the low goalpost"), "{e}");
    let e = err(&MINIMAL.replace("id = \"vid\"\n", "id = \"vid\"\nscale = -1e200\n"));
    assert!(e.contains("scale = -1e200; it must be"), "{e}");
    assert!(e.lines().all(|l| l.len() < 200), "{e}");
}

#[test]
fn ahp_numbers_far_from_saatys_scale_are_short() {
    let ahp = |m: &str| {
        let three = MINIMAL.replace(
            "[[indicator]]\nid = \"x\"",
            "[[dimension]]\nid = \"c\"\n[[indicator]]\nid = \"w\"\ndimension = \"c\"\ngoalposts = [0, 1]\n[[indicator]]\nid = \"x\"",
        );
        format!(
            "{}\n[ahp]\ndimensions = {m}\n",
            three.replace("id = \"vid\"\n", "id = \"vid\"\nweighting = \"ahp\"\n")
        )
    };
    let e = err(&ahp("[[1, 1e308, 1e300], [1e-308, 1, 3], [1e-300, \"1/3\", 1]]"));
    assert!(e.lines().all(|l| l.chars().count() < 300), "{e}");
    assert!(e.contains("1.00e308"), "{e}");
}

#[test]
fn long_values_in_toml_messages_are_cut() {
    let long = "x".repeat(400_000);
    let e = err(&MINIMAL.replace("id = \"vid\"\n", &format!("id = \"vid\"\nscale = \"{long}\"\n")));
    assert!(e.len() < 2000, "{} bytes", e.len());
    assert!(
        e.starts_with("error: invalid rubric: invalid type: string \"xxx"),
        "{e}"
    );
    let e = err(&MINIMAL.replace("id = \"vid\"\n", &format!("id = \"vid\"\n{long} = 1\n")));
    assert!(e.len() < 2000, "{} bytes", e.len());
    assert!(e.contains(&format!("unknown key `{}…`", "x".repeat(200))), "{e}");
}

#[test]
fn a_key_nested_past_the_limit_is_pointed_at() {
    let key = vec!["a"; 300].join(".");
    let e = err(&format!("[rubric]\nid = \"vid\"\n\n[{key}]\nb = 1\n"));
    assert!(e.contains("more dotted parts than the TOML reader accepts"), "{e}");
    assert!(e.contains("r.toml:4:1"), "{e}");
    assert!(e.contains("help: a rubric's keys"), "{e}");
    let e = err(&format!("[rubric]\nid = \"vid\"\n{key} = 1\n"));
    assert!(e.contains("r.toml:3:1"), "{e}");
    let deep = format!("[rubric]\nid = \"vid\"\nx = {}{}\n", "[".repeat(300), "]".repeat(300));
    let e = err(&deep);
    assert!(e.contains("arrays or inline tables are nested more deeply"), "{e}");
    assert!(e.contains("r.toml:3:"), "{e}");
    assert!(e.len() < 1500, "{e}");
}

#[test]
fn many_dimensions_and_linkages_are_looked_up_by_id() {
    // 20,000 dimensions, linkages and indicators, each indicator naming
    // its own dimension and linkage, and a [coupling] over all of them:
    // linear work (the lists were searched once per indicator before).
    let n = 20_000;
    let mut text = String::from("[rubric]\nid = \"vid\"\n");
    for i in 0..n {
        text.push_str(&format!("[[dimension]]\nid = \"d{i}\"\n[[linkage]]\nid = \"l{i}\"\n"));
    }
    for i in 0..n {
        text.push_str(&format!(
            "[[indicator]]\nid = \"i{i}\"\ndimension = \"d{}\"\nlinkage = \"l{i}\"\ngoalposts = [0, 1]\n",
            n - 1 - i
        ));
    }
    let names: Vec<String> = (0..n).map(|i| format!("\"d{i}\"")).collect();
    text.push_str(&format!("[coupling]\ndimensions = [{}]\n", names.join(", ")));
    let r = parse(&text).unwrap();
    assert_eq!(r.indicators.len(), n);
    assert_eq!(r.indicators[0].dimension, n - 1);
    assert_eq!(r.dimensions[0].indicators, vec![n - 1]);
    assert_eq!(r.linkages[7].indicators, vec![7]);
    assert_eq!(r.coupling.as_ref().map(Vec::len), Some(n));
}

#[test]
fn ids_are_unique_across_kinds() {
    let text = MINIMAL.replace("id = \"y\"", "id = \"a\"");
    let e = err(&text);
    assert!(e.contains("used twice"), "{e}");
    assert!(e.contains("line 7"), "{e}");
}

#[test]
fn reserved_and_non_ascii_ids_are_rejected() {
    assert!(err(&MINIMAL.replace("id = \"x\"", "id = \"score\"")).contains("output column"));
    assert!(err(&MINIMAL.replace("id = \"x\"", "id = \"x_change\"")).contains("output column"));
    assert!(err(&MINIMAL.replace("id = \"x\"", "id = \"收入\"")).contains("ASCII"));
}

#[test]
fn unknown_dimension_suggests_the_closest() {
    let e = err(&MINIMAL.replace("dimension = \"b\"\nweight = 1", "dimension = \"bb\"\nweight = 1"));
    assert!(e.contains("did you mean `b`?"), "{e}");
}

#[test]
fn goalposts_are_checked() {
    assert!(
        err(&MINIMAL.replace(
            "[0, 10]\n\n[[indicator]]\nid = \"y\"",
            "[10, 0]\n\n[[indicator]]\nid = \"y\""
        ))
        .contains("below the high one")
    );
    assert!(err(&MINIMAL.replacen("goalposts = [0, 10]", "goalposts = [0, 10, 20]", 1)).contains("two finite numbers"));
    let log = MINIMAL.replacen("goalposts = [0, 10]", "transform = \"log\"\ngoalposts = [0, 10]", 1);
    assert!(err(&log).contains("outside it"));
    let none = MINIMAL.replacen("goalposts = [0, 10]", "", 1);
    assert!(err(&none).contains("has no `goalposts`"));
    let minmax = MINIMAL.replacen("goalposts = [0, 10]", "normalize = \"minmax\"", 1);
    assert!(parse(&minmax).is_ok());
}

#[test]
fn grades_must_decrease() {
    let text = format!("{MINIMAL}\n[[grade]]\nname = \"A\"\nmin = 80\n[[grade]]\nname = \"B\"\nmin = 80\n");
    assert!(err(&text).contains("strictly decreasing"));
    let ok = format!("{MINIMAL}\n[[grade]]\nname = \"A\"\nmin = 80\n[[grade]]\nname = \"B\"\nmin = 60\n");
    let r = parse(&ok).unwrap();
    assert_eq!(r.grade_of(80.0), Some(0));
    assert_eq!(r.grade_of(79.99999999999), Some(0));
    assert_eq!(r.grade_of(79.9), Some(1));
    assert_eq!(r.grade_of(10.0), None);
    assert_eq!(r.grade_of(f64::NAN), None);
    assert_eq!(r.grade_of(1e300), Some(0));
}

#[test]
fn empty_dimension_is_rejected() {
    let text = MINIMAL.replace(
        "[[dimension]]\nid = \"b\"",
        "[[dimension]]\nid = \"c\"\n[[dimension]]\nid = \"b\"",
    );
    assert!(err(&text).contains("dimension `c` has no indicators"));
}

#[test]
fn coupling_lists_known_dimensions() {
    let r = parse(&format!("{MINIMAL}\n[coupling]\n")).unwrap();
    assert_eq!(r.coupling, Some(vec![0, 1]));
    let e = err(&format!("{MINIMAL}\n[coupling]\ndimensions = [\"a\", \"bx\"]\n"));
    assert!(e.contains("did you mean `b`?"), "{e}");
    assert!(err(&format!("{MINIMAL}\n[coupling]\ndimensions = [\"a\"]\n")).contains("two or more"));
}

#[test]
fn builtin_rubric_is_valid() {
    let r = Rubric::builtin().unwrap();
    assert_eq!(r.dimensions.len(), 5);
    assert_eq!(r.linkages.len(), 10);
    assert!(r.lang().is_chinese());
}

#[test]
fn syntax_error_points_at_the_spot() {
    let e = err("[rubric]\nid = \n");
    assert!(e.contains("r.toml:2:"), "{e}");
}

#[test]
fn outliers_default_to_none_and_are_validated() {
    let r = parse(MINIMAL).unwrap();
    assert_eq!(r.outliers, Outliers::None);
    assert_eq!(r.winsorize_max, DEFAULT_WINSORIZE_MAX);
    let with = |extra: &str| MINIMAL.replace("id = \"vid\"\n", &format!("id = \"vid\"\n{extra}\n"));
    let r = parse(&with("outliers = \"winsorize\"\nwinsorize_max = 0")).unwrap();
    assert_eq!((r.outliers, r.winsorize_max), (Outliers::Winsorize, 0));
    let e = err(&with("outliers = \"winsorise\""));
    assert!(e.contains("did you mean `winsorize`?"), "{e}");
    assert!(e.contains("r.toml:5:"), "{e}");
    let e = err(&with("winsorize_max = -1"));
    assert!(e.contains("winsorize_max = -1; it must be a whole number ≥ 0"), "{e}");
    assert!(e.contains("r.toml:5:17"), "{e}");
    let e = err(&with("winsorize_max = 2.5"));
    assert!(e.contains("winsorize_max"), "{e}");
}

#[test]
fn a_typo_is_a_rubric_error_pointing_at_the_key_with_the_suggestion() {
    let e = match parse(&MINIMAL.replace("direction = \"lower\"", "directon = \"lower\"")) {
        Ok(_) => panic!("a misspelled key is an error"),
        Err(e) => e,
    };
    assert_eq!((e.kind(), e.exit_code()), (crate::error::ErrorKind::Rubric, 1));
    assert!(e.message().starts_with("invalid rubric: unknown key `directon`"), "{e}");
    assert_eq!(e.helps(), ["did you mean `direction`?"]);
    let Some(crate::error::Location::Source(at)) = e.location() else {
        panic!("a typo points into the rubric: {e:?}")
    };
    assert_eq!((at.path.as_str(), at.line, at.column), ("r.toml", 29, 1));
    // Line 29 has two digits: the help sits one column further in.
    assert!(e.to_string().ends_with("\n   = help: did you mean `direction`?"), "{e}");
}
