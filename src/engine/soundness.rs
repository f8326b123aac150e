//! One test per silent wrong answer of issue 12, each with its numbers
//! worked by hand (SPEC "Maths": a constant column, numerical soundness,
//! monotonicity and round trips; "Methods": one-sided TOPSIS distances,
//! coordination grades).

use super::*;
use crate::input::{self, ReadOptions};

fn rubric(body: &str) -> Rubric {
    let text = format!("[rubric]\nname = \"t\"\nid = \"id\"\n{body}");
    Rubric::parse("t.toml", &text, false).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn table(rubric: &Rubric, csv: &str) -> Table {
    input::from_bytes(
        &[("t.csv".into(), csv.as_bytes().to_vec())],
        rubric,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}\n{csv}"))
}

fn scores(s: &Scored) -> Vec<f64> {
    (0..s.len()).map(|u| s.score(u).unwrap_or(f64::NAN)).collect()
}

const TWO_INDICATORS: &str = r#"
[[dimension]]
id = "d"
[[indicator]]
id = "a"
dimension = "d"
[[indicator]]
id = "b"
dimension = "d"
normalize = "goalpost"
goalposts = [0, 10]
"#;

/// Item 1: 0.1, 0.1, 0.1 is constant (max = min), so zscore gives z = 0 to
/// every unit, whatever sd a plain sum would compute (≈ 1e-17, which gave
/// z = −81.6 and every score 40 points too low).
#[test]
fn near_constant_zscore_column_is_constant() {
    let r = rubric(&format!("normalize = \"zscore\"\n{TWO_INDICATORS}"));
    let t = table(&r, "id,a,b\nu1,0.1,1\nu2,0.1,5\nu3,0.1,9\n");
    let s = score(&r, &t).unwrap();
    assert_eq!(s.params.scaling[0], Scaling::Constant(0.0));
    // Score = 100 × (½ · 0 + ½ · b/10): 5, 25, 45.
    assert_eq!(scores(&s), [5.0, 25.0, 45.0].map(|x: f64| x / 100.0));
    assert!(s.warnings.iter().any(|w| w.contains("constant column")));
    // Its frozen file: `params::tests::near_constant_zscore_column_freezes_as_constant`.
}

/// Item 2: the mean of 0.1, 0.1, 0.1 is 0.1 (a plain sum gives
/// 0.30000000000000004 / 3 = 0.10000000000000002), so the filled column is
/// constant and minmax gives every unit z = 1, the filled one included.
#[test]
fn mean_fill_of_equal_values_is_that_value() {
    let r = rubric(&format!("normalize = \"minmax\"\nmissing = \"mean\"\n{TWO_INDICATORS}"));
    let t = table(&r, "id,a,b\nu1,0.1,1\nu2,0.1,5\nu3,0.1,9\nu4,,9\n");
    let s = score(&r, &t).unwrap();
    assert_eq!(s.params.fill[0], Some(0.1));
    for u in 0..4 {
        assert_eq!(s.z(0, u), Some(1.0), "unit {u}");
    }
}

/// Item 3: zscore of k, 2k, 3k is −1, 0, 1 for any k (mean 2k, deviations
/// −k, 0, k, sd = √(2k²/2) = k), where squares once overflowed (k ≥ 1e155,
/// a false "range too large"), lost digits (k = 1e-160) or vanished
/// (k ≤ 1e-170, "constant").
#[test]
fn zscore_at_any_magnitude() {
    let r = rubric(&format!("normalize = \"zscore\"\n{TWO_INDICATORS}"));
    for e in [-300, -170, -160, -1, 0, 155, 200, 300] {
        let k = 10f64.powi(e);
        let csv = format!("id,a,b\nu1,{:e},1\nu2,{:e},1\nu3,{:e},1\n", k, 2.0 * k, 3.0 * k);
        let t = table(&r, &csv);
        let s = score(&r, &t).unwrap();
        for (u, want) in [-1.0, 0.0, 1.0].into_iter().enumerate() {
            let z = s.z(0, u).unwrap();
            assert!((z - want).abs() < 1e-14, "k = 1e{e}, unit {u}: {z}");
        }
    }
    // Mean and median fills near the largest double stay finite and within
    // the column: mean(MAX, MAX) = MAX; median(MAX, MAX/2) = ¾ MAX.
    for (policy, b, want) in [
        ("mean", f64::MAX, f64::MAX),
        ("median", f64::MAX / 2.0, 0.75 * f64::MAX),
    ] {
        let r = rubric(&format!(
            "normalize = \"minmax\"\nmissing = \"{policy}\"\n{TWO_INDICATORS}"
        ));
        let csv = format!("id,a,b\nu1,{:e},1\nu2,{:e},1\nu3,,1\n", f64::MAX, b);
        let t = table(&r, &csv);
        let s = score(&r, &t).unwrap();
        assert_eq!(s.params.fill[0], Some(want), "{policy}");
    }
}

/// Item 4: frozen TOPSIS never punishes doing better. Base year: u1 at
/// (0, 0), u2 at (10, 10), minmax, weights ½: the ideal is v = (½, ½), the
/// anti-ideal (0, 0). Next year u1 reaches (20, 20): z = 2, v = (1, 1).
/// Two-sided, D⁺ = √(2 · ½²) = 0.707 and D⁻ = √2 = 1.414 gave C = ⅔,
/// below u2's 1; one-sided, D⁺ = 0 and C = 1: a tie at the top.
#[test]
fn frozen_topsis_distances_are_one_sided() {
    let r = rubric(
        r#"normalize = "minmax"
method = "topsis"
[[dimension]]
id = "d"
[[indicator]]
id = "a"
dimension = "d"
[[indicator]]
id = "b"
dimension = "d"
"#,
    );
    let base = table(&r, "id,a,b\nu1,0,0\nu2,10,10\n");
    let params = fit(&r, &[&base]).unwrap();
    let next_year = table(&r, "id,a,b\nu1,20,20\nu2,10,10\n");
    let next = apply(&r, &next_year, &params).unwrap();
    assert_eq!(scores(&next), [1.0, 1.0]);
    assert_eq!((next.rank(0), next.rank(1)), (Some(1), Some(1)));
}

/// Item 5: all dimensions at 0.25 give C = 4 · 0.25 / 1 = 1 and T = 0.25,
/// D = √0.25 = 0.5: 勉强协调 (band 5), however the products round
/// (D = 0.49999999999999994 was 濒临失调, C = 1.0000000000000004). Likewise
/// five at 0.16 (D = 0.4), 0.04 (0.2), 0.01 (0.1) and three at 0.64 (0.8).
#[test]
fn coordination_at_exact_band_edges() {
    for (k, u, band) in [(4, 0.25, 5), (5, 0.16, 4), (5, 0.04, 2), (5, 0.01, 1), (3, 0.64, 8)] {
        let listed: Vec<usize> = (0..k).collect();
        // Weights 1/k, which need not add up to exactly 1 in floating point.
        let weights = vec![1.0 / k as f64; k];
        let c = coupling(&listed, &weights, &vec![Some(u); k]).unwrap();
        assert!(c.coupling <= 1.0 && c.coordination <= 1.0, "{c:?}");
        assert_eq!(c.band, band, "{k} dimensions at {u}: {c:?}");
    }
    assert_eq!(coordination_band(0.49999999999999994), 5);
    assert_eq!(coordination_band(0.5 - 2e-9), 4);
    assert_eq!(coordination_band(1.0), 9);
    assert_eq!(coordination_band(0.0), 0);
}

// Item 6 (the freeze → params round trip) is tested in `params::tests`.

/// Item 7: CRITIC gives a constant column weight exactly 0 (C_j = σ_j · … and
/// σ_j = 0), not 1e-16; a dimension whose only indicator is that column gets
/// weight 0 with the indicator splitting it (weight 1 inside), so its value
/// is still shown; no obstacle comes from it; and a unit whose only value is
/// that column is not said to have "every indicator missing".
#[test]
fn noise_is_not_signal() {
    let r = rubric(
        r#"normalize = "minmax"
weighting = "critic"
missing = "reweight"
[[dimension]]
id = "flat"
[[dimension]]
id = "live"
[[indicator]]
id = "c"
dimension = "flat"
[[indicator]]
id = "a"
dimension = "live"
[[indicator]]
id = "b"
dimension = "live"
"#,
    );
    let t = table(&r, "id,c,a,b\nu1,0.1,1,4\nu2,0.1,2,2\nu3,0.1,3,3\nu4,0.1,,\n");
    let s = score(&r, &t).unwrap();
    assert_eq!(s.weights.global[0], 0.0);
    assert_eq!(s.weights.dimension[0], 0.0);
    assert_eq!(s.weights.indicator[0], 1.0);
    assert_eq!(s.dimension(3, 0), Some(1.0), "the flat dimension's value is shown");
    assert_eq!(s.score(3), None);
    for u in 0..3 {
        assert_eq!(obstacles(&s, u)[0], Some(0.0), "unit {u}");
    }
    assert!(
        !s.warnings.iter().any(|w| w.contains("every indicator was missing")),
        "{:?}",
        s.warnings
    );
    assert!(s.warnings.iter().any(|w| w.contains("weight 0")), "{:?}", s.warnings);
}

/// Item 7, the split inside a dimension whose indicators all get weight 0:
/// CRITIC gives the constant columns c1 (0.1 everywhere) and c2 (7
/// everywhere) C_j = σ_j · … = 0 exactly, so the dimension's weight is 0 + 0
/// = 0 and its two indicators share it equally, ½ and ½ (not a ratio of two
/// rounding residues). Both are constant under minmax, z = 1, so the
/// dimension's value is ½ · 1 + ½ · 1 = 1 for every unit.
#[test]
fn zero_weight_dimension_is_split_equally() {
    let r = rubric(
        r#"normalize = "minmax"
weighting = "critic"
[[dimension]]
id = "flat"
[[dimension]]
id = "live"
[[indicator]]
id = "c1"
dimension = "flat"
[[indicator]]
id = "c2"
dimension = "flat"
[[indicator]]
id = "a"
dimension = "live"
[[indicator]]
id = "b"
dimension = "live"
"#,
    );
    let t = table(
        &r,
        "id,c1,c2,a,b\nu1,0.1,7,1,4\nu2,0.1,7,2,2\nu3,0.1,7,3,3\nu4,0.1,7,5,1\n",
    );
    let s = score(&r, &t).unwrap();
    assert_eq!((s.weights.global[0], s.weights.global[1]), (0.0, 0.0));
    assert_eq!(s.weights.dimension[0], 0.0);
    assert_eq!((s.weights.indicator[0], s.weights.indicator[1]), (0.5, 0.5));
    for u in 0..4 {
        assert_eq!(s.dimension(u, 0), Some(1.0), "unit {u}");
    }
}
