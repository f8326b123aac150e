//! The guards of SPEC "Data as offices fill it in" are quiet on clean data
//! (issue 13): a return drawn inside the rubric's goalposts, typed as
//! offices type it and without a slip, gets no totals row, no header note and
//! no implausible value, through the public reader and `--strict`'s judge.

use linkscore::input::{self, ReadOptions};
use linkscore::plausibility;
use linkscore::rubric::Rubric;
use proptest::collection::vec;
use proptest::prelude::*;

/// One indicator's kind: a share in % (goalposts [0, 100], values typed to
/// one decimal in a band of the return's own), a count of people (whole,
/// goalposts [0, 50]) or an income in 元 (whole, goalposts [3000, 60000]).
#[derive(Debug, Clone, Copy)]
enum Kind {
    Share { centre: f64, half_width: f64 },
    Count,
    Income,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        (10.0f64..90.0, 2.0f64..40.0).prop_map(|(centre, half_width)| Kind::Share { centre, half_width }),
        Just(Kind::Count),
        Just(Kind::Income),
    ]
}

/// A cell as typed, from a uniform draw `u` in [0, 1).
fn cell(kind: Kind, u: f64) -> String {
    match kind {
        Kind::Share { centre, half_width } => {
            let lo = (centre - half_width).max(1.0);
            let hi = (centre + half_width).min(100.0);
            format!("{:.1}", lo + u * (hi - lo))
        }
        Kind::Count => format!("{}", (u * 50.0).floor()),
        Kind::Income => format!("{}", (3000.0 + u * 57000.0).round()),
    }
}

fn rubric(kinds: &[Kind]) -> Rubric {
    let mut text =
        String::from("[rubric]\nname = \"t\"\nid = \"村代码\"\nlabel = \"村名\"\n[[dimension]]\nid = \"d\"\n");
    for (k, kind) in kinds.iter().enumerate() {
        let (unit, goalposts) = match kind {
            Kind::Share { .. } => ("%", "[0, 100]"),
            Kind::Count => ("人", "[0, 50]"),
            Kind::Income => ("元", "[3000, 60000]"),
        };
        text.push_str(&format!(
            "[[indicator]]\nid = \"i{k}\"\ncolumn = \"指标{k}\"\ndimension = \"d\"\nunit = \"{unit}\"\ngoalposts = {goalposts}\n"
        ));
    }
    Rubric::parse("t.toml", &text, false).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: crate::support::cases(64, 256),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_guard_fires_on_a_clean_return(
        kinds in vec(kind(), 3..7),
        n in 5usize..120,
        draws in vec(0.0f64..1.0, 120 * 7),
    ) {
        let r = rubric(&kinds);
        let mut csv = String::from("村代码,村名");
        for k in 0..kinds.len() {
            csv.push_str(&format!(",指标{k}"));
        }
        csv.push('\n');
        for u in 0..n {
            csv.push_str(&format!("V{u:03},村{u}"));
            for (k, &kind) in kinds.iter().enumerate() {
                csv.push(',');
                csv.push_str(&cell(kind, draws[u * 7 + k]));
            }
            csv.push('\n');
        }
        let mut table = input::from_bytes(&[("t.csv".into(), csv.clone().into_bytes())], &r, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}\n{csv}"));
        prop_assert_eq!(table.len(), n, "{}", csv);
        prop_assert!(table.notes.is_empty(), "{:?}\n{}", table.notes, csv);
        let judged = plausibility::judge(&r, &mut table, true);
        prop_assert!(judged.is_ok(), "{:?}\n{}", judged.err().map(|e| e.to_string()), csv);
        prop_assert!(table.notes.is_empty(), "{:?}\n{}", table.notes, csv);
    }
}
