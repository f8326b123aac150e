//! What linkscore does to files (SPEC "Writing files" and, for the files it
//! reads whole and the rank store, "Bounded resources"): destinations that
//! are devices, FIFOs, links or read-only; outputs that are inputs; all or
//! nothing; interrupted runs; memory bounds of the rubric, params and runs.

use crate::support::{MEMORY_LIMIT, Run, assert_mentions, fails, ls_in, ok, root, run, run_limited};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

/// A directory with the sample data and rubric (`v.csv`, `old.csv`, `r.toml`,
/// and `e.toml`, a rubric whose statistics come from the data).
fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let copy = |from: &str, to: &str| {
        fs::copy(root().join(from), dir.path().join(to)).expect("copy a sample file");
    };
    copy("examples/villages-2024.csv", "v.csv");
    copy("examples/villages-2023.csv", "old.csv");
    copy("rubrics/linkage.toml", "r.toml");
    copy("rubrics/entropy-topsis.toml", "e.toml");
    dir
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list the directory")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names
}

/// No temporary file of linkscore's is left in `dir`.
fn assert_no_temporaries(dir: &Path) {
    let left: Vec<String> = names(dir).into_iter().filter(|n| n.ends_with(".tmp")).collect();
    assert!(left.is_empty(), "temporary files left behind: {left:?}");
}

// ---------------------------------------------------------------------------
// 1. Destinations that are not regular files are written as `>` would.

#[test]
fn dev_null_stays_a_device() {
    let dir = workdir();
    ok(ls_in(
        dir.path(),
        &["score", "v.csv", "-r", "r.toml", "-o", "/dev/null"],
    ));
    let meta = fs::metadata("/dev/null").expect("/dev/null");
    assert!(
        std::os::unix::fs::FileTypeExt::is_char_device(&meta.file_type()),
        "/dev/null was replaced"
    );
    assert_no_temporaries(dir.path());
}

#[test]
fn dev_full_fails_and_commits_nothing() {
    let dir = workdir();
    let r = ls_in(
        dir.path(),
        &[
            "score",
            "v.csv",
            "-r",
            "e.toml",
            "--freeze",
            "p.toml",
            "-o",
            "/dev/full",
        ],
    );
    let err = fails(r, 1);
    assert_mentions(&err, &["/dev/full", "No space left"]);
    assert!(
        !dir.path().join("p.toml").exists(),
        "--freeze was committed although -o failed"
    );
    assert_no_temporaries(dir.path());
}

#[test]
fn dev_stdout_writes_to_standard_output() {
    let dir = workdir();
    let r = ok(ls_in(
        dir.path(),
        &["score", "v.csv", "-r", "r.toml", "-o", "/dev/stdout", "--format", "csv"],
    ));
    assert!(r.stdout.starts_with("rank,id,"), "{}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 301);
}

#[test]
fn a_fifo_is_written_like_a_pipe() {
    let dir = workdir();
    let fifo = dir.path().join("pipe.csv");
    let c = std::ffi::CString::new(fifo.display().to_string()).expect("a path");
    // SAFETY: a plain libc call on a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).expect("read the FIFO"))
    };
    ok(ls_in(dir.path(), &["score", "v.csv", "-r", "r.toml", "-o", "pipe.csv"]));
    let text = reader.join().expect("the reader thread");
    assert!(text.starts_with("rank,id,"), "{text}");
    assert_eq!(text.lines().count(), 301);
    let meta = fs::symlink_metadata(&fifo).expect("the FIFO");
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()),
        "the FIFO was replaced"
    );
}

// ---------------------------------------------------------------------------
// Regular destinations: replaced whole, links followed, read-only kept.

#[test]
fn a_read_only_file_is_not_replaced() {
    let dir = workdir();
    let out = dir.path().join("out.csv");
    fs::write(&out, "keep me\n").expect("write");
    fs::set_permissions(&out, fs::Permissions::from_mode(0o444)).expect("chmod");
    let err = fails(
        ls_in(dir.path(), &["score", "v.csv", "-r", "r.toml", "-o", "out.csv"]),
        1,
    );
    assert_mentions(&err, &["out.csv", "read-only", "chmod u+w"]);
    assert_eq!(fs::read_to_string(&out).expect("read"), "keep me\n");
    let mode = fs::metadata(&out).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
    assert_no_temporaries(dir.path());
}

#[test]
fn a_symlink_is_followed_and_kept() {
    let dir = workdir();
    fs::create_dir(dir.path().join("results")).expect("mkdir");
    let real = dir.path().join("results/ranking.csv");
    fs::write(&real, "old\n").expect("write");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).expect("chmod");
    std::os::unix::fs::symlink("results/ranking.csv", dir.path().join("latest.csv")).expect("symlink");
    ok(ls_in(
        dir.path(),
        &["score", "v.csv", "-r", "r.toml", "-o", "latest.csv"],
    ));
    let link = fs::symlink_metadata(dir.path().join("latest.csv")).expect("the link");
    assert!(link.file_type().is_symlink(), "the link was replaced by a file");
    let text = fs::read_to_string(&real).expect("read");
    assert!(
        text.starts_with("\u{feff}rank,id,"),
        "the file the link points to was not written"
    );
    let mode = fs::metadata(&real).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the replaced file keeps its mode");
    assert_no_temporaries(dir.path());
    assert_no_temporaries(&dir.path().join("results"));
}

#[test]
fn a_dangling_symlink_creates_its_target() {
    let dir = workdir();
    std::os::unix::fs::symlink("made.csv", dir.path().join("link.csv")).expect("symlink");
    ok(ls_in(dir.path(), &["score", "v.csv", "-r", "r.toml", "-o", "link.csv"]));
    assert!(
        fs::symlink_metadata(dir.path().join("link.csv"))
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(
        fs::read_to_string(dir.path().join("made.csv"))
            .expect("made")
            .starts_with("\u{feff}rank,id,")
    );
}

#[test]
fn a_new_file_gets_the_usual_mode() {
    let dir = workdir();
    ok(ls_in(dir.path(), &["score", "v.csv", "-r", "r.toml", "-o", "new.csv"]));
    let mode = fs::metadata(dir.path().join("new.csv"))
        .expect("meta")
        .permissions()
        .mode()
        & 0o777;
    // 0666 less the umask: readable by the group at least (not a 0600 temporary).
    assert_eq!(mode & 0o600, 0o600);
    assert_ne!(
        mode & 0o044,
        0,
        "mode {mode:o}: the temporary's 0600 leaked into the result"
    );
}

#[test]
fn a_long_output_name_is_fine() {
    let dir = workdir();
    let name = format!("{}.csv", "x".repeat(246));
    assert_eq!(name.len(), 250);
    ok(ls_in(dir.path(), &["score", "v.csv", "-r", "r.toml", "-o", &name]));
    assert!(dir.path().join(&name).exists());
}

#[test]
fn a_directory_is_not_an_output() {
    let dir = workdir();
    for target in [".", "./", "sub/", "/tmp"] {
        if target == "sub/" {
            let _ = fs::create_dir(dir.path().join("sub"));
        }
        let err = fails(ls_in(dir.path(), &["score", "v.csv", "-r", "r.toml", "-o", target]), 2);
        assert_mentions(&err, &["is a directory", "name a file"]);
        assert!(!err.contains("in the way") && !err.contains("busy"), "{err}");
    }
    let err = fails(
        ls_in(dir.path(), &["score", "v.csv", "-r", "r.toml", "-o", "nowhere/"]),
        2,
    );
    assert_mentions(&err, &["cannot end with /"]);
    let err = fails(
        ls_in(
            dir.path(),
            &["score", "v.csv", "-r", "r.toml", "-o", "no/such/dir/x.csv"],
        ),
        1,
    );
    assert_mentions(&err, &["does not exist", "mkdir -p"]);
}

// ---------------------------------------------------------------------------
// 3. Outputs are never inputs.

fn assert_same_file_refused(dir: &Path, args: &[&str], unchanged: &str) {
    let before = fs::read(dir.join(unchanged)).expect("read");
    let err = fails(ls_in(dir, args), 2);
    assert_mentions(&err, &["same file", "another file"]);
    assert_eq!(
        fs::read(dir.join(unchanged)).expect("read"),
        before,
        "{unchanged} changed"
    );
    assert_no_temporaries(dir);
}

#[test]
fn an_output_that_is_an_input_is_a_usage_error() {
    let dir = workdir();
    let d = dir.path();
    assert_same_file_refused(d, &["score", "v.csv", "-r", "r.toml", "-o", "v.csv"], "v.csv");
    assert_same_file_refused(d, &["score", "v.csv", "-r", "r.toml", "-o", "./v.csv"], "v.csv");
    assert_same_file_refused(d, &["score", "v.csv", "-r", "r.toml", "--freeze", "r.toml"], "r.toml");
    std::os::unix::fs::symlink("v.csv", d.join("sym.csv")).expect("symlink");
    assert_same_file_refused(d, &["score", "v.csv", "-r", "r.toml", "-o", "sym.csv"], "v.csv");
    fs::hard_link(d.join("v.csv"), d.join("hard.csv")).expect("hard link");
    assert_same_file_refused(d, &["score", "hard.csv", "-r", "r.toml", "-o", "v.csv"], "v.csv");
    // The frozen base year must not drift.
    ok(ls_in(
        d,
        &[
            "score",
            "v.csv",
            "-r",
            "e.toml",
            "--freeze",
            "p.toml",
            "-o",
            "/dev/null",
        ],
    ));
    assert_same_file_refused(
        d,
        &[
            "score", "v.csv", "-r", "e.toml", "--params", "p.toml", "--freeze", "p.toml",
        ],
        "p.toml",
    );
    assert_same_file_refused(
        d,
        &["diff", "old.csv", "v.csv", "-r", "e.toml", "-o", "old.csv"],
        "old.csv",
    );
    assert_same_file_refused(
        d,
        &[
            "report",
            "v.csv",
            "-r",
            "r.toml",
            "--previous",
            "old.csv",
            "-o",
            "old.csv",
        ],
        "old.csv",
    );
    assert_same_file_refused(d, &["template", "-r", "r.toml", "-o", "r.toml"], "r.toml");
    assert_same_file_refused(
        d,
        &["sensitivity", "v.csv", "-r", "r.toml", "--runs", "5", "-o", "v.csv"],
        "v.csv",
    );
    // Two outputs of one run in one file.
    let err = fails(
        ls_in(
            d,
            &["score", "v.csv", "-r", "e.toml", "-o", "x.toml", "--freeze", "./x.toml"],
        ),
        2,
    );
    assert_mentions(&err, &["--output", "--freeze", "same file"]);
    assert!(!d.join("x.toml").exists());
}

#[test]
fn stdin_data_and_its_file_as_output_is_refused() {
    let dir = workdir();
    let data = fs::File::open(dir.path().join("v.csv")).expect("open");
    let before = fs::read(dir.path().join("v.csv")).expect("read");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("linkscore"));
    cmd.current_dir(dir.path())
        .args(["score", "-", "-r", "r.toml", "-o", "v.csv"])
        .stdin(data);
    let out = cmd.output().expect("run linkscore");
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        raw_stdout: out.stdout,
    };
    let err = fails(r, 2);
    assert_mentions(&err, &["same file"]);
    assert_eq!(fs::read(dir.path().join("v.csv")).expect("read"), before);
}

// ---------------------------------------------------------------------------
// 4. Failed and interrupted runs leave nothing behind.

/// A command that cannot write more than `bytes` bytes to any file (a full
/// disk stand-in: RLIMIT_FSIZE, with SIGXFSZ ignored so writes fail with
/// EFBIG instead of killing the process).
fn with_file_size_limit(cmd: &mut std::process::Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[test]
fn init_on_a_full_disk_writes_nothing_and_the_next_init_works() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("linkscore"));
    cmd.current_dir(dir.path()).args(["init", "."]);
    with_file_size_limit(&mut cmd, 4096);
    let r = run(&mut assert_cmd::Command::from_std(cmd));
    let err = fails(r, 1);
    assert_mentions(&err, &["cannot write", "nothing was written"]);
    assert_eq!(
        names(dir.path()),
        Vec::<String>::new(),
        "init left files on a full disk"
    );
    ok(ls_in(dir.path(), &["init", "."]));
    assert_eq!(names(dir.path()), vec!["linkage.toml", "villages.csv"]);
}

#[test]
fn a_full_disk_keeps_the_old_results() {
    let dir = workdir();
    fs::write(dir.path().join("out.csv"), "last year's results\n").expect("write");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("linkscore"));
    cmd.current_dir(dir.path())
        .args(["score", "v.csv", "-r", "e.toml", "--freeze", "p.toml", "-o", "out.csv"]);
    with_file_size_limit(&mut cmd, 8192);
    let err = fails(run(&mut assert_cmd::Command::from_std(cmd)), 1);
    assert_mentions(&err, &["out.csv", "free some space"]);
    assert_eq!(
        fs::read_to_string(dir.path().join("out.csv")).expect("read"),
        "last year's results\n"
    );
    assert!(!dir.path().join("p.toml").exists());
    assert_no_temporaries(dir.path());
}

/// Starts `linkscore ARGS` in `dir` with its output going to a FIFO nobody
/// reads, so that it blocks with its `--freeze` temporary file written;
/// returns the child once that file exists.
fn blocked_run(dir: &Path) -> std::process::Child {
    let c = std::ffi::CString::new(dir.join("pipe.csv").display().to_string()).expect("a path");
    // SAFETY: a plain libc call on a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("linkscore"))
        .current_dir(dir)
        .args(["score", "v.csv", "-r", "e.toml", "--freeze", "p.toml", "-o", "pipe.csv"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start linkscore");
    let started = Instant::now();
    while !names(dir).iter().any(|n| n.ends_with(".tmp")) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn an_interrupted_run_removes_its_temporary_files() {
    for (signal, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143), (libc::SIGHUP, 129)] {
        let dir = workdir();
        let child = blocked_run(dir.path());
        // SAFETY: kill on our own child's pid.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let out = child.wait_with_output().expect("wait for linkscore");
        assert_eq!(out.status.code(), Some(code), "signal {signal}");
        assert_no_temporaries(dir.path());
        assert!(
            !dir.path().join("p.toml").exists(),
            "an interrupted run committed --freeze"
        );
    }
}

#[test]
fn interrupting_a_large_output_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    fs::copy(root().join("rubrics/linkage.toml"), dir.path().join("r.toml")).expect("copy");
    // 60,000 villages: a few megabytes of output, written for a while.
    let sample = fs::read_to_string(root().join("examples/villages-2024.csv")).expect("sample");
    let mut lines = sample.lines();
    let header = lines.next().expect("a header");
    let rows: Vec<&str> = lines.collect();
    let mut data = format!("{header}\n");
    for k in 0..200 {
        for row in &rows {
            let (id, rest) = row.split_once(',').expect("an id");
            data.push_str(&format!("{id}-{k},{rest}\n"));
        }
    }
    fs::write(dir.path().join("big.csv"), data).expect("write");
    for delay in [50, 200, 400, 800] {
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("linkscore"))
            .current_dir(dir.path())
            .args([
                "score",
                "big.csv",
                "-r",
                "r.toml",
                "--detail",
                "indicators",
                "-o",
                "out.csv",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start linkscore");
        std::thread::sleep(Duration::from_millis(delay));
        // SAFETY: kill on our own child's pid.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        let out = child.wait_with_output().expect("wait");
        // Interrupted (130), or finished just before the signal (0).
        assert!(matches!(out.status.code(), Some(0 | 130)), "{:?}", out.status);
        assert_no_temporaries(dir.path());
        let _ = fs::remove_file(dir.path().join("out.csv"));
    }
}

// ---------------------------------------------------------------------------
// 5 and 7. Memory bounds of the files read whole and of the rank store.

fn assert_refused_quickly(dir: &Path, args: &[&str], limit: &[&str]) {
    let (r, took) = run_limited(dir, args, None);
    let err = fails(r, 1);
    assert_mentions(&err, limit);
    assert!(
        took < Duration::from_secs(10),
        "took {took:?} under a {MEMORY_LIMIT}-byte limit"
    );
}

#[test]
fn a_rubric_or_params_file_that_never_ends_is_refused() {
    let dir = workdir();
    let d = dir.path();
    assert_refused_quickly(
        d,
        &["check", "--rubric", "/dev/zero"],
        &["/dev/zero", "larger than 16 MiB"],
    );
    assert_refused_quickly(
        d,
        &["score", "v.csv", "-r", "r.toml", "--params", "/dev/zero"],
        &["/dev/zero", "larger than 16 MiB", "params file"],
    );
}

#[test]
fn a_rank_store_over_a_gibibyte_is_refused_with_the_largest_runs() {
    let dir = workdir();
    let d = dir.path();
    let one = "id,name,group,income\nv1,一,g,5\n";
    fs::write(d.join("one.csv"), one).expect("write");
    fs::write(
        d.join("one.toml"),
        "[rubric]\nname = \"one\"\nid = \"id\"\n\n[[dimension]]\nid = \"d\"\nweight = 1\n\n[[indicator]]\nid = \"income\"\ndimension = \"d\"\ngoalposts = [0, 10]\n",
    )
    .expect("write");
    // One unit: (1 + 2) × 4 bytes a run, so 2^30 / 12 = 89,478,485 runs fit.
    assert_refused_quickly(
        d,
        &["sensitivity", "one.csv", "-r", "one.toml", "--runs", "200000000"],
        &["1 GiB", "at most 89478485 runs"],
    );
    // 300 units: 2^30 / (302 × 4) = 888,859 runs fit.
    assert_refused_quickly(
        d,
        &[
            "report",
            "v.csv",
            "-r",
            "r.toml",
            "-o",
            "r.html",
            "--uncertainty",
            "400000000",
        ],
        &["1 GiB", "at most 888859 runs", "--uncertainty"],
    );
    assert_refused_quickly(
        d,
        &["diff", "old.csv", "v.csv", "-r", "r.toml", "--uncertainty", "400000000"],
        &["1 GiB", "at most 888859 runs"],
    );
    assert!(!d.join("r.html").exists());
}
