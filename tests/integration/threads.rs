//! Output is byte-identical at any thread count (issue 6): the reader's
//! batches, the engine's chunks and the CSV writer's tasks must all be put
//! back in order. The data spans several of each: 20,000 rows are two
//! batches of 16,384 records, 20 chunks of 1,024 units and 5 tasks of 4,096
//! rows.
//!
//! The comparisons run the library in this process on rayon pools of 1, 2
//! and 4 threads (`support::same_at_any_thread_count`); the executable runs
//! once per command under `RAYON_NUM_THREADS=4`, which also sizes the pool
//! the CSV writer formats on, against the library's bytes at one thread.
//! A plain `cargo test` runs the matrix of rubric variants on the first
//! 2,100 rows (3 chunks) and the executable's `score` on all 20,000;
//! `LINKSCORE_LONG_TESTS=1` runs the matrix on all 20,000, with the JSON of
//! every variant.

use crate::support;
use std::fmt::Write as _;
use std::path::Path;

const ROWS: usize = 20_000;
/// The rows of the variant matrix in a plain `cargo test`.
const FAST_ROWS: usize = 2_100;

/// Deterministic data of [`ROWS`] rows: ids, names, two counties, 6
/// indicators, some missing cells, values with two or three decimals, a few
/// quoted thousands.
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

/// Two years of the first `rows` rows of [`data`] (`y1.csv`, `y2.csv`) in `dir`.
fn years(dir: &Path, rows: usize) -> (String, String) {
    let y1: String = data().split_inclusive('\n').take(rows + 1).collect();
    let y2 = y1.replace(",县1,", ",县0,");
    support::write(dir, "y1.csv", y1);
    support::write(dir, "y2.csv", y2);
    (path(dir, "y1.csv"), path(dir, "y2.csv"))
}

/// The file `name` in `dir` as an argument.
fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().expect("a UTF-8 temporary path").to_string()
}

/// The rubric variants: each takes another parallel path through the
/// engine (goalposts; sample minimum and maximum with entropy weights; mean
/// and sd with CRITIC's correlations; ranks).
const VARIANTS: [(&str, &str); 4] = [
    ("goalpost", "explicit"),
    ("minmax", "entropy"),
    ("zscore", "critic"),
    ("rank", "explicit"),
];

/// Lines in `bytes`.
fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// `score` (the CSV with every detail column) and `diff` of every variant,
/// through the library on pools of 1, 2 and 4 threads: byte-identical; so
/// is the JSON of `score` (one variant, every variant in the long suite:
/// its numbers come from the same engine, through a writer without threads).
#[test]
fn output_is_the_same_at_any_thread_count() {
    let dir = support::tmp();
    let rows = support::cases(FAST_ROWS, ROWS);
    let (y1, y2) = years(dir.path(), rows);
    for (k, (normalize, weighting)) in VARIANTS.into_iter().enumerate() {
        let rubric_file = format!("{normalize}.toml");
        support::write(dir.path(), &rubric_file, rubric(normalize, weighting));
        let r = path(dir.path(), &rubric_file);
        let detail = ["score", &y1, "-r", &r, "--detail", "linkages,indicators,obstacles"];
        let csv = support::same_at_any_thread_count(dir.path(), "csv", &detail);
        assert_eq!(line_count(&csv), rows + 1, "{normalize}: a row per unit");
        let diff = support::same_at_any_thread_count(dir.path(), "csv", &["diff", &y1, &y2, "-r", &r]);
        assert_eq!(line_count(&diff), rows + 1, "{normalize}: a row per unit");
        if k == 1 || support::long_tests() {
            let json = support::same_at_any_thread_count(dir.path(), "json", &["score", &y1, "-r", &r]);
            assert!(json.len() > 200 * rows, "{normalize}: a JSON document of every unit");
        }
    }
}

/// The executable, once per command, under `RAYON_NUM_THREADS=4` (reader
/// batches parsed on four threads, the CSV writer's tasks formatted on
/// four): the same bytes as the library on one thread. `score` reads all
/// 20,000 rows; `diff`, which reads through the same reader, the first 2,100
/// (all 20,000 under `LINKSCORE_LONG_TESTS=1`).
#[test]
fn the_executable_at_four_threads_writes_what_one_thread_writes() {
    let dir = support::tmp();
    support::write(dir.path(), "r.toml", rubric("minmax", "entropy"));
    let r = path(dir.path(), "r.toml");
    for (rows, command) in [(ROWS, "score"), (support::cases(FAST_ROWS, ROWS), "diff")] {
        let (y1, y2) = years(dir.path(), rows);
        let args = match command {
            "score" => vec!["score", &y1, "-r", &r, "--detail", "linkages,indicators,obstacles"],
            _ => vec!["diff", &y1, &y2, "-r", &r],
        };
        let one = support::in_process_output(dir.path(), "csv", 1, &args);
        assert_eq!(line_count(&one), rows + 1, "{args:?}: a row per unit");
        let mut cli = args.clone();
        cli.extend(["--format", "csv"]);
        let four = support::cli_output_at(dir.path(), 4, &cli);
        assert!(
            four == one,
            "{args:?}: the executable at 4 threads differs from 1 thread"
        );
    }
}

/// The message of a run on a pool of `threads` threads, which must fail
/// with a data error.
fn failure_at(threads: usize, args: &[&str]) -> String {
    let e = support::on_threads(threads, || support::in_process(args)).expect_err("bad cells fail the run");
    assert_eq!(e.exit_code(), 1, "{e}");
    e.to_string()
}

#[test]
fn the_first_bad_cell_is_reported_whatever_the_thread_count() {
    let dir = support::tmp();
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
    let in_order = |err: &str| {
        let first = err.find("bad.csv:3:4").expect("the first bad cell");
        let second = err.find("bad.csv:18002:4").expect("the second bad cell");
        assert!(first < second, "{err}");
    };
    let (data_path, rubric_path) = (path(dir.path(), "bad.csv"), path(dir.path(), "r.toml"));
    let args = ["score", &data_path, "-r", &rubric_path, "-f", "csv"];
    let one = failure_at(1, &args);
    in_order(&one);
    for threads in &support::THREADS[1..] {
        assert_eq!(failure_at(*threads, &args), one, "{threads} threads differ from 1");
    }
    // The executable once, at 4 threads: exit 1, the same message.
    let r = support::run(
        support::linkscore()
            .current_dir(dir.path())
            .env("RAYON_NUM_THREADS", "4")
            .args(["score", "bad.csv", "-r", "r.toml", "-f", "csv"]),
    );
    let err = support::fails(r, 1);
    in_order(&err);
}
