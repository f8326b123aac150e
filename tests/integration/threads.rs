//! Output is byte-identical at any thread count (issue 6): the reader's
//! batches, the engine's chunks and the CSV writer's windows must all be put
//! back in order. The data spans several of each (20,000 rows).

use crate::support;
use std::fmt::Write as _;

const ROWS: usize = 20_000;

/// Deterministic data: ids, names, two counties, 6 indicators, some missing
/// cells, values with two or three decimals, a few quoted thousands.
fn data() -> String {
    let mut s = String::from("id,name,county,a,b,c,d,e,f\n");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % 100_000
    };
    for i in 0..ROWS {
        let _ = write!(s, "V{i:06},村{},县{}", i % 97, i % 2);
        for j in 0..6 {
            let v = next();
            if v % 97 == 0 {
                s.push(',');
            } else if j == 5 && v % 13 == 0 {
                let _ = write!(s, ",\"1,{:03}.5\"", v % 1000);
            } else {
                let _ = write!(s, ",{}.{:03}", v / 1000, v % 1000);
            }
        }
        s.push('\n');
    }
    s
}

fn rubric(normalize: &str, weighting: &str) -> String {
    // zscore gives negative values, which a geometric mean refuses.
    let aggregate = if normalize == "zscore" {
        "arithmetic"
    } else {
        "geometric"
    };
    let mut r = format!(
        "[rubric]\nid = \"id\"\nlabel = \"name\"\ngroup = \"county\"\nmissing = \"reweight\"\nnormalize = \"{normalize}\"\nweighting = \"{weighting}\"\n[[dimension]]\nid = \"p\"\n[[dimension]]\nid = \"q\"\naggregate = \"{aggregate}\"\n"
    );
    for (k, c) in ["a", "b", "c", "d", "e", "f"].iter().enumerate() {
        let dim = if k < 3 { "p" } else { "q" };
        let _ = write!(
            r,
            "[[indicator]]\nid = \"{c}\"\ndimension = \"{dim}\"\ngoalposts = [0, 2000]\n"
        );
    }
    r.push_str("[coupling]\n[[grade]]\nname = \"A\"\nmin = 50\n");
    r
}

fn run(dir: &std::path::Path, threads: &str, args: &[&str]) -> Vec<u8> {
    let out = support::linkscore()
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads)
        .args(args)
        .output()
        .expect("run linkscore");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn output_is_the_same_at_any_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    support::write(dir.path(), "y1.csv", data());
    let y2 = data().replace(",县1,", ",县0,");
    support::write(dir.path(), "y2.csv", y2);
    for (normalize, weighting) in [
        ("goalpost", "explicit"),
        ("minmax", "entropy"),
        ("zscore", "critic"),
        ("rank", "explicit"),
    ] {
        support::write(dir.path(), "r.toml", rubric(normalize, weighting));
        for args in [
            &[
                "score",
                "y1.csv",
                "-r",
                "r.toml",
                "-f",
                "csv",
                "--detail",
                "linkages,indicators,obstacles",
            ][..],
            &["score", "y1.csv", "-r", "r.toml", "-f", "json"][..],
            &["diff", "y1.csv", "y2.csv", "-r", "r.toml", "-f", "csv"][..],
        ] {
            let one = run(dir.path(), "1", args);
            assert!(one.len() > 1000);
            for threads in ["2", "4"] {
                assert!(
                    run(dir.path(), threads, args) == one,
                    "{normalize}/{weighting} {args:?}: {threads} threads differ from 1"
                );
            }
        }
    }
}

#[test]
fn the_first_bad_cell_is_reported_whatever_the_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Two bad cells in different batches: both are listed, in file order.
    let bad = |line: &str| {
        let mut cells: Vec<&str> = line.split(',').collect();
        cells[3] = "abc";
        cells.join(",")
    };
    let text = data();
    let mut fixed: Vec<String> = text.lines().map(str::to_string).collect();
    fixed[2] = bad(&fixed[2]);
    fixed[18_001] = bad(&fixed[18_001]);
    support::write(dir.path(), "bad.csv", fixed.join("\n") + "\n");
    support::write(dir.path(), "r.toml", rubric("goalpost", "explicit"));
    for threads in ["1", "2", "4"] {
        let out = support::linkscore()
            .current_dir(dir.path())
            .env("RAYON_NUM_THREADS", threads)
            .args(["score", "bad.csv", "-r", "r.toml", "-f", "csv"])
            .output()
            .expect("run linkscore");
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err.find("bad.csv:3:4").expect("the first bad cell");
        let second = err.find("bad.csv:18002:4").expect("the second bad cell");
        assert!(first < second, "{err}");
    }
}
