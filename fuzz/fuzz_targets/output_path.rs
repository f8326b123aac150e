//! Writing an output to arbitrary paths inside a scratch directory, over
//! whatever is there (nothing, a file, a read-only file, a directory, a
//! symlink, a dangling symlink): written, or an error, never a panic, and
//! never a temporary file left behind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkscore::files::{Destination, Output, Source, check_destinations, commit};
use std::os::unix::fs::PermissionsExt;

fuzz_target!(|input: (u8, &str)| {
    let (setup, name) = input;
    // Stay inside the scratch directory: no absolute paths, no `..`.
    if name.starts_with('/') || name.split('/').any(|c| c == "..") || name.contains('\0') {
        return;
    }
    let Ok(dir) = tempfile::tempdir() else { return };
    let root = dir.path();
    let _ = std::fs::write(root.join("data.csv"), "id\n1\n");
    let target = root.join(name);
    match setup % 6 {
        1 => {
            let _ = std::fs::write(&target, "old");
        }
        2 => {
            let _ = std::fs::write(&target, "old");
            let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o444));
        }
        3 => {
            let _ = std::fs::create_dir(&target);
        }
        4 => {
            let _ = std::os::unix::fs::symlink(root.join("data.csv"), &target);
        }
        5 => {
            let _ = std::os::unix::fs::symlink(root.join("nowhere/x.csv"), &target);
        }
        _ => {}
    }
    let path = target.display().to_string();
    let sources = [Source { what: "the data file", path: &root.join("data.csv").display().to_string() }];
    let checked = check_destinations(&sources, &[Destination { flag: "--output", path: &path }]);
    if checked.is_ok() {
        let _ = commit(vec![Output::bytes(Some(&path), b"new\n".to_vec())]);
    }
    let leftover = walk(root).into_iter().any(|p| p.ends_with(".tmp"));
    assert!(!leftover, "a temporary file was left behind");
});

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            found.extend(walk(&path));
        } else {
            found.push(path.display().to_string());
        }
    }
    found
}
