//! Real validation data: the UNDP Human Development Index (HDR 2023/24)
//! expressed as a linkscore rubric (`tests/fixtures/hdi.toml`) must reproduce
//! every published value (see `../shared/data/hdi/README.md`).
//!
//! The rubric: goalpost normalization (which clamps, giving UNDP's caps), a
//! log transform for income (goalposts pass through it), an arithmetic mean
//! inside education, and an equally weighted geometric mean of the three
//! dimensions, on scale 1.

use crate::support::{self, read_csv};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A file of the shared HDI data. A missing shared folder fails the test: the
/// validation must never pass by having nothing to check.
fn hdi_data(name: &str) -> PathBuf {
    let path = support::shared(&format!("data/hdi/{name}"));
    assert!(
        path.is_file(),
        "the HDI validation data `{}` is missing: these tests need the shared folder \
         (../shared/data/hdi beside the repository, see SPEC.md); they cannot pass without it",
        path.display()
    );
    path
}

/// Scores one year's inputs with the HDI rubric through the real binary and
/// returns the CSV rows.
fn score_year(year: u32) -> Vec<BTreeMap<String, String>> {
    let inputs = hdi_data(&format!("hdi_inputs_{year}.csv"));
    let output = support::linkscore()
        .arg("score")
        .arg(&inputs)
        .arg("--rubric")
        .arg(support::fixture("hdi.toml"))
        .args(["--format", "csv"])
        .output()
        .expect("run linkscore");
    assert!(
        output.status.success(),
        "linkscore score failed on {}: {}",
        inputs.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("CSV output is UTF-8");
    read_csv(&text)
}

/// A number in thousandths, rounded half up (UNDP publishes 3 decimals; a
/// published "0.34" is 340 thousandths).
fn thousandths(x: f64) -> i64 {
    (x * 1000.0 + 0.5).floor() as i64
}

/// `iso3 → hdi` as published.
fn published(year: u32) -> BTreeMap<String, f64> {
    let path = hdi_data(&format!("hdi_published_{year}.csv"));
    let text = std::fs::read_to_string(&path).expect("read the published HDI");
    read_csv(&text)
        .into_iter()
        .map(|row| {
            let hdi = row["hdi"]
                .parse()
                .unwrap_or_else(|_| panic!("bad published HDI {:?} for {}", row["hdi"], row["iso3"]));
            (row["iso3"].clone(), hdi)
        })
        .collect()
}

/// Every published value of `year` is reproduced to 3 decimals (half up).
fn reproduces_published(year: u32, countries: usize) {
    let published = published(year);
    assert_eq!(published.len(), countries, "published HDI values for {year}");
    let rows = score_year(year);
    let scored: BTreeMap<String, f64> = rows
        .iter()
        .map(|row| {
            let score = row["score"]
                .parse()
                .unwrap_or_else(|_| panic!("{} has no numeric score: {:?}", row["id"], row["score"]));
            (row["id"].clone(), score)
        })
        .collect();

    let mut mismatches = Vec::new();
    for (iso3, &hdi) in &published {
        match scored.get(iso3) {
            None => mismatches.push(format!("{iso3}: not in the output (published {hdi})")),
            Some(&score) if thousandths(score) != thousandths(hdi) => mismatches.push(format!(
                "{iso3}: linkscore {score} rounds to {:.3}, published {hdi:.3}",
                thousandths(score) as f64 / 1000.0
            )),
            Some(_) => {}
        }
    }
    for iso3 in scored.keys().filter(|id| !published.contains_key(*id)) {
        mismatches.push(format!("{iso3}: in the output but has no published HDI"));
    }
    assert!(
        mismatches.is_empty(),
        "{year}: {}/{countries} countries match the published HDI; {} mismatch(es):\n{}",
        countries - mismatches.len().min(countries),
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn hdi_2022_reproduces_all_193_published_values() {
    reproduces_published(2022, 193);
}

#[test]
fn hdi_2000_reproduces_all_176_published_values() {
    reproduces_published(2000, 176);
}

#[test]
fn hdi_2022_output_has_exactly_193_rows() {
    let rows = score_year(2022);
    assert_eq!(rows.len(), 193, "one output row per country of hdi_inputs_2022.csv");
}

#[test]
fn hdi_2022_output_columns_follow_the_spec() {
    let inputs = hdi_data("hdi_inputs_2022.csv");
    let output = support::linkscore()
        .arg("score")
        .arg(&inputs)
        .arg("--rubric")
        .arg(support::fixture("hdi.toml"))
        .args(["--format", "csv"])
        .output()
        .expect("run linkscore");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).expect("CSV output is UTF-8");
    // rank, id, label (the rubric has one), score, then the dimensions in rubric order.
    assert_eq!(text.lines().next(), Some("rank,id,label,score,health,education,income"));
}

#[test]
fn hdi_2022_caps_and_labels_with_commas() {
    let rows = score_year(2022);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} is in the output"))
    };
    // Hong Kong: a country name with a comma survives the CSV round trip.
    assert_eq!(row("HKG")["label"], "Hong Kong, China (SAR)");
    assert_eq!(row("PSE")["label"], "Palestine, State of");
    // The income cap: five countries have GNIpc above 75,000, so income = 1.
    let capped = rows
        .iter()
        .filter(|r| r["income"].parse::<f64>().unwrap() == 1.0)
        .count();
    assert_eq!(capped, 5, "countries at the income cap (README: 5 in 2022)");
}
