//! The rubric loader on arbitrary text: a rubric or a pointed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(rubric) = linkscore::rubric::Rubric::parse("fuzz.toml", text, false) {
        let _ = linkscore::engine::rubric_weights(&rubric);
    }
});
