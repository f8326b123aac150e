//! The cell parser: any text either is a missing token, a finite number, or
//! an error; it never panics and never yields NaN or infinity.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let na = linkscore::rubric::DEFAULT_NA;
    if let Ok(Some(x)) = linkscore::input::parse_cell(text, na) {
        assert!(x.is_finite(), "{text:?} gave {x}");
    }
});
