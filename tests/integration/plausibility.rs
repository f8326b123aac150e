//! Plausibility flags and `--strict` (SPEC "Data as offices fill it in"):
//! the sample return with two unit slips typed into it, through the real
//! executable.

use crate::support::{self, fails, ls_in, ok, write};
use tempfile::TempDir;

/// The 2024 sample with 卫生厕所普及率 (%) of its 5th village typed as a
/// fraction (0.782 for 78.2) and 农村居民人均可支配收入 (元) of its 7th in
/// 万元 (1.8 for about 18,000): rows 6 and 8 of the file (header = 1),
/// columns 33 and 31.
fn slipped() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(support::root().join("examples/villages-2024.csv")).unwrap();
    let mut lines: Vec<String> = sample.lines().map(str::to_string).collect();
    for (line, column, value) in [(5, 32, "0.782"), (7, 30, "1.8")] {
        let mut cells: Vec<&str> = lines[line].split(',').collect();
        cells[column] = value;
        lines[line] = cells.join(",");
    }
    write(dir.path(), "returns.csv", lines.join("\n") + "\n");
    std::fs::copy(support::root().join("rubrics/linkage.toml"), dir.path().join("r.toml")).unwrap();
    std::fs::copy(
        support::root().join("examples/villages-2023.csv"),
        dir.path().join("old.csv"),
    )
    .unwrap();
    dir
}

const FRACTION: &str = "returns.csv:6:33 (column `卫生厕所普及率`, unit `V530121005`): 0.782 looks like a share written as a fraction of 1; did you mean 78.2?";
const TEN_THOUSAND: &str = "returns.csv:8:31 (column `农村居民人均可支配收入`, unit `V530121007`): 1.8 looks 10000 times too small (a unit slip?); did you mean 18000?";

#[test]
fn check_lists_every_slip_and_does_not_say_ok() {
    let dir = slipped();
    let r = ok(ls_in(dir.path(), &["check", "--rubric", "r.toml", "returns.csv"]));
    support::assert_mentions(&r.stdout, &["2 thing(s) to look at", FRACTION, TEN_THOUSAND]);
    assert!(!r.stdout.contains("ok: returns.csv"), "{}", r.stdout);
}

#[test]
fn strict_refuses_and_writes_nothing() {
    let dir = slipped();
    let e = fails(
        ls_in(dir.path(), &["check", "--rubric", "r.toml", "returns.csv", "--strict"]),
        1,
    );
    support::assert_mentions(&e, &["2 implausible value(s)", "--strict", FRACTION, TEN_THOUSAND]);
    for args in [
        &[
            "score",
            "returns.csv",
            "--rubric",
            "r.toml",
            "--strict",
            "-o",
            "out.csv",
        ][..],
        &[
            "diff",
            "old.csv",
            "returns.csv",
            "--rubric",
            "r.toml",
            "--strict",
            "-o",
            "out.csv",
        ],
        &[
            "report",
            "returns.csv",
            "--rubric",
            "r.toml",
            "--strict",
            "-o",
            "out.html",
        ],
    ] {
        let e = fails(ls_in(dir.path(), args), 1);
        support::assert_mentions(&e, &[FRACTION]);
        assert!(
            !dir.path().join("out.csv").exists() && !dir.path().join("out.html").exists(),
            "{args:?}"
        );
    }
}

#[test]
fn without_strict_the_slips_are_scored_with_warnings() {
    let dir = slipped();
    let r = ok(ls_in(
        dir.path(),
        &["score", "returns.csv", "--rubric", "r.toml", "--format", "csv"],
    ));
    support::assert_mentions(&r.stderr, &[FRACTION, TEN_THOUSAND]);
    assert!(r.stdout.lines().count() > 300);
}

#[test]
fn clean_returns_raise_nothing() {
    let root = support::root();
    for rubric in ["linkage", "entropy-topsis", "ahp", "combined"] {
        for year in ["2023", "2024"] {
            let r = ok(support::run(support::linkscore().current_dir(&root).args([
                "check",
                "--rubric",
                &format!("rubrics/{rubric}.toml"),
                &format!("examples/villages-{year}.csv"),
                "--strict",
            ])));
            assert!(
                r.stdout.contains(&format!("ok: examples/villages-{year}.csv")),
                "{rubric} {year}:\n{}",
                r.stdout
            );
            assert!(!r.stderr.contains("implausible"), "{}", r.stderr);
        }
    }
    for year in ["2000", "2022"] {
        let data = support::shared(&format!("data/hdi/hdi_inputs_{year}.csv"));
        let r = ok(support::run(
            support::linkscore()
                .args(["check", "--strict", "--rubric"])
                .arg(support::fixture("hdi.toml"))
                .arg(&data),
        ));
        assert!(!r.stdout.contains("to look at"), "{}", r.stdout);
    }
}
