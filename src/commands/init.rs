//! `linkscore init`: write the built-in rubric and sample data so a user
//! with only the binary can start.

use crate::cli::InitArgs;
use crate::error::{Error, Result};
use std::path::Path;

/// The sample data shipped in the binary.
pub const SAMPLE_DATA: &str = include_str!("../../examples/villages-2024.csv");

pub fn run(args: &InitArgs) -> Result<()> {
    let dir = Path::new(&args.dir);
    let files = [
        ("linkage.toml", crate::rubric::BUILTIN_RUBRIC),
        ("villages.csv", SAMPLE_DATA),
    ];
    // Check every target before writing any, so a refusal changes nothing.
    if !args.force {
        let existing: Vec<String> = files
            .iter()
            .map(|(name, _)| dir.join(name))
            .filter(|p| p.exists())
            .map(|p| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(Error::data(format!(
                "{} already exist(s); nothing was written",
                existing.join(" and ")
            ))
            .help("pass --force to overwrite, or choose another directory"));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(&args.dir, "create the directory", &e))?;
    // Both files are committed together, or neither (a full disk leaves no
    // empty linkage.toml behind to block the next `init`).
    let outputs = files
        .iter()
        .map(|(name, content)| {
            let path = dir.join(name).display().to_string();
            crate::files::Output::bytes(Some(&path), content.as_bytes().to_vec())
        })
        .collect();
    crate::files::commit(outputs)?;
    let shown = |name: &str| dir.join(name).display().to_string();
    let message = format!(
        "wrote {} and {}\nnext: linkscore score {} --rubric {}\n",
        shown("linkage.toml"),
        shown("villages.csv"),
        shown("villages.csv"),
        shown("linkage.toml")
    );
    super::emit(message.as_bytes(), None)
}
