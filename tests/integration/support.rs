//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(name)
}

/// The shipped rubric, `rubrics/linkage.toml`.
pub fn shipped_rubric() -> PathBuf {
    root().join("rubrics").join("linkage.toml")
}

/// The small fixture rubric.
pub fn small_toml() -> PathBuf {
    fixture("small.toml")
}

/// The shared folder beside the repository (SPEC, conformance data, HDI data).
pub fn shared(rel: &str) -> PathBuf {
    root().join("..").join("shared").join(rel)
}

/// The linkscore executable built for these tests. `COLUMNS` is removed
/// from its environment, so that a table is fitted to the documented 100
/// columns whatever terminal runs the tests.
pub fn linkscore() -> assert_cmd::Command {
    let mut cmd =
        assert_cmd::Command::cargo_bin("linkscore").expect("the linkscore binary is built for integration tests");
    cmd.env_remove("COLUMNS");
    cmd
}

/// Writes `content` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write a test file");
    p
}

/// A fresh temporary directory.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// A path as an argument (the tests' paths are UTF-8).
pub fn p(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// A float as TOML and as a CSV cell: Rust's `{:?}`, the shortest text that
/// reads back as the same double, always with a point or an exponent.
pub fn literal(x: f64) -> String {
    format!("{x:?}")
}

// ---------------------------------------------------------------------------
// Reading what linkscore wrote, and comparing numbers.

/// One output row: CSV header → cell.
pub type Row = BTreeMap<String, String>;

/// Parses CSV text (quoted fields allowed) into rows keyed by header name.
pub fn read_csv(text: &str) -> Vec<Row> {
    read_csv_with_header(text).1
}

/// Parses CSV text into its header and its rows keyed by header name.
pub fn read_csv_with_header(text: &str) -> (Vec<String>, Vec<Row>) {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers().expect("a CSV header row").clone();
    let rows = reader
        .records()
        .map(|record| {
            let record = record.expect("a well-formed CSV record");
            assert_eq!(record.len(), headers.len(), "every row has one cell per column");
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect();
    (headers.iter().map(str::to_string).collect(), rows)
}

/// The row whose `id` is `id`.
pub fn row<'a>(rows: &'a [Row], id: &str) -> &'a Row {
    rows.iter()
        .find(|r| r.get("id").is_some_and(|v| v == id))
        .unwrap_or_else(|| panic!("{id} is in the output: {rows:?}"))
}

/// The number in `column` of `row`.
pub fn number(row: &Row, column: &str) -> f64 {
    let cell = row
        .get(column)
        .unwrap_or_else(|| panic!("column {column} is in the output: {row:?}"));
    cell.parse()
        .unwrap_or_else(|_| panic!("`{column}` = {cell:?} is a number in {row:?}"))
}

/// The number in `column` of the row `id`.
pub fn num(rows: &[Row], id: &str, column: &str) -> f64 {
    number(row(rows, id), column)
}

/// `actual` equals `expected` within a relative tolerance of 1e-9 (an
/// expected 0 must come out within 1e-12 of 0).
pub fn assert_close(actual: f64, expected: f64, what: &str) {
    let ok = if expected == 0.0 {
        actual.abs() <= 1e-12
    } else {
        ((actual - expected) / expected).abs() <= 1e-9
    };
    assert!(ok, "{what}: got {actual}, expected {expected}");
}

// ---------------------------------------------------------------------------
// Running linkscore and checking what it said (shared by the CLI tests).

/// What a finished run left behind.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub raw_stdout: Vec<u8>,
}

pub fn run(cmd: &mut assert_cmd::Command) -> Run {
    let out = cmd.output().expect("run linkscore");
    Run {
        code: out.status.code().expect("linkscore exited by itself, not by a signal"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw_stdout: out.stdout,
    }
}

/// Runs `linkscore ARGS` in the repository root.
pub fn ls(args: &[&str]) -> Run {
    ls_in(&root(), args)
}

/// Runs `linkscore ARGS` in `dir`.
pub fn ls_in(dir: &Path, args: &[&str]) -> Run {
    run(linkscore().current_dir(dir).args(args))
}

/// Stderr shows no panic and no Rust debug output.
pub fn assert_clean_stderr(stderr: &str) {
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "Error(",
        "Error {",
        "Os {",
        "kind: ",
        "Custom {",
        "called `Result::unwrap()`",
        "called `Option::unwrap()`",
    ] {
        assert!(!stderr.contains(bad), "stderr shows {bad:?}:\n{stderr}");
    }
    assert!(
        !stderr.contains("{ ") || !stderr.contains(" }"),
        "stderr looks like a Rust struct dump:\n{stderr}"
    );
}

/// Asserts a successful run and returns it.
pub fn ok(r: Run) -> Run {
    assert_eq!(
        r.code, 0,
        "expected success; stderr:\n{}\nstdout:\n{}",
        r.stderr, r.stdout
    );
    assert_clean_stderr(&r.stderr);
    r
}

/// Asserts a failed run with `code`: nothing on stdout, a clean message on
/// stderr. Returns stderr.
pub fn fails(r: Run, code: i32) -> String {
    assert_eq!(
        r.code, code,
        "expected exit {code}; stderr:\n{}\nstdout:\n{}",
        r.stderr, r.stdout
    );
    assert!(r.raw_stdout.is_empty(), "a failed run wrote to stdout:\n{}", r.stdout);
    assert!(!r.stderr.trim().is_empty(), "a failed run said nothing on stderr");
    assert_clean_stderr(&r.stderr);
    r.stderr
}

pub fn assert_mentions(message: &str, parts: &[&str]) {
    for p in parts {
        assert!(message.contains(p), "message does not mention {p:?}:\n{message}");
    }
}

// ---------------------------------------------------------------------------
// Bounded resources (SPEC "Bounded resources").

/// The address-space limit the memory-bomb tests run linkscore under: a bomb
/// that is not refused ends in an abort here, not in a slow machine.
pub const MEMORY_LIMIT: u64 = 2 << 30;

/// Runs `linkscore ARGS` in `dir` under a hard address-space limit of
/// [`MEMORY_LIMIT`] (setrlimit in the child before exec), with `stdin` as
/// its standard input, and returns what it left behind and how long it took.
pub fn run_limited(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> (Run, std::time::Duration) {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("linkscore"));
    cmd.current_dir(dir).args(args);
    limit_memory(&mut cmd);
    let started = std::time::Instant::now();
    let mut a = assert_cmd::Command::from_std(cmd);
    if let Some(bytes) = stdin {
        a.write_stdin(bytes);
    }
    let out = a.output().expect("run linkscore");
    let took = started.elapsed();
    let run = Run {
        code: out.status.code().unwrap_or_else(|| {
            panic!(
                "linkscore was killed by a signal under the memory limit: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        }),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw_stdout: out.stdout,
    };
    (run, took)
}

/// Makes `cmd` run under a hard address-space limit of [`MEMORY_LIMIT`]
/// (setrlimit in the child, before exec).
pub fn limit_memory(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: MEMORY_LIMIT as libc::rlim_t,
                rlim_max: MEMORY_LIMIT as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

// ---------------------------------------------------------------------------
// The suite's length (README "Tests").

/// Whether the long suite was asked for (`LINKSCORE_LONG_TESTS=1`, which
/// `.ci/run` sets): the randomized tests then run their full case counts.
pub fn long_tests() -> bool {
    std::env::var_os("LINKSCORE_LONG_TESTS").is_some_and(|v| !v.is_empty() && v != "0")
}

/// For a test of the long suite only (an input of tens of MiB, or of 10^5
/// columns, read by a debug build: seconds each): true under
/// `LINKSCORE_LONG_TESTS=1`; otherwise false, with a note on stderr (seen
/// with `--nocapture`), and the test returns without checking anything.
/// README "Tests" lists these tests.
#[must_use]
pub fn long_only() -> bool {
    let long = long_tests();
    if !long {
        eprintln!("skipped: a test of the long suite (LINKSCORE_LONG_TESTS=1 runs it)");
    }
    long
}

/// `long` under `LINKSCORE_LONG_TESTS=1`, else `fast`.
pub fn cases<T>(fast: T, long: T) -> T {
    if long_tests() { long } else { fast }
}

// ---------------------------------------------------------------------------
// Running linkscore in this process, through the library.

/// Runs `linkscore ARGS` in this test process through the library (the
/// command's `run`, as the executable's `main` calls it), on the rayon pool
/// the caller is in. Paths in ARGS are taken from the test process's working
/// directory (the package root): give absolute ones, and `-o FILE` for what
/// would go to stdout. Cheaper than a process when one is not the point.
pub fn in_process(args: &[&str]) -> linkscore::Result<()> {
    use clap::Parser;
    use linkscore::cli::{Cli, Command};
    use linkscore::commands;
    let cli = Cli::try_parse_from(std::iter::once("linkscore").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("linkscore {args:?}: {e}"));
    match cli.command {
        Command::Score(a) => commands::score::run(&a),
        Command::Check(a) => commands::check::run(&a),
        Command::Weights(a) => commands::weights::run(&a),
        Command::Diff(a) => commands::diff::run(&a),
        Command::Panel(a) => commands::panel::run(&a),
        Command::Explain(a) => commands::explain::run(&a),
        Command::Report(a) => commands::report::run(&a),
        Command::Sensitivity(a) => commands::sensitivity::run(&a),
        other => panic!("in_process does not run {other:?}"),
    }
}

/// `f` run on a rayon pool of `threads` threads (its parallel work, that
/// is: what the library does under `RAYON_NUM_THREADS=threads`).
pub fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a rayon pool")
        .install(f)
}

/// The thread counts whose outputs must agree (issue 6).
pub const THREADS: [usize; 3] = [1, 2, 4];

/// Runs `linkscore ARGS --format FORMAT -o OUT` in this process on a pool
/// of `threads` threads, which must succeed, and returns what it wrote to
/// OUT (a file `out-THREADS.FORMAT` in `dir`).
pub fn in_process_output(dir: &Path, format: &str, threads: usize, args: &[&str]) -> Vec<u8> {
    let out = dir.join(format!("out-{threads}.{format}"));
    let out_arg = out.to_str().expect("a UTF-8 temporary path");
    let mut all = args.to_vec();
    // A CSV written to a file starts with a BOM (issue 16); these bytes are
    // compared with standard output's, which has none.
    all.extend(["--format", format, "-o", out_arg, "--bom", "never"]);
    on_threads(threads, || in_process(&all)).unwrap_or_else(|e| panic!("linkscore {all:?} at {threads} threads: {e}"));
    let bytes = std::fs::read(&out).expect("the run wrote its output");
    std::fs::remove_file(&out).expect("remove the output");
    bytes
}

/// Output is byte-identical at any thread count: `linkscore ARGS --format
/// FORMAT` run in this process on pools of 1, 2 and 4 threads gives the same
/// bytes each time; returns them. (Compare them once per command with the
/// executable's, [`cli_output_at`]: the CSV writer formats on rayon's global
/// pool, which only `RAYON_NUM_THREADS` sizes.)
pub fn same_at_any_thread_count(dir: &Path, format: &str, args: &[&str]) -> Vec<u8> {
    let one = in_process_output(dir, format, 1, args);
    for threads in &THREADS[1..] {
        assert!(
            in_process_output(dir, format, *threads, args) == one,
            "{args:?} --format {format}: {threads} threads differ from 1"
        );
    }
    one
}

/// `linkscore ARGS` (the executable, in `dir`) under
/// `RAYON_NUM_THREADS=threads`: it must succeed; returns its stdout.
pub fn cli_output_at(dir: &Path, threads: usize, args: &[&str]) -> Vec<u8> {
    let r = run(linkscore()
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", threads.to_string())
        .args(args));
    ok(r).raw_stdout
}

/// The shipped sample's three years as a panel: `2023=examples/villages-2023.csv …`
/// (paths relative to the repository root).
pub fn sample_panel_args() -> Vec<String> {
    ["2023", "2024", "2025"]
        .iter()
        .map(|y| format!("{y}=examples/villages-{y}.csv"))
        .collect()
}

/// `COMMAND <the sample panel> -r rubrics/linkage.toml EXTRA…` in the
/// repository root, which must succeed.
pub fn sample_panel(command: &str, extra: &[&str]) -> Run {
    let panel = sample_panel_args();
    let mut args = vec![command];
    args.extend(panel.iter().map(String::as_str));
    args.extend(["-r", "rubrics/linkage.toml"]);
    args.extend_from_slice(extra);
    ok(ls(&args))
}

/// The three sample years as one long CSV in `dir`: a `年份` column first,
/// the years' rows interleaved (2025, 2023, 2024, 2025, …), each year's in
/// file order.
pub fn sample_long_table(dir: &Path) -> PathBuf {
    let years = [2025, 2023, 2024];
    let texts: Vec<String> = years
        .iter()
        .map(|y| std::fs::read_to_string(root().join(format!("examples/villages-{y}.csv"))).expect("a sample file"))
        .collect();
    let header = texts.first().and_then(|t| t.lines().next()).unwrap_or_default();
    let mut out = format!("年份,{header}\n");
    let mut lines: Vec<_> = texts.iter().map(|t| t.lines().skip(1)).collect();
    loop {
        let mut any = false;
        for (y, rest) in years.iter().zip(lines.iter_mut()) {
            if let Some(line) = rest.next() {
                out.push_str(&format!("{y},{line}\n"));
                any = true;
            }
        }
        if !any {
            break;
        }
    }
    write(dir, "long.csv", out)
}
