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
