//! The data loader and the engine on arbitrary bytes (CSV in any encoding,
//! or a would-be workbook): an error or a result, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkscore::input::{ReadOptions, from_bytes};
use linkscore::rubric::Rubric;

const RUBRIC: &str = r#"
[rubric]
id = "id"
label = "name"
group = "county"
missing = "reweight"
[[dimension]]
id = "a"
[[dimension]]
id = "b"
aggregate = "geometric"
[[indicator]]
id = "x"
dimension = "a"
transform = "log1p"
goalposts = [0, 100]
[[indicator]]
id = "y"
dimension = "a"
normalize = "minmax"
[[indicator]]
id = "z"
dimension = "b"
direction = "lower"
goalposts = [0, 10]
[coupling]
"#;

fuzz_target!(|bytes: &[u8]| {
    let Ok(rubric) = Rubric::parse("fuzz.toml", RUBRIC, false) else {
        return;
    };
    for name in ["fuzz.csv", "fuzz.xlsx"] {
        let sources = [(name.to_string(), bytes.to_vec())];
        if let Ok(table) = from_bytes(&sources, &rubric, &ReadOptions::default()) {
            let _ = linkscore::engine::score(&rubric, &table);
        }
    }
});
