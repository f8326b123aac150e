//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(name)
}

/// The shared folder beside the repository (SPEC, conformance data, HDI data).
pub fn shared(rel: &str) -> PathBuf {
    root().join("..").join("shared").join(rel)
}

/// The linkscore executable built for these tests.
pub fn linkscore() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("linkscore").expect("the linkscore binary is built for integration tests")
}

/// Writes `content` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write a test file");
    p
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
