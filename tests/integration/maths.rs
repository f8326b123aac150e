//! SPEC.md "Maths", formula by formula, through the real binary on tiny
//! hand-made data. Every expected number is worked out by hand in the
//! comments beside it, never copied from the program's output.

use crate::support::{self, Row, assert_close, read_csv_with_header};

/// The result of a successful `linkscore score … --format csv`.
struct Run {
    header: Vec<String>,
    rows: Vec<Row>,
    stderr: String,
}

impl Run {
    /// The row of unit `id`.
    fn unit(&self, id: &str) -> &Row {
        support::row(&self.rows, id)
    }

    /// The number in column `column` of unit `id`.
    fn num(&self, id: &str, column: &str) -> f64 {
        support::number(self.unit(id), column)
    }

    /// The text in column `column` of unit `id`.
    fn cell(&self, id: &str, column: &str) -> &str {
        self.unit(id)
            .get(column)
            .unwrap_or_else(|| panic!("column {column} is in the output: {:?}", self.header))
    }

    /// Asserts `column` of each listed unit, with a relative tolerance of 1e-9.
    fn expect(&self, column: &str, expected: &[(&str, f64)]) {
        for &(id, want) in expected {
            assert_close(self.num(id, column), want, &format!("{id}.{column}"));
        }
    }

    /// The ids in output order.
    fn ids(&self) -> Vec<&str> {
        self.rows.iter().map(|r| r["id"].as_str()).collect()
    }
}

/// Runs `linkscore score data.csv --rubric rubric.toml --format csv ARGS…` in
/// a temporary directory; the run must succeed.
fn score(rubric: &str, data: &str, args: &[&str]) -> Run {
    let output = run_score(rubric, data, args);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "linkscore score failed ({:?}):\n{stderr}",
        output.status.code()
    );
    let stdout = String::from_utf8(output.stdout).expect("CSV output is UTF-8");
    let (header, rows) = read_csv_with_header(&stdout);
    Run { header, rows, stderr }
}

/// Runs `score` and returns the raw process output, whatever its status.
fn run_score(rubric: &str, data: &str, args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().expect("a temporary directory");
    support::write(dir.path(), "rubric.toml", rubric);
    support::write(dir.path(), "data.csv", data);
    support::linkscore()
        .current_dir(dir.path())
        .args(["score", "data.csv", "--rubric", "rubric.toml", "--format", "csv"])
        .args(args)
        .output()
        .expect("run linkscore")
}

/// A rubric with one dimension per indicator (`id = "d_<indicator>"`), each
/// of weight 1 on scale 1, so every dimension column is that indicator's z.
/// `indicators` is the TOML body of each indicator (without id/dimension).
fn one_per_dimension(header_extra: &str, indicators: &[(&str, &str)]) -> String {
    let mut s = format!("[rubric]\nid = \"id\"\nscale = 1\naggregate = \"arithmetic\"\n{header_extra}\n");
    for (id, _) in indicators {
        s.push_str(&format!("[[dimension]]\nid = \"d_{id}\"\nweight = 1\n\n"));
    }
    for (id, body) in indicators {
        s.push_str(&format!(
            "[[indicator]]\nid = \"{id}\"\ndimension = \"d_{id}\"\n{body}\n\n"
        ));
    }
    s
}

// ---------------------------------------------------------------- normalization

#[test]
fn goalpost_clamps_at_both_ends_and_mirrors_for_lower() {
    let rubric = one_per_dimension(
        "",
        &[
            ("up", "goalposts = [20, 100]"),
            ("down", "goalposts = [20, 100]\ndirection = \"lower\""),
        ],
    );
    let run = score(&rubric, "id,up,down\nmid,45,45\nabove,120,120\nbelow,-5,-5\n", &[]);
    // higher: (clamp(x, 20, 100) − 20) / 80
    //   45 → 25/80 = 0.3125;  120 → clamp 100 → 80/80 = 1;  −5 → clamp 20 → 0/80 = 0
    run.expect("d_up", &[("mid", 0.3125), ("above", 1.0), ("below", 0.0)]);
    // lower: (100 − clamp(x, 20, 100)) / 80
    //   45 → 55/80 = 0.6875;  120 → 0/80 = 0;  −5 → 80/80 = 1
    run.expect("d_down", &[("mid", 0.6875), ("above", 0.0), ("below", 1.0)]);
}

#[test]
fn log_transform_passes_goalposts_through_the_log() {
    let rubric = one_per_dimension("", &[("x", "transform = \"log\"\ngoalposts = [1, 100]")]);
    let run = score(&rubric, "id,x\nten,10\none,1\nbig,1000\n", &[]);
    // (ln 10 − ln 1) / (ln 100 − ln 1) = ln 10 / (2 ln 10) = 0.5
    // ln 1 = 0 → 0;  ln 1000 > ln 100 → clamped → 1
    run.expect("d_x", &[("ten", 0.5), ("one", 0.0), ("big", 1.0)]);
}

#[test]
fn log1p_transform_passes_goalposts_through_log1p() {
    let rubric = one_per_dimension("", &[("x", "transform = \"log1p\"\ngoalposts = [0, 99]")]);
    let run = score(&rubric, "id,x\nnine,9\nzero,0\nthree,3\n", &[]);
    // goalposts: ln(1+0) = 0, ln(1+99) = ln 100 = 2 ln 10
    // 9 → ln 10 / (2 ln 10) = 0.5;  0 → 0;  3 → ln 4 / ln 100 = 2 ln 2 / (2 ln 10) = ln 2 / ln 10
    let log10_2 = 2f64.ln() / 10f64.ln(); // 0.30102999566398…
    run.expect("d_x", &[("nine", 0.5), ("zero", 0.0), ("three", log10_2)]);
}

#[test]
fn log_of_a_non_positive_value_is_an_error_naming_the_cell() {
    let rubric = one_per_dimension("", &[("x", "transform = \"log\"\ngoalposts = [1, 100]")]);
    let out = run_score(&rubric, "id,x\na,10\nb,0\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing partial on stdout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // the 0 is in row 3 (header = 1), column 2
    assert!(stderr.contains("data.csv:3:2"), "{stderr}");
}

#[test]
fn minmax_higher_and_lower() {
    let rubric = one_per_dimension(
        "",
        &[
            ("up", "normalize = \"minmax\""),
            ("down", "normalize = \"minmax\"\ndirection = \"lower\""),
        ],
    );
    let run = score(&rubric, "id,up,down\na,2,2\nb,4,4\nc,10,10\n", &[]);
    // min 2, max 10, range 8
    // higher (x − 2)/8: 0, 2/8 = 0.25, 1
    run.expect("d_up", &[("a", 0.0), ("b", 0.25), ("c", 1.0)]);
    // lower (10 − x)/8: 1, 6/8 = 0.75, 0
    run.expect("d_down", &[("a", 1.0), ("b", 0.75), ("c", 0.0)]);
}

#[test]
fn zscore_uses_the_sample_standard_deviation() {
    let rubric = one_per_dimension(
        "",
        &[
            ("up", "normalize = \"zscore\""),
            ("down", "normalize = \"zscore\"\ndirection = \"lower\""),
        ],
    );
    let run = score(&rubric, "id,up,down\na,1,1\nb,2,2\nc,6,6\n", &[]);
    // mean = (1 + 2 + 6)/3 = 3; deviations −2, −1, 3; Σ² = 4 + 1 + 9 = 14;
    // sample variance = 14 / (3 − 1) = 7; sd = √7 (the population sd √(14/3) would be wrong)
    let sd = 7f64.sqrt();
    run.expect("d_up", &[("a", -2.0 / sd), ("b", -1.0 / sd), ("c", 3.0 / sd)]);
    // lower: (mean − x)/sd
    run.expect("d_down", &[("a", 2.0 / sd), ("b", 1.0 / sd), ("c", -3.0 / sd)]);
    // score: arithmetic mean of the two dimensions, which cancel: 0 for all
    run.expect("score", &[("a", 0.0), ("b", 0.0), ("c", 0.0)]);
}

#[test]
fn rank_normalization_averages_ties() {
    let rubric = one_per_dimension(
        "",
        &[
            ("up", "normalize = \"rank\""),
            ("down", "normalize = \"rank\"\ndirection = \"lower\""),
        ],
    );
    let run = score(&rubric, "id,up,down\na,20,20\nb,10,10\nc,40,40\nd,20,20\n", &[]);
    // ascending: 10 (r 1), 20 and 20 (r 2 and 3, averaged 2.5), 40 (r 4); n − 1 = 3
    // (r − 1)/3: b 0, a and d 1.5/3 = 0.5, c 3/3 = 1
    run.expect("d_up", &[("b", 0.0), ("a", 0.5), ("d", 0.5), ("c", 1.0)]);
    // lower: 1 − that
    run.expect("d_down", &[("b", 1.0), ("a", 0.5), ("d", 0.5), ("c", 0.0)]);
}

#[test]
fn none_normalization_is_identity_or_one_minus() {
    let rubric = one_per_dimension(
        "",
        &[
            ("up", "normalize = \"none\""),
            ("down", "normalize = \"none\"\ndirection = \"lower\""),
        ],
    );
    let run = score(&rubric, "id,up,down\na,0.3,0.3\nb,0.8,0.8\n", &[]);
    run.expect("d_up", &[("a", 0.3), ("b", 0.8)]);
    // 1 − 0.3 = 0.7; 1 − 0.8 = 0.2
    run.expect("d_down", &[("a", 0.7), ("b", 0.2)]);
}

#[test]
fn constant_column_under_minmax_is_one_with_a_warning() {
    let rubric = one_per_dimension("", &[("flat", "normalize = \"minmax\"")]);
    let run = score(&rubric, "id,flat\na,5\nb,5\nc,5\n", &[]);
    // max − min = 0: every unit gets z = 1
    run.expect("d_flat", &[("a", 1.0), ("b", 1.0), ("c", 1.0)]);
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("flat"),
        "a warning naming the constant column: {}",
        run.stderr
    );
}

#[test]
fn constant_column_under_zscore_is_zero_with_a_warning() {
    let rubric = one_per_dimension("", &[("flat", "normalize = \"zscore\"")]);
    let run = score(&rubric, "id,flat\na,5\nb,5\nc,5\n", &[]);
    // sd = 0: every unit gets z = 0
    run.expect("d_flat", &[("a", 0.0), ("b", 0.0), ("c", 0.0)]);
    assert!(
        run.stderr.contains("warning") && run.stderr.contains("flat"),
        "a warning naming the constant column: {}",
        run.stderr
    );
}

#[test]
fn constant_column_under_rank_is_one() {
    let rubric = one_per_dimension("", &[("flat", "normalize = \"rank\"")]);
    let run = score(&rubric, "id,flat\na,5\nb,5\n", &[]);
    run.expect("d_flat", &[("a", 1.0), ("b", 1.0)]);
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
}

// ---------------------------------------------------------------- aggregation

#[test]
fn geometric_aggregation_inside_a_dimension() {
    let rubric = r#"
[rubric]
id = "id"
scale = 1

[[dimension]]
id = "d"
aggregate = "geometric"

[[indicator]]
id = "a"
dimension = "d"
goalposts = [0, 100]

[[indicator]]
id = "b"
dimension = "d"
goalposts = [0, 100]
"#;
    let run = score(rubric, "id,a,b\nu,25,64\nzero,0,90\n", &[]);
    // u: z = 0.25, 0.64, weights ½ each: 0.25^½ · 0.64^½ = 0.5 · 0.8 = 0.4
    // zero: 0^½ · 0.9^½ = 0 (a zero z zeroes a geometric mean)
    run.expect("d", &[("u", 0.4), ("zero", 0.0)]);
    run.expect("score", &[("u", 0.4), ("zero", 0.0)]);
}

#[test]
fn geometric_aggregation_at_the_top_with_unequal_weights() {
    let rubric = r#"
[rubric]
id = "id"
scale = 1
aggregate = "geometric"

[[dimension]]
id = "p"
weight = 1

[[dimension]]
id = "q"
weight = 3

[[indicator]]
id = "a"
dimension = "p"
goalposts = [0, 1]

[[indicator]]
id = "b"
dimension = "q"
goalposts = [0, 1]
"#;
    let run = score(rubric, "id,a,b\nu,0.0625,0.4096\nzero,0,1\n", &[]);
    // weights 1:3 → ¼, ¾
    // u: 0.0625^¼ · 0.4096^¾ = (0.5⁴)^¼ · (0.8⁴)^¾ = 0.5 · 0.8³ = 0.5 · 0.512 = 0.256
    // zero: 0^¼ · 1^¾ = 0
    run.expect("score", &[("u", 0.256), ("zero", 0.0)]);
}

#[test]
fn weights_are_relative_inside_each_parent() {
    // Three dimensions of one indicator each; z = 0.2, 0.4, 0.9.
    let rubric = |weights: [&str; 3]| {
        let mut s = String::from("[rubric]\nid = \"id\"\nscale = 1\n\n");
        for (d, w) in ["p", "q", "r"].iter().zip(weights) {
            s.push_str(&format!("[[dimension]]\nid = \"{d}\"\nweight = {w}\n\n"));
        }
        for (i, d) in ["a", "b", "c"].iter().zip(["p", "q", "r"]) {
            s.push_str(&format!(
                "[[indicator]]\nid = \"{i}\"\ndimension = \"{d}\"\ngoalposts = [0, 1]\n\n"
            ));
        }
        s
    };
    let data = "id,a,b,c\nu,0.2,0.4,0.9\n";
    // [1, 1, 2] / 4 = [0.25, 0.25, 0.5]: 0.25·0.2 + 0.25·0.4 + 0.5·0.9 = 0.05 + 0.1 + 0.45 = 0.6
    let relative = score(&rubric(["1", "1", "2"]), data, &[]);
    let normalized = score(&rubric(["0.25", "0.25", "0.5"]), data, &[]);
    relative.expect("score", &[("u", 0.6)]);
    normalized.expect("score", &[("u", 0.6)]);

    // The same inside one dimension: indicator weights [1, 1, 2].
    let inside = |weights: [&str; 3]| {
        let mut s = String::from("[rubric]\nid = \"id\"\nscale = 1\n\n[[dimension]]\nid = \"d\"\n\n");
        for (i, w) in ["a", "b", "c"].iter().zip(weights) {
            s.push_str(&format!(
                "[[indicator]]\nid = \"{i}\"\ndimension = \"d\"\nweight = {w}\ngoalposts = [0, 1]\n\n"
            ));
        }
        s
    };
    score(&inside(["1", "1", "2"]), data, &[]).expect("d", &[("u", 0.6)]);
    score(&inside(["0.25", "0.25", "0.5"]), data, &[]).expect("d", &[("u", 0.6)]);
}

#[test]
fn equal_weighting_replaces_the_explicit_weights() {
    let rubric = r#"
[rubric]
id = "id"
scale = 1
weighting = "equal"

[[dimension]]
id = "p"
weight = 1

[[dimension]]
id = "q"
weight = 9

[[indicator]]
id = "a"
dimension = "p"
weight = 1
goalposts = [0, 1]

[[indicator]]
id = "b"
dimension = "p"
weight = 4
goalposts = [0, 1]

[[indicator]]
id = "c"
dimension = "q"
goalposts = [0, 1]
"#;
    let run = score(rubric, "id,a,b,c\nu,0.2,0.6,1\n", &[]);
    // p = (0.2 + 0.6)/2 = 0.4 (not 0.2·0.2 + 0.8·0.6 = 0.52)
    // q = 1
    // score = (0.4 + 1)/2 = 0.7 (not 0.1·0.4 + 0.9·1 = 0.94)
    run.expect("p", &[("u", 0.4)]);
    run.expect("q", &[("u", 1.0)]);
    run.expect("score", &[("u", 0.7)]);
}

// ---------------------------------------------------------------- detail columns

/// Dimensions A (weight 1: a1 weight 1, a2 weight 3) and B (weight 3: b1);
/// linkage L1 = {a1, b1}, L2 = {a2}; scale 100.
const LINKED: &str = r#"
[rubric]
id = "id"
scale = 100

[[dimension]]
id = "A"
weight = 1

[[dimension]]
id = "B"
weight = 3

[[linkage]]
id = "L1"

[[linkage]]
id = "L2"

[[indicator]]
id = "a1"
dimension = "A"
linkage = "L1"
weight = 1
goalposts = [0, 100]

[[indicator]]
id = "a2"
dimension = "A"
linkage = "L2"
weight = 3
goalposts = [0, 100]

[[indicator]]
id = "b1"
dimension = "B"
linkage = "L1"
goalposts = [0, 100]
"#;

#[test]
fn linkage_is_the_globally_weighted_mean_of_its_indicators() {
    let run = score(LINKED, "id,a1,a2,b1\nu,20,40,80\n", &["--detail", "linkages"]);
    // z: a1 0.2, a2 0.4, b1 0.8
    // dimension weights 1:3 → ¼, ¾; inside A 1:3 → ¼, ¾; inside B: 1
    // global weights: a1 ¼·¼ = 1/16 = 0.0625, a2 ¼·¾ = 3/16 = 0.1875, b1 ¾·1 = 0.75
    // L1 = (0.0625·0.2 + 0.75·0.8)/(0.0625 + 0.75) = (0.0125 + 0.6)/0.8125
    //    = 0.6125/0.8125 = 49/65; × scale 100 = 4900/65 = 75.3846153846…
    // L2 = 0.4 alone; × 100 = 40
    run.expect("L1", &[("u", 4900.0 / 65.0)]);
    run.expect("L2", &[("u", 40.0)]);
    // A = ¼·0.2 + ¾·0.4 = 0.05 + 0.3 = 0.35 → 35; B = 0.8 → 80
    // score = ¼·0.35 + ¾·0.8 = 0.0875 + 0.6 = 0.6875 → 68.75 (linkages do not feed it)
    run.expect("A", &[("u", 35.0)]);
    run.expect("B", &[("u", 80.0)]);
    run.expect("score", &[("u", 68.75)]);
}

#[test]
fn detail_indicators_reports_z_times_scale() {
    let run = score(LINKED, "id,a1,a2,b1\nu,20,40,150\n", &["--detail", "indicators"]);
    // z × 100: a1 0.2 → 20, a2 0.4 → 40, b1 150 clamped to 100 → 1 → 100
    run.expect("a1", &[("u", 20.0)]);
    run.expect("a2", &[("u", 40.0)]);
    run.expect("b1", &[("u", 100.0)]);
}

#[test]
fn csv_columns_come_in_the_spec_order() {
    let rubric = r#"
[rubric]
id = "code"
label = "name"
group = "county"
scale = 100
missing = "reweight"

[[dimension]]
id = "A"

[[dimension]]
id = "B"

[[linkage]]
id = "L"

[[indicator]]
id = "a"
dimension = "A"
linkage = "L"
goalposts = [0, 1]

[[indicator]]
id = "b"
dimension = "B"
goalposts = [0, 1]

[[grade]]
name = "good"
min = 50

[coupling]
"#;
    let run = score(
        rubric,
        "code,name,county,a,b\nu,U,c1,0.5,0.5\n",
        &["--detail", "linkages", "--detail", "indicators"],
    );
    assert_eq!(
        run.header,
        [
            "rank",
            "id",
            "label",
            "group",
            "group_rank",
            "score",
            "coverage",
            "grade",
            "A",
            "B",
            "coupling",
            "coordination",
            "coordination_grade",
            "L",
            "a",
            "b"
        ]
    );
}

// ---------------------------------------------------------------- missing values

/// Dimension P (a weight 1, b weight 3) and Q (c), equal dimension weights,
/// goalposts [0, 100], with the given `missing` policy.
fn missing_rubric(policy: &str) -> String {
    format!(
        r#"
[rubric]
id = "id"
scale = 1
missing = "{policy}"

[[dimension]]
id = "P"

[[dimension]]
id = "Q"

[[indicator]]
id = "a"
dimension = "P"
weight = 1
goalposts = [0, 100]

[[indicator]]
id = "b"
dimension = "P"
weight = 3
goalposts = [0, 100]

[[indicator]]
id = "c"
dimension = "Q"
goalposts = [0, 100]
"#
    )
}

#[test]
fn missing_error_stops_with_file_row_and_column() {
    let out = run_score(&missing_rubric("error"), "id,a,b,c\nu1,20,60,50\nu2,30,,40\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing partial on stdout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // the empty b of u2: row 3 (header = 1), column 3 (id, a, b)
    assert!(stderr.contains("data.csv:3:3"), "{stderr}");
}

#[test]
fn missing_reweight_renormalizes_inside_the_dimension() {
    let data = "id,a,b,c\nfull,20,60,50\nno_a,NA,40,90\nno_p,,-,30\n";
    let run = score(&missing_rubric("reweight"), data, &[]);
    // full: P = ¼·0.2 + ¾·0.6 = 0.05 + 0.45 = 0.5; Q = 0.5; score = ½·0.5 + ½·0.5 = 0.5
    // no_a: a left out, b takes all of P: P = 0.4; Q = 0.9; score = (0.4 + 0.9)/2 = 0.65
    // no_p: P has no value → missing; the score uses Q alone: 0.3
    run.expect("P", &[("full", 0.5), ("no_a", 0.4)]);
    assert_eq!(run.cell("no_p", "P"), "", "a dimension with no values is missing");
    run.expect("Q", &[("full", 0.5), ("no_a", 0.9), ("no_p", 0.3)]);
    run.expect("score", &[("full", 0.5), ("no_a", 0.65), ("no_p", 0.3)]);
    // coverage: cells with a value / 3
    run.expect("coverage", &[("full", 1.0), ("no_a", 2.0 / 3.0), ("no_p", 1.0 / 3.0)]);
    assert!(
        run.stderr.contains("missing"),
        "the run says cells were missing: {}",
        run.stderr
    );
}

#[test]
fn missing_reweight_takes_minmax_statistics_over_present_cells() {
    let rubric = one_per_dimension("missing = \"reweight\"", &[("x", "normalize = \"minmax\"")]);
    let run = score(&rubric, "id,x\na,2\nb,\nc,10\nd,4\n", &[]);
    // present: 2, 10, 4 → min 2, max 10: a 0, c 1, d (4 − 2)/8 = 0.25; b has no value
    run.expect("d_x", &[("a", 0.0), ("c", 1.0), ("d", 0.25)]);
    assert_eq!(run.cell("b", "d_x"), "");
    assert_eq!(run.cell("b", "score"), "");
}

#[test]
fn missing_mean_fills_with_the_column_mean_of_raw_values() {
    let data = "id,a,b,c\nu1,10,60,50\nu2,,20,50\nu3,20,20,50\nu4,60,20,50\n";
    let run = score(&missing_rubric("mean"), data, &[]);
    // a: mean of 10, 20, 60 = 90/3 = 30 → u2 a = 30 → z 0.3
    // u2: P = ¼·0.3 + ¾·0.2 = 0.075 + 0.15 = 0.225; Q = 0.5; score = (0.225 + 0.5)/2 = 0.3625
    run.expect("P", &[("u2", 0.225)]);
    run.expect("score", &[("u2", 0.3625)]);
    // coverage: u2 had 2 of its 3 cells
    run.expect("coverage", &[("u1", 1.0), ("u2", 2.0 / 3.0)]);
}

#[test]
fn missing_mean_then_zscore_statistics_over_the_filled_column() {
    let rubric = one_per_dimension("missing = \"mean\"", &[("x", "normalize = \"zscore\"")]);
    let run = score(&rubric, "id,x\nu1,10\nu2,\nu3,20\nu4,60\n", &[]);
    // fill: (10 + 20 + 60)/3 = 30; filled column 10, 30, 20, 60
    // mean = 120/4 = 30; deviations −20, 0, −10, 30; Σ² = 400 + 0 + 100 + 900 = 1400
    // sd = √(1400/3) (over the 3 present cells it would be √(1400/2))
    let sd = (1400.0f64 / 3.0).sqrt();
    run.expect(
        "d_x",
        &[("u1", -20.0 / sd), ("u2", 0.0), ("u3", -10.0 / sd), ("u4", 30.0 / sd)],
    );
}

#[test]
fn missing_median_of_an_even_count_is_the_mean_of_the_middle_two() {
    let rubric = one_per_dimension(
        "missing = \"median\"",
        &[("x", "normalize = \"minmax\""), ("y", "goalposts = [0, 10]")],
    );
    let data = "id,x,y\nu1,10,5\nu2,,1\nu3,20,\nu4,60,9\nu5,30,3\n";
    let run = score(&rubric, data, &[]);
    // x present 10, 20, 60, 30 → sorted 10, 20, 30, 60 → median (20 + 30)/2 = 25
    // filled x: 10, 25, 20, 60, 30; minmax over it: min 10, max 60, range 50
    //   u1 0, u2 15/50 = 0.3, u3 10/50 = 0.2, u4 1, u5 20/50 = 0.4
    run.expect(
        "d_x",
        &[("u1", 0.0), ("u2", 0.3), ("u3", 0.2), ("u4", 1.0), ("u5", 0.4)],
    );
    // y present 5, 1, 9, 3 → sorted 1, 3, 5, 9 → median (3 + 5)/2 = 4 → u3 y = 4/10 = 0.4
    run.expect("d_y", &[("u3", 0.4)]);
    // coverage: u2 and u3 each had 1 of 2 cells
    run.expect("coverage", &[("u1", 1.0), ("u2", 0.5), ("u3", 0.5)]);
}

#[test]
fn missing_median_of_an_odd_count_is_the_middle_value() {
    let rubric = one_per_dimension("missing = \"median\"", &[("y", "goalposts = [0, 10]")]);
    let run = score(&rubric, "id,y\nu1,9\nu2,\nu3,1\nu4,5\n", &[]);
    // present 9, 1, 5 → sorted 1, 5, 9 → median 5 → z 0.5
    run.expect("d_y", &[("u2", 0.5)]);
}

#[test]
fn coverage_is_absent_when_missing_is_error() {
    let run = score(&missing_rubric("error"), "id,a,b,c\nu,1,2,3\n", &[]);
    assert!(!run.header.iter().any(|h| h == "coverage"), "{:?}", run.header);
}

// ---------------------------------------------------------------- ranks and grades

#[test]
fn competition_ranking_with_ties_ordered_by_id() {
    let rubric = one_per_dimension("", &[("x", "goalposts = [0, 1]")]);
    let run = score(&rubric, "id,x\nd,0.7\nc,0.8\nb,0.8\na,0.9\n", &[]);
    // scores 0.9 (a), 0.8 (b, c), 0.7 (d) → ranks 1, 2, 2, 4; the tie in id order b, c
    assert_eq!(run.ids(), ["a", "b", "c", "d"]);
    let ranks: Vec<&str> = run.rows.iter().map(|r| r["rank"].as_str()).collect();
    assert_eq!(ranks, ["1", "2", "2", "4"]);
}

#[test]
fn scores_within_1e9_times_scale_tie() {
    let rubric = r#"
[rubric]
id = "id"
scale = 100

[[dimension]]
id = "d"

[[indicator]]
id = "x"
dimension = "d"
goalposts = [0, 1]
"#;
    // × scale 100: top 80.0000003, b 80, c 80.00000005, e 70.
    // tolerance 1e-9 × 100 = 1e-7:
    //   c − b = 5e-8 < 1e-7 → tie (listed by id: b before c, though c is higher)
    //   top − c = 2.5e-7 > 1e-7 → no tie
    let run = score(rubric, "id,x\ne,0.7\nc,0.8000000005\nb,0.8\ntop,0.800000003\n", &[]);
    assert_eq!(run.ids(), ["top", "b", "c", "e"]);
    let ranks: Vec<&str> = run.rows.iter().map(|r| r["rank"].as_str()).collect();
    assert_eq!(ranks, ["1", "2", "2", "4"]);
}

#[test]
fn group_rank_is_competition_ranking_within_each_group() {
    let rubric = r#"
[rubric]
id = "id"
group = "county"
scale = 1

[[dimension]]
id = "d"

[[indicator]]
id = "x"
dimension = "d"
goalposts = [0, 1]
"#;
    let data = "id,county,x\nu1,A,0.9\nu2,A,0.5\nu3,A,0.5\nu4,B,0.7\nu5,B,0.2\n";
    let run = score(rubric, data, &[]);
    // overall: u1 0.9 (1), u4 0.7 (2), u2 = u3 0.5 (3, 3), u5 0.2 (5)
    // A: u1 1, u2 = u3 2; B: u4 1, u5 2
    for (id, rank, group_rank) in [
        ("u1", "1", "1"),
        ("u2", "3", "2"),
        ("u3", "3", "2"),
        ("u4", "2", "1"),
        ("u5", "5", "2"),
    ] {
        assert_eq!(run.cell(id, "rank"), rank, "{id} rank");
        assert_eq!(run.cell(id, "group_rank"), group_rank, "{id} group_rank");
        assert_eq!(run.cell(id, "group"), if id == "u4" || id == "u5" { "B" } else { "A" });
    }
}

#[test]
fn grades_take_the_first_band_whose_min_the_score_reaches() {
    let rubric = r#"
[rubric]
id = "id"
scale = 100

[[dimension]]
id = "d"

[[indicator]]
id = "x"
dimension = "d"
goalposts = [0, 100]

[[grade]]
name = "优秀"
min = 85

[[grade]]
name = "良好"
min = 70

[[grade]]
name = "合格"
min = 60
"#;
    let data = "id,x\nat85,85\nbelow85,84.9\nat70,70\nat60,60\nbelow60,59.9\ntop,100\n";
    let run = score(rubric, data, &[]);
    // score = x (z = x/100, × 100); ≥ 85 优秀, ≥ 70 良好, ≥ 60 合格, below 60: no grade
    for (id, grade) in [
        ("top", "优秀"),
        ("at85", "优秀"),
        ("below85", "良好"),
        ("at70", "良好"),
        ("at60", "合格"),
        ("below60", ""),
    ] {
        assert_eq!(run.cell(id, "grade"), grade, "{id}");
    }
}

#[test]
fn scale_ten_multiplies_score_and_dimensions() {
    let rubric = r#"
[rubric]
id = "id"
scale = 10

[[dimension]]
id = "p"

[[dimension]]
id = "q"

[[indicator]]
id = "a"
dimension = "p"
goalposts = [0, 1]

[[indicator]]
id = "b"
dimension = "q"
goalposts = [0, 1]
"#;
    let run = score(rubric, "id,a,b\nu,0.3,0.44\n", &["--detail", "indicators"]);
    // p = 0.3 → 3; q = 0.44 → 4.4; score = (0.3 + 0.44)/2 = 0.37 → 3.7
    run.expect("p", &[("u", 3.0)]);
    run.expect("q", &[("u", 4.4)]);
    run.expect("score", &[("u", 3.7)]);
    run.expect("a", &[("u", 3.0)]);
}

// ---------------------------------------------------------------- coupling

/// Dimensions p (weight `wp`), q (weight `wq`), r (weight 4), one indicator
/// each with goalposts [0, 1]; `[coupling]` body as given; scale 100.
fn coupling_rubric(wp: f64, wq: f64, coupling: &str) -> String {
    let mut s = String::from("[rubric]\nid = \"id\"\nscale = 100\n\n");
    for (d, w) in [("p", wp), ("q", wq), ("r", 4.0)] {
        s.push_str(&format!("[[dimension]]\nid = \"{d}\"\nweight = {w}\n\n"));
    }
    for (i, d) in [("a", "p"), ("b", "q"), ("c", "r")] {
        s.push_str(&format!(
            "[[indicator]]\nid = \"{i}\"\ndimension = \"{d}\"\ngoalposts = [0, 1]\n\n"
        ));
    }
    s.push_str(&format!("[coupling]\n{coupling}\n"));
    s
}

#[test]
fn coupling_of_equal_dimensions_is_one_and_of_a_zero_dimension_is_zero() {
    let rubric = coupling_rubric(1.0, 1.0, "dimensions = [\"p\", \"q\"]");
    let run = score(
        &rubric,
        "id,a,b,c\nequal,0.6,0.6,0.1\nzero,0,0.9,0.1\nnone,0,0,0.5\n",
        &[],
    );
    // equal: U = 0.6, 0.6; C = 2·(0.6·0.6)^½ / 1.2 = 2·0.6/1.2 = 1 (unscaled, though scale = 100)
    //        T = ½·0.6 + ½·0.6 = 0.6; D = √(1·0.6) = 0.7745966… → [0.7, 0.8) 中级协调
    run.expect("coupling", &[("equal", 1.0)]);
    run.expect("coordination", &[("equal", 0.6f64.sqrt())]);
    assert_eq!(run.cell("equal", "coordination_grade"), "中级协调");
    // zero: U = 0, 0.9; C = 2·(0·0.9)^½ / 0.9 = 0; D = √(0·0.45) = 0 → [0, 0.1) 极度失调
    run.expect("coupling", &[("zero", 0.0)]);
    run.expect("coordination", &[("zero", 0.0)]);
    assert_eq!(run.cell("zero", "coordination_grade"), "极度失调");
    // none: ΣU = 0 → C = 0, D = 0
    run.expect("coupling", &[("none", 0.0)]);
    run.expect("coordination", &[("none", 0.0)]);
}

#[test]
fn coordination_is_the_root_of_coupling_times_development() {
    // p weight 1, q weight 3, r weight 4 but not listed: β over p, q = ¼, ¾
    let rubric = coupling_rubric(1.0, 3.0, "dimensions = [\"p\", \"q\"]");
    let run = score(&rubric, "id,a,b,c\nu,0.2,0.8,0.1\n", &[]);
    // U = 0.2, 0.8: C = 2·(0.2·0.8)^½ / (0.2 + 0.8) = 2·0.4/1 = 0.8
    // T = ¼·0.2 + ¾·0.8 = 0.05 + 0.6 = 0.65
    // D = √(0.8·0.65) = √0.52 = 0.7211102… → [0.7, 0.8) 中级协调
    run.expect("coupling", &[("u", 0.8)]);
    run.expect("coordination", &[("u", 0.52f64.sqrt())]);
    assert_eq!(run.cell("u", "coordination_grade"), "中级协调");
}

#[test]
fn coupling_without_a_list_takes_every_dimension() {
    let rubric = coupling_rubric(1.0, 1.0, "");
    let run = score(&rubric, "id,a,b,c\nu,0.5,0.5,0.5\nv,0.1,0.2,0.4\n", &[]);
    // u: U = 0.5 × 3 → C = 3·(0.125)^⅓ / 1.5 = 3·0.5/1.5 = 1; β = 1/6, 1/6, 4/6; T = 0.5
    //    D = √0.5 = 0.7071… → 中级协调
    run.expect("coupling", &[("u", 1.0)]);
    run.expect("coordination", &[("u", 0.5f64.sqrt())]);
    assert_eq!(run.cell("u", "coordination_grade"), "中级协调");
    // v: U = 0.1, 0.2, 0.4: Π = 0.008, ∛0.008 = 0.2; C = 3·0.2 / 0.7 = 6/7
    //    T = (0.1 + 0.2 + 4·0.4)/6 = 1.9/6; D = √(6/7 · 1.9/6) = √(1.9/7) = 0.5209… → 勉强协调
    run.expect("coupling", &[("v", 6.0 / 7.0)]);
    run.expect("coordination", &[("v", (1.9f64 / 7.0).sqrt())]);
    assert_eq!(run.cell("v", "coordination_grade"), "勉强协调");
}
