//! Issue 16, items 3, 5 and 6: what people read names things by their
//! names (an indicator's `name`, else its `column`, else its id) and in the
//! rubric's language, while CSV and JSON keep ids; labels say what they
//! rank and when a number does not add up; the shipped entropy-TOPSIS rubric
//! does not grade relative closeness on absolute bands.
//!
//! Every expected value is worked out by hand in the comments.

use crate::support::{assert_mentions, fails, ls, ls_in, ok, read_csv, row, tmp, write};
use std::path::Path;

/// Three indicators in one dimension, goalposts [0, 100] (so z = value/100):
/// `a` has a name, `b` only a column, `c` neither.
const NAMED: &str = r#"
[rubric]
name = "名称测试"
id = "id"
label = "村名"
missing = "reweight"

[[dimension]]
id = "d"
name = "产业兴旺"

[[indicator]]
id = "a"
name = "村集体收入"
column = "收入(万元)"
dimension = "d"
goalposts = [0, 100]

[[indicator]]
id = "b"
column = "合作社覆盖率"
dimension = "d"
goalposts = [0, 100]

[[indicator]]
id = "c"
dimension = "d"
goalposts = [0, 100]
"#;

/// v1: z = .5, .8, .9, weights 1/3 each: score (50 + 80 + 90)/3 = 73.33;
/// obstacle degrees ∝ 1 − z = .5, .2, .1 (sum .8): a 62.5 %, b 25 %, c 12.5 %.
/// v2: b missing (reweighted over a and c): score (20 + 100)/2 = 60; only a
/// holds it back (c is at its best). v3: every value at its best: 100, no
/// obstacle.
const NAMED_DATA: &str = "id,村名,收入(万元),合作社覆盖率,c\nv1,王寨,50,80,90\nv2,李庄,20,,100\nv3,王寨,100,100,100\n";

fn named(dir: &Path) {
    write(dir, "r.toml", NAMED);
    write(dir, "d.csv", NAMED_DATA);
}

/// The table line of unit `id`.
fn line<'a>(table: &'a str, id: &str) -> &'a str {
    let found = table
        .lines()
        .find(|l| l.starts_with('|') && l.split_whitespace().any(|w| w == id));
    found.unwrap_or_else(|| panic!("no line for {id}:\n{table}"))
}

#[test]
fn obstacles_are_named_for_people_and_ids_for_machines() {
    let dir = tmp();
    named(dir.path());
    let args = ["score", "d.csv", "--rubric", "r.toml", "--detail", "obstacles"];
    let table = ok(ls_in(dir.path(), &[&args[..], &["-f", "table"]].concat())).stdout;
    // v1's obstacles, largest first: a (name), b (its column), c (its id).
    let v1 = line(&table, "v1");
    let (a, b) = (v1.find("村集体收入"), v1.find("合作社覆盖率"));
    assert!(a.is_some() && b.is_some() && a < b, "{v1}");
    assert!(v1.trim_end_matches(['|', ' ']).ends_with(" c"), "{v1}");
    assert!(!v1.contains(" a "), "no id in the table's obstacles: {v1}");
    let markdown = ok(ls_in(dir.path(), &[&args[..], &["-f", "markdown"]].concat())).stdout;
    assert_mentions(&markdown, &["| 村集体收入 | 合作社覆盖率 | c |"]);

    // CSV and JSON keep the ids.
    let csv = ok(ls_in(dir.path(), &[&args[..], &["-f", "csv"]].concat())).stdout;
    let rows = read_csv(&csv);
    let v1 = row(&rows, "v1");
    assert_eq!(
        [&v1["obstacle_1"], &v1["obstacle_2"], &v1["obstacle_3"]],
        ["a", "b", "c"]
    );
    let v2 = row(&rows, "v2");
    assert_eq!([&v2["obstacle_1"], &v2["obstacle_2"]], ["a", ""]);
    assert_eq!(row(&rows, "v3")["obstacle_1"], "");
    let json = ok(ls_in(dir.path(), &[&args[..], &["-f", "json"]].concat())).stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let v1 = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "v1")
        .unwrap();
    assert_eq!(v1["obstacles"], serde_json::json!(["a", "b", "c"]));
}

#[test]
fn warnings_name_indicators_by_name_else_column() {
    let dir = tmp();
    named(dir.path());
    // b has no `name`: its column names it (one missing cell, v2's).
    let r = ok(ls_in(
        dir.path(),
        &["score", "d.csv", "--rubric", "r.toml", "-f", "csv"],
    ));
    assert_mentions(&r.stderr, &["1 missing cell(s) (合作社覆盖率 1)"]);
    let table = ok(ls_in(
        dir.path(),
        &["score", "d.csv", "--rubric", "r.toml", "-f", "table"],
    ))
    .stdout;
    assert_mentions(&table, &["warning: 1 missing cell(s) (合作社覆盖率 1)"]);
}

#[test]
fn weights_table_has_names_and_chinese_words_csv_keeps_ids() {
    let dir = tmp();
    named(dir.path());
    let table = ok(ls_in(dir.path(), &["weights", "--rubric", "r.toml", "-f", "table"])).stdout;
    // explicit weighting, said in the rubric's language.
    assert!(table.starts_with("赋权方法：给定权重\n"), "{table}");
    assert_mentions(&table, &["层级", "名称", "所属维度", "全局权重"]);
    let words = |l: &str| l.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    let a = table.lines().find(|l| l.contains(" a ")).expect("a's row");
    // One dimension: a's weight inside it 1/3, globally 1/3 too.
    assert_eq!(
        words(a),
        ["|", "指标", "a", "村集体收入", "产业兴旺", "0.333", "0.333", "|"]
    );
    let b = table.lines().find(|l| l.contains(" b ")).expect("b's row");
    assert_eq!(words(b)[3], "合作社覆盖率");
    let c = table.lines().find(|l| l.contains(" c ")).expect("c's row");
    assert_eq!(words(c)[3], "c");
    let d = table.lines().find(|l| l.contains(" d ")).expect("d's row");
    assert_eq!(words(d), ["|", "维度", "d", "产业兴旺", "1.000", "1.000", "|"]);

    // The CSV is SPEC's, ids only.
    let csv = ok(ls_in(dir.path(), &["weights", "--rubric", "r.toml", "-f", "csv"])).stdout;
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("level,id,parent,weight,global_weight"));
    assert_eq!(lines.next(), Some("dimension,d,,1,1"));
    assert!(
        lines.next().is_some_and(|l| l.starts_with("indicator,a,d,0.333")),
        "{csv}"
    );
}

#[test]
fn explain_shows_names_and_says_the_contributions_add_up() {
    let dir = tmp();
    named(dir.path());
    let table = ok(ls_in(
        dir.path(),
        &["explain", "d.csv", "--rubric", "r.toml", "--unit", "v1", "-f", "table"],
    ))
    .stdout;
    assert_mentions(&table, &["| 村集体收入 ", "| 合作社覆盖率 ", "| c "]);
    // Arithmetic at both levels: 50/3 + 80/3 + 90/3 = 73.33, the score.
    assert_mentions(
        &table,
        &[
            "总分 73.33",
            "总分的构成：各维度为其指标的加权算术平均，总分为各维度的加权算术平均；各指标贡献之和即为总分",
        ],
    );
    let csv = ok(ls_in(
        dir.path(),
        &["explain", "d.csv", "--rubric", "r.toml", "--unit", "v1", "-f", "csv"],
    ))
    .stdout;
    let ids: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap_or("")).collect();
    assert_eq!(ids, ["a", "b", "c"], "largest obstacle first, by id:\n{csv}");
}

#[test]
fn diff_table_says_status_in_chinese_csv_keeps_the_words() {
    let dir = tmp();
    named(dir.path());
    // v1 and v2 in both years, v3 only in the old one, v4 only in the new one.
    write(
        dir.path(),
        "new.csv",
        "id,村名,收入(万元),合作社覆盖率,c\nv1,王寨,50,80,90\nv2,李庄,20,10,100\nv4,张湾,10,10,10\n",
    );
    let args = ["diff", "d.csv", "new.csv", "--rubric", "r.toml"];
    let table = ok(ls_in(dir.path(), &[&args[..], &["-f", "table"]].concat())).stdout;
    assert!(line(&table, "v1").contains(" 保留 "), "{table}");
    assert!(line(&table, "v4").contains(" 新增 "), "{table}");
    assert!(line(&table, "v3").contains(" 消失 "), "{table}");
    assert!(!table.contains(" kept "), "{table}");
    let csv = ok(ls_in(dir.path(), &[&args[..], &["-f", "csv"]].concat())).stdout;
    let rows = read_csv(&csv);
    let status = |id: &str| row(&rows, id)["status"].clone();
    assert_eq!([status("v1"), status("v4"), status("v3")], ["kept", "new", "gone"]);
}

#[test]
fn the_report_names_weighting_and_missing_policy_in_chinese() {
    let dir = tmp();
    named(dir.path());
    ok(ls_in(
        dir.path(),
        &["report", "d.csv", "--rubric", "r.toml", "-o", "r.html"],
    ));
    let page = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert_mentions(&page, &["给定权重", "剔除缺失指标，权重重新归一"]);
    assert!(!page.contains(">explicit<") && !page.contains(">reweight<"));
}

#[test]
fn sensitivity_names_its_alternatives_in_chinese() {
    let dir = tmp();
    named(dir.path());
    let out = ok(ls_in(
        dir.path(),
        &[
            "sensitivity",
            "d.csv",
            "--rubric",
            "r.toml",
            "--runs",
            "3",
            "--normalize",
            "goalpost,minmax",
            "--aggregate",
            "arithmetic,geometric",
            "-f",
            "table",
        ],
    ))
    .stdout;
    assert_mentions(&out, &["标准化：目标值法、极差标准化；综合方法：算术平均、几何平均"]);
}

// ---------------------------------------------------------------- --unit

#[test]
fn unit_is_found_by_id_or_by_a_label_only_it_has() {
    let dir = tmp();
    named(dir.path());
    let explain = |unit: &str| ls_in(dir.path(), &["explain", "d.csv", "--rubric", "r.toml", "--unit", unit]);
    // 李庄 is v2's label alone.
    let by_label = ok(explain("李庄")).stdout;
    let by_id = ok(explain("v2")).stdout;
    assert_eq!(by_label, by_id);
    assert!(by_label.starts_with("indicator,"), "CSV when piped:\n{by_label}");
    let table = ok(ls_in(
        dir.path(),
        &[
            "explain", "d.csv", "--rubric", "r.toml", "--unit", "李庄", "-f", "table",
        ],
    ))
    .stdout;
    assert!(table.starts_with("v2 李庄\n"), "{table}");
}

#[test]
fn a_label_two_units_share_is_an_error_listing_their_ids() {
    let dir = tmp();
    named(dir.path());
    let err = fails(
        ls_in(
            dir.path(),
            &["explain", "d.csv", "--rubric", "r.toml", "--unit", "王寨"],
        ),
        1,
    );
    assert_mentions(&err, &["2 units are labelled `王寨`: `v1`, `v3`", "--unit v1"]);
}

#[test]
fn an_unknown_unit_suggests_close_ids_and_labels() {
    let dir = tmp();
    named(dir.path());
    let err = fails(
        ls_in(dir.path(), &["explain", "d.csv", "--rubric", "r.toml", "--unit", "王"]),
        1,
    );
    assert_mentions(&err, &["no unit with id or label `王`", "did you mean `王寨`?"]);
    let err = fails(
        ls_in(dir.path(), &["explain", "d.csv", "--rubric", "r.toml", "--unit", "v9"]),
        1,
    );
    assert_mentions(&err, &["no unit with id or label `v9`", "`v1`, `v2`, `v3`"]);
    let err = fails(
        ls_in(
            dir.path(),
            &["explain", "d.csv", "--rubric", "r.toml", "--unit", "zzzzzz"],
        ),
        1,
    );
    assert_mentions(&err, &["ids are in column `id`, labels in `村名`"]);
    // The report's --unit reads names the same way.
    let err = fails(
        ls_in(
            dir.path(),
            &[
                "report", "d.csv", "--rubric", "r.toml", "--unit", "王寨", "-o", "r.html",
            ],
        ),
        1,
    );
    assert_mentions(&err, &["2 units are labelled `王寨`"]);
}

// ---------------------------------------------------------------- diff's lists

/// One indicator with goalposts [0, 100] in one dimension: the score is the value.
fn one_indicator(name: &str, label: bool) -> String {
    let label = if label { "label = \"name\"\n" } else { "" };
    format!(
        "[rubric]\nname = \"{name}\"\nid = \"id\"\n{label}\n[[dimension]]\nid = \"d\"\nname = \"{name}\"\n\n[[indicator]]\nid = \"x\"\ndimension = \"d\"\ngoalposts = [0, 100]\n"
    )
}

#[test]
fn diff_lists_are_named_for_ranks_and_say_when_the_score_fell() {
    let dir = tmp();
    write(dir.path(), "r.toml", one_indicator("Plain", false));
    // Old: C 70 (1), B 60 (2), A 50 (3), D 40 (4).
    // New: C 75 (1), A 45 (2), B 30 (3), D 20 (4).
    // A rises 3 → 2 (+1) while its score falls 50 → 45 (−5); B falls 2 → 3
    // with its score (−30); C and D keep their ranks.
    write(dir.path(), "old.csv", "id,x\nA,50\nB,60\nC,70\nD,40\n");
    write(dir.path(), "new.csv", "id,x\nA,45\nB,30\nC,75\nD,20\n");
    let out = ok(ls_in(
        dir.path(),
        &["diff", "old.csv", "new.csv", "--rubric", "r.toml", "-f", "table"],
    ))
    .stdout;
    assert_mentions(
        &out,
        &[
            "biggest rank rises:\n  A: 3 → 2 (+1), score -5.00 (score fell)\n",
            "biggest rank falls:\n  B: 2 → 3 (-1), score -30.00\n",
        ],
    );
    assert!(!out.contains("risers") && !out.contains("fallers"), "{out}");
}

#[test]
fn diff_lists_in_chinese_say_when_the_score_rose() {
    let dir = tmp();
    write(dir.path(), "r.toml", one_indicator("排名测试", true));
    // Old: C 30 (1), B 20 (2), A 10 (3). New: B 60 (1), A 50 (2), C 40 (3).
    // B 2 → 1 (+1, +40), A 3 → 2 (+1, +40): rises with their scores; C falls
    // 1 → 3 (−2) though its score rose 30 → 40 (+10).
    write(dir.path(), "old.csv", "id,name,x\nA,甲村,10\nB,乙村,20\nC,丙村,30\n");
    write(dir.path(), "new.csv", "id,name,x\nA,甲村,50\nB,乙村,60\nC,丙村,40\n");
    let out = ok(ls_in(
        dir.path(),
        &["diff", "old.csv", "new.csv", "--rubric", "r.toml", "-f", "table"],
    ))
    .stdout;
    assert_mentions(
        &out,
        &[
            // Equal rank changes: the larger score change first, then by id (both +40: A, B).
            "排名上升最多：\n  A 甲村: 3 → 2 (+1), 总分 +40.00\n  B 乙村: 2 → 1 (+1), 总分 +40.00\n",
            "排名下降最多：\n  C 丙村: 1 → 3 (-2), 总分 +10.00（总分上升）\n",
        ],
    );
    assert!(!out.contains("进步最大") && !out.contains("退步最大"), "{out}");
}

// ---------------------------------------------------------------- geometric means

/// 生态宜居 is the geometric mean of 绿化率 and 污水率 (weights ½ each);
/// 产业兴旺 is 收入 alone; the score is their arithmetic mean (½ each).
const GEOMETRIC: &str = r#"
[rubric]
name = "几何测试"
id = "id"
label = "name"
aggregate = "arithmetic"

[[dimension]]
id = "eco"
name = "生态宜居"
aggregate = "geometric"

[[dimension]]
id = "ind"
name = "产业兴旺"

[[indicator]]
id = "a"
column = "绿化率"
dimension = "eco"
goalposts = [0, 100]

[[indicator]]
id = "b"
column = "污水率"
dimension = "eco"
goalposts = [0, 100]

[[indicator]]
id = "c"
column = "收入"
dimension = "ind"
goalposts = [0, 100]
"#;

/// v1: 生态宜居 = √(.25 × 1) = .5, 产业兴旺 = .5, score 50. v2: 绿化率 at its
/// low goalpost (z = 0) and v4 below it (−3, clamped to z = 0): 生态宜居 = 0
/// for both.
const GEOMETRIC_DATA: &str =
    "id,name,绿化率,污水率,收入\nv1,甲村,25,100,50\nv2,乙村,0,80,60\nv3,丙村,50,50,40\nv4,丁村,-3,90,70\n";

#[test]
fn explain_says_a_geometric_dimension_keeps_contributions_from_adding_up() {
    let dir = tmp();
    write(dir.path(), "g.toml", GEOMETRIC);
    write(dir.path(), "g.csv", GEOMETRIC_DATA);
    let out = ok(ls_in(
        dir.path(),
        &["explain", "g.csv", "--rubric", "g.toml", "--unit", "v1", "-f", "table"],
    ))
    .stdout;
    // Global weights: 绿化率 and 污水率 ½ × ½ = .25, 收入 .5. Contributions
    // 100 × .25 × .25 = 6.25, 100 × .25 × 1 = 25, 100 × .5 × .5 = 25:
    // 56.25, while the score is ½ × 50 + ½ × 50 = 50.
    assert_mentions(
        &out,
        &[
            "总分 50.00",
            "总分的构成：总分为各维度的加权算术平均；生态宜居为其指标的加权几何平均，其余维度为加权算术平均。各指标贡献合计 56.25，不等于总分 50.00",
        ],
    );
}

#[test]
fn explain_in_english_names_a_geometric_top_level() {
    let dir = tmp();
    let english = GEOMETRIC
        .replace("aggregate = \"arithmetic\"", "aggregate = \"geometric\"")
        .replace("几何测试", "Geometric test")
        .replace("生态宜居", "Ecology")
        .replace("产业兴旺", "Industry");
    write(dir.path(), "g.toml", english);
    write(dir.path(), "g.csv", GEOMETRIC_DATA);
    let out = ok(ls_in(
        dir.path(),
        &["explain", "g.csv", "--rubric", "g.toml", "--unit", "v1", "-f", "table"],
    ))
    .stdout;
    // Ecology .5 and Industry .5: the score .5^½ × .5^½ = .5, 50.00; the
    // contributions are v1's as above, 56.25.
    assert_mentions(
        &out,
        &[
            "score 50.00",
            "how the score is formed: the score is the weighted geometric mean of the dimensions; Ecology is the weighted geometric mean of its indicators, the other dimensions the arithmetic mean. The contributions add up to 56.25, not to the score 50.00",
        ],
    );
}

#[test]
fn a_dimension_zeroed_by_one_lowest_indicator_is_named_with_the_floor_hint() {
    let dir = tmp();
    write(dir.path(), "g.toml", GEOMETRIC);
    write(dir.path(), "g.csv", GEOMETRIC_DATA);
    let r = ok(ls_in(
        dir.path(),
        &["score", "g.csv", "--rubric", "g.toml", "-f", "csv"],
    ));
    let rows = read_csv(&r.stdout);
    assert_eq!(row(&rows, "v2")["eco"], "0");
    assert_eq!(row(&rows, "v4")["eco"], "0");
    assert_mentions(
        &r.stderr,
        &[
            "2 unit(s) have 生态宜居 at 0",
            "(绿化率 2)",
            "set `floor = 0.01` in [rubric]",
        ],
    );
    // With a floor no geometric mean is zeroed, and nothing is said.
    let floored = GEOMETRIC.replace(
        "aggregate = \"arithmetic\"\n",
        "aggregate = \"arithmetic\"\nfloor = 0.01\n",
    );
    write(dir.path(), "f.toml", floored);
    let r = ok(ls_in(
        dir.path(),
        &["score", "g.csv", "--rubric", "f.toml", "-f", "csv"],
    ));
    assert!(!r.stderr.contains("floor"), "{}", r.stderr);
    // An arithmetic dimension at 0 is no geometric mean's doing: no warning.
    let arithmetic = GEOMETRIC.replace("aggregate = \"geometric\"", "aggregate = \"arithmetic\"");
    write(dir.path(), "a.toml", arithmetic);
    let r = ok(ls_in(
        dir.path(),
        &["score", "g.csv", "--rubric", "a.toml", "-f", "csv"],
    ));
    assert!(!r.stderr.contains("floor"), "{}", r.stderr);
}

// ---------------------------------------------------------------- entropy-TOPSIS

#[test]
fn the_entropy_topsis_rubric_ranks_without_absolute_grades() {
    let rubric = std::fs::read_to_string(crate::support::root().join("rubrics/entropy-topsis.toml")).unwrap();
    // No [[grade]] table (only the comment that says why).
    assert!(
        !rubric.lines().any(|l| l.trim_start().starts_with("[[grade]]")),
        "the rubric grades"
    );
    assert_mentions(&rubric, &["quantiles", "分位数"]);
    let r = ok(ls(&[
        "score",
        "examples/villages-2024.csv",
        "--rubric",
        "rubrics/entropy-topsis.toml",
        "-f",
        "csv",
    ]));
    let header = r.stdout.lines().next().unwrap_or_default();
    assert!(!header.split(',').any(|c| c == "grade"), "{header}");
    // Still a ranking of the 300 villages, every score within 0..100.
    let rows = read_csv(&r.stdout);
    assert_eq!(rows.len(), 300);
    assert_eq!(rows[0]["rank"], "1");
    for r in &rows {
        let s: f64 = r["score"].parse().unwrap();
        assert!((0.0..=100.0).contains(&s), "{s}");
    }
}
