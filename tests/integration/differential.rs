//! The differential test (issue 12): seeded random rubrics and data sets
//! (300 under `LINKSCORE_LONG_TESTS=1`, as CI runs it; the first 30 of
//! them in a plain `cargo test`) scored by the real executable and by
//! `tests/independent/differential.py`,
//! an implementation of SPEC.md's formulas written from the SPEC text alone.
//! Every output column of `score`, `weights`, `explain` and `diff` must agree
//! to 1e-9 relative (ranks, ids and grades exactly).
//!
//! A longer run, e.g. 5,000 cases from seed 1000, keeping failing cases:
//!
//! ```sh
//! cargo build --release
//! python3 tests/independent/differential.py --bin target/release/linkscore \
//!     --cases 5000 --seed 1000 --keep /tmp/differential
//! ```

use std::process::Command;

use crate::support;

#[test]
fn agrees_with_the_independent_model_on_seeded_cases() {
    let cases = support::cases(30, 300).to_string();
    let script = support::root()
        .join("tests")
        .join("independent")
        .join("differential.py");
    let out = Command::new("python3")
        .arg(&script)
        .args([
            "--bin",
            env!("CARGO_BIN_EXE_linkscore"),
            "--cases",
            &cases,
            "--seed",
            "1",
        ])
        .current_dir(support::root())
        .output()
        .expect("run python3 (the differential test needs Python 3.11 or later)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the program disagrees with tests/independent/differential.py:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.lines().last() == Some(format!("{cases} passed, 0 failed").as_str()),
        "unexpected summary from differential.py:\n{stdout}\n{stderr}"
    );
}
