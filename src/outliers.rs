//! Outlier treatment (SPEC "Data as offices fill it in": **Outliers**), as
//! COINr does it: while a column's skewness |G1| > 2 and kurtosis G2 > 3.5,
//! the most extreme value on the side of the skew, with its ties, is set to
//! the next most extreme value, moving at most `winsorize_max` values; a
//! column that still exceeds both limits gets ln(x − min + 1) instead.
//!
//! The treatment is a fitted parameter, like a column's min and max: per
//! indicator either clamps `[low, high]` (winsorization) or the log shift
//! `min`. Applied to another table (`--params`, the other year of `diff`) a
//! value beyond a clamp is clamped, and a value below the log's `min` counts
//! as `min`: both maps are monotone non-decreasing, so raising a value never
//! lowers its treated value (SPEC "Monotonicity and round trips").
//!
//! Definitions, on the n values x of a column with mean x̄ and sample sd s:
//!
//! - G1 = n / ((n−1)(n−2)) · Σ((x−x̄)/s)³ (Excel's SKEW; needs n ≥ 3),
//! - G2 = n(n+1) / ((n−1)(n−2)(n−3)) · Σ((x−x̄)/s)⁴ − 3(n−1)² / ((n−2)(n−3))
//!   (Excel's KURT, excess kurtosis; needs n ≥ 4).
//!
//! A column with fewer than 4 values, or a constant one, has no G2 and is
//! never treated.

use crate::stats;
use crate::util::{lossless, rounded};

/// |G1| above this (and G2 above [`KURTOSIS_LIMIT`]) calls for treatment.
pub const SKEW_LIMIT: f64 = 2.0;
/// G2 above this (and |G1| above [`SKEW_LIMIT`]) calls for treatment.
pub const KURTOSIS_LIMIT: f64 = 3.5;

/// How one indicator's values (after `transform`) are treated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Treatment {
    /// Left as they are.
    None,
    /// Values below `low` become `low`, values above `high` become `high`
    /// (an infinite bound leaves its side alone).
    Winsorize { low: f64, high: f64 },
    /// ln(max(x, min) − min + 1): the column's minimum maps to 0.
    Log { min: f64 },
}

impl Treatment {
    /// The treated value of `x` (NaN stays NaN).
    pub fn apply(self, x: f64) -> f64 {
        match self {
            Treatment::None => x,
            Treatment::Winsorize { low, high } => {
                if x < low {
                    low
                } else if x > high {
                    high
                } else {
                    x
                }
            }
            Treatment::Log { min } => {
                if x.is_nan() {
                    return x;
                }
                let x = x.max(min);
                let d = x - min;
                if d.is_finite() {
                    // ln(1 + d), exact near the minimum (which maps to 0).
                    d.ln_1p()
                } else {
                    // A range beyond the largest double: halve both (the +1
                    // is far below an ulp of the difference there).
                    (x / 2.0 - min / 2.0).ln() + std::f64::consts::LN_2
                }
            }
        }
    }

    pub fn is_none(self) -> bool {
        self == Treatment::None
    }

    /// Whether the cell with value `x` is treated: a clamped cell, or any
    /// cell of a log-transformed column.
    pub fn changes(self, x: f64) -> bool {
        match self {
            Treatment::None => false,
            Treatment::Winsorize { low, high } => x < low || x > high,
            Treatment::Log { .. } => true,
        }
    }

    /// The name used in JSON and params files.
    pub fn method(self) -> &'static str {
        match self {
            Treatment::None => "none",
            Treatment::Winsorize { .. } => "winsorize",
            Treatment::Log { .. } => "log",
        }
    }
}

/// Skewness G1 and excess kurtosis G2 of a column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub skew: f64,
    pub kurtosis: f64,
}

impl Shape {
    /// Both limits exceeded: |G1| > 2 and G2 > 3.5.
    pub fn exceeds(self) -> bool {
        self.skew.abs() > SKEW_LIMIT && self.kurtosis > KURTOSIS_LIMIT
    }
}

/// The standardized deviations (x − x̄)/s, or `None` for fewer than `min_n`
/// values or a constant column. x − x̄ overflows only for values near
/// ±1.8e308 of both signs; it is then taken on halved values.
fn standardized(values: &[f64], min_n: usize) -> Option<Vec<f64>> {
    if values.len() < min_n {
        return None;
    }
    let mean = stats::mean(values);
    let sd = stats::sample_sd(values, mean);
    if !(sd > 0.0 && sd.is_finite()) {
        return None;
    }
    Some(
        values
            .iter()
            .map(|&x| {
                let d = x - mean;
                if d.is_finite() {
                    d / sd
                } else {
                    (x / 2.0 - mean / 2.0) / sd * 2.0
                }
            })
            .collect(),
    )
}

/// Σ dᵏ, compensated.
fn power_sum(d: &[f64], k: i32) -> f64 {
    stats::sum(d.iter().map(|v| v.powi(k)))
}

/// Adjusted sample skewness G1 (Excel's SKEW); `None` for fewer than 3
/// values or a constant column.
pub fn skewness(values: &[f64]) -> Option<f64> {
    let d = standardized(values, 3)?;
    let n = d.len() as f64;
    Some(n / ((n - 1.0) * (n - 2.0)) * power_sum(&d, 3))
}

/// Excess kurtosis G2 (Excel's KURT); `None` for fewer than 4 values or a
/// constant column.
pub fn kurtosis(values: &[f64]) -> Option<f64> {
    let d = standardized(values, 4)?;
    let n = d.len() as f64;
    let (a, b, c) = (n - 1.0, n - 2.0, n - 3.0);
    Some(n * (n + 1.0) / (a * b * c) * power_sum(&d, 4) - 3.0 * a * a / (b * c))
}

/// G1 and G2 together; NaN where undefined (so that nothing exceeds).
pub fn shape(values: &[f64]) -> Shape {
    Shape {
        skew: skewness(values).unwrap_or(f64::NAN),
        kurtosis: kurtosis(values).unwrap_or(f64::NAN),
    }
}

/// What fitting did to one column.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub treatment: Treatment,
    /// G1, G2 before and after the treatment.
    pub before: Shape,
    pub after: Shape,
    /// Values winsorization moved below and above (under the log fallback:
    /// what it had moved when it gave up).
    pub moved_low: usize,
    pub moved_high: usize,
}

/// `sorted` with its `low` lowest values set to the next one up and its
/// `high` highest set to the next one down.
fn clamped(sorted: &[f64], low: usize, high: usize) -> Vec<f64> {
    let n = sorted.len();
    let floor = sorted.get(low).copied().unwrap_or(f64::NAN);
    let ceiling = sorted.get(n.wrapping_sub(high + 1)).copied().unwrap_or(f64::NAN);
    sorted
        .iter()
        .enumerate()
        .map(|(k, &v)| {
            if k < low {
                floor
            } else if k + high >= n {
                ceiling
            } else {
                v
            }
        })
        .collect()
}

/// The treatment of one column of values (after `transform`, missing cells
/// left out or filled already), or `None` when it needs none. `max` is
/// `winsorize_max`: a step that would bring the number of moved values
/// above it is not taken.
pub fn fit(values: &[f64], max: usize) -> Option<Fit> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let before = shape(&sorted);
    if !before.exceeds() {
        return None;
    }
    let n = sorted.len();
    // The `low` lowest and `high` highest values are moved; the others (the
    // middle, sorted[low..n - high]) keep their values.
    let (mut low, mut high) = (0usize, 0usize);
    let mut current = before;
    while current.exceeds() {
        let middle = &sorted[low..n - high];
        // The most extreme value on the side of the skew is the middle's end
        // (moved values equal it already); its ties are moved with it.
        let (next_low, next_high) = if current.skew > 0.0 {
            let top = middle.last().copied().unwrap_or(f64::NAN);
            (low, high + middle.iter().rev().take_while(|&&v| v == top).count())
        } else {
            let bottom = middle.first().copied().unwrap_or(f64::NAN);
            (low + middle.iter().take_while(|&&v| v == bottom).count(), high)
        };
        // No next value (the middle is one value), or too many moved.
        if next_low + next_high >= n || next_low + next_high > max {
            break;
        }
        (low, high) = (next_low, next_high);
        current = shape(&clamped(&sorted, low, high));
    }
    if current.exceeds() {
        let treatment = Treatment::Log {
            min: sorted.first().copied().unwrap_or(0.0),
        };
        let logged: Vec<f64> = sorted.iter().map(|&x| treatment.apply(x)).collect();
        return Some(Fit {
            treatment,
            before,
            after: shape(&logged),
            moved_low: low,
            moved_high: high,
        });
    }
    Some(Fit {
        treatment: Treatment::Winsorize {
            low: if low > 0 { sorted[low] } else { f64::NEG_INFINITY },
            high: if high > 0 { sorted[n - 1 - high] } else { f64::INFINITY },
        },
        before,
        after: current,
        moved_low: low,
        moved_high: high,
    })
}

/// G1 or G2 for people (two decimals; "undefined" for a column that came
/// out constant).
fn stat(x: f64) -> String {
    if x.is_finite() {
        rounded(x, 2)
    } else {
        "undefined".into()
    }
}

/// The clamps of a winsorization, for people: "values above 6 set to 6".
fn clamp_words(low: f64, high: f64, counts: Option<(usize, usize)>) -> String {
    let count = |k: usize| counts.map_or("values".to_string(), |_| format!("{k} value(s)"));
    let (moved_low, moved_high) = counts.unwrap_or((1, 1));
    let mut parts = Vec::new();
    if high.is_finite() && moved_high > 0 {
        parts.push(format!(
            "{} above {} set to {}",
            count(moved_high),
            lossless(high),
            lossless(high)
        ));
    }
    if low.is_finite() && moved_low > 0 {
        parts.push(format!(
            "{} below {} set to {}",
            count(moved_low),
            lossless(low),
            lossless(low)
        ));
    }
    parts.join(", ")
}

/// The warning line for a fitted column (indicator `id`).
pub fn describe(id: &str, fit: &Fit, max: usize) -> String {
    let (b, a) = (fit.before, fit.after);
    match fit.treatment {
        Treatment::None => format!("outliers: `{id}` left as it is"),
        Treatment::Winsorize { low, high } => format!(
            "outliers: `{id}` winsorized: {} (skew {} → {}, kurtosis {} → {})",
            clamp_words(low, high, Some((fit.moved_low, fit.moved_high))),
            stat(b.skew),
            stat(a.skew),
            stat(b.kurtosis),
            stat(a.kurtosis)
        ),
        Treatment::Log { min } => format!(
            "outliers: `{id}` log-transformed: ln(x − {} + 1), as winsorizing at most {max} value(s) left skew and kurtosis beyond {SKEW_LIMIT} and {KURTOSIS_LIMIT} (skew {} → {}, kurtosis {} → {})",
            lossless(min),
            stat(b.skew),
            stat(a.skew),
            stat(b.kurtosis),
            stat(a.kurtosis)
        ),
    }
}

/// The warning line for a treatment read from a params file.
pub fn describe_frozen(id: &str, treatment: Treatment) -> Option<String> {
    match treatment {
        Treatment::None => None,
        Treatment::Winsorize { low, high } => Some(format!(
            "outliers: `{id}` winsorized with the frozen bounds: {}",
            clamp_words(low, high, None)
        )),
        Treatment::Log { min } => Some(format!(
            "outliers: `{id}` log-transformed with the frozen minimum: ln(x − {} + 1), values below {} taken as {}",
            lossless(min),
            lossless(min),
            lossless(min)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    /// SKEW and KURT of 1, 2, 3, 4, 10 by hand (a spreadsheet gives the same:
    /// =SKEW(1,2,3,4,10) → 1.697056275, =KURT(1,2,3,4,10) → 3.152).
    ///
    /// n = 5, x̄ = 20/5 = 4, deviations −3, −2, −1, 0, 6.
    /// Σd² = 9 + 4 + 1 + 0 + 36 = 50, s² = 50/4 = 12.5.
    /// Σd³ = −27 − 8 − 1 + 0 + 216 = 180; s³ = 12.5·√12.5 = 62.5/√2,
    ///   so Σ(d/s)³ = 180·√2/62.5 = 2.88·√2.
    /// G1 = n/((n−1)(n−2)) · Σ(d/s)³ = 5/12 · 2.88·√2 = 1.2·√2 = 1.6970562748…
    /// Σd⁴ = 81 + 16 + 1 + 0 + 1296 = 1394; s⁴ = 156.25, Σ(d/s)⁴ = 8.9216.
    /// G2 = n(n+1)/((n−1)(n−2)(n−3)) · Σ(d/s)⁴ − 3(n−1)²/((n−2)(n−3))
    ///    = 30/24 · 8.9216 − 3·16/6 = 11.152 − 8 = 3.152.
    #[test]
    fn skew_and_kurtosis_by_hand() {
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        let g1 = skewness(&x).unwrap();
        let g2 = kurtosis(&x).unwrap();
        assert!(close(g1, 1.2 * 2f64.sqrt()), "{g1}");
        assert!(close(g2, 3.152), "{g2}");
        // The order of the values does not matter; the mirror flips G1 only.
        let mirrored: Vec<f64> = x.iter().rev().map(|v| -v).collect();
        assert!(close(skewness(&mirrored).unwrap(), -1.2 * 2f64.sqrt()));
        assert!(close(kurtosis(&mirrored).unwrap(), 3.152));
        // Both are scale-free: × 1e300 and × 1e-300 give the same shape.
        for k in [1e300, 1e-300] {
            let scaled: Vec<f64> = x.iter().map(|v| v * k).collect();
            assert!((skewness(&scaled).unwrap() - g1).abs() < 1e-12, "{k}");
            assert!((kurtosis(&scaled).unwrap() - g2).abs() < 1e-12, "{k}");
        }
        // Too few values, or a constant column: undefined.
        assert_eq!(skewness(&[1.0, 2.0]), None);
        assert_eq!(kurtosis(&[1.0, 2.0, 9.0]), None);
        assert!(skewness(&[1.0, 2.0, 9.0]).is_some());
        assert_eq!(skewness(&[0.1; 6]), None);
        assert_eq!(kurtosis(&[0.1; 6]), None);
        // 1, 2, 3, 4, 10 is skewed but not beyond both limits: not treated.
        assert!(!shape(&x).exceeds());
        assert_eq!(fit(&x, 5), None);
    }

    /// The rule worked by hand on 0, 4, 5, 5, 5, 5, 6, 34 (n = 8):
    ///
    /// Step 0: x̄ = 64/8 = 8, d = −8, −4, −3, −3, −3, −3, −2, 26;
    ///   Σd² = 64+16+36+4+676 = 796, s² = 796/7;
    ///   Σd³ = −512−64−108−8+17576 = 16884, Σd⁴ = 4096+256+324+16+456976 = 461668;
    ///   G1 = 8/42 · 16884/(796/7)^1.5 = 2.6521, G2 = 72/210 · 461668/(796/7)² − 147/30 = 7.3409:
    ///   both beyond (2, 3.5); the skew is positive, so the highest value, 34
    ///   (no ties), is set to the next highest, 6. One value moved.
    /// Step 1: 0, 4, 5, 5, 5, 5, 6, 6: x̄ = 36/8 = 4.5, d = −4.5, −0.5, 0.5 ×4, 1.5 ×2;
    ///   Σd² = 20.25+0.25+1+4.5 = 26, s² = 26/7; Σd³ = −91.125−0.125+0.5+6.75 = −84;
    ///   Σd⁴ = 410.0625+0.0625+0.25+10.125 = 420.5;
    ///   G1 = 8/42 · (−84)/(26/7)^1.5 = −2.2352, G2 = 72/210 · 420.5/(26/7)² − 4.9 = 5.5503:
    ///   still beyond; now the skew is negative, so the lowest value, 0, is set
    ///   to the next lowest, 4. Two values moved.
    /// Step 2: 4, 4, 5, 5, 5, 5, 6, 6: symmetric about 5, G1 = 0: done.
    /// Result: clamps [4, 6]; the cells 0 and 34 become 4 and 6.
    #[test]
    fn winsorization_by_hand() {
        let x = [5.0, 0.0, 5.0, 34.0, 4.0, 5.0, 6.0, 5.0];
        let before = shape(&x);
        assert!((before.skew - 2.6521).abs() < 5e-5, "{before:?}");
        assert!((before.kurtosis - 7.3409).abs() < 5e-5, "{before:?}");
        let step1 = shape(&[0.0, 4.0, 5.0, 5.0, 5.0, 5.0, 6.0, 6.0]);
        assert!((step1.skew + 2.2352).abs() < 5e-5, "{step1:?}");
        assert!((step1.kurtosis - 5.5503).abs() < 5e-5, "{step1:?}");
        let f = fit(&x, 5).unwrap();
        assert_eq!(f.treatment, Treatment::Winsorize { low: 4.0, high: 6.0 });
        assert_eq!((f.moved_low, f.moved_high), (1, 1));
        assert_eq!(f.before, before);
        assert!(f.after.skew.abs() < 1e-15, "{:?}", f.after);
        let treated: Vec<f64> = x.iter().map(|&v| f.treatment.apply(v)).collect();
        assert_eq!(treated, [5.0, 4.0, 5.0, 6.0, 4.0, 5.0, 6.0, 5.0]);
        assert_eq!(
            describe("x", &f, 5),
            "outliers: `x` winsorized: 1 value(s) above 6 set to 6, 1 value(s) below 4 set to 4 (skew 2.65 → 0.00, kurtosis 7.34 → -0.70)"
        );
    }

    /// Ties at the extreme move together: in 1, 2, …, 20, 100, 100 (G1 =
    /// 2.82, G2 = 7.13) both 100s are the maximum and are set to 20 in one
    /// step, which counts 2 values (after it, G1 = −0.09).
    #[test]
    fn ties_move_together_and_count() {
        let mut x: Vec<f64> = (1..=20).map(f64::from).collect();
        x.extend([100.0, 100.0]);
        let before = shape(&x);
        assert!(
            (before.skew - 2.817).abs() < 1e-3 && (before.kurtosis - 7.134).abs() < 1e-3,
            "{before:?}"
        );
        let f = fit(&x, 5).unwrap();
        assert_eq!((f.moved_low, f.moved_high), (0, 2), "{f:?}");
        assert_eq!(
            f.treatment,
            Treatment::Winsorize {
                low: f64::NEG_INFINITY,
                high: 20.0
            }
        );
        assert!((f.after.skew + 0.0945).abs() < 1e-4, "{f:?}");
        // With winsorize_max = 1 the step would move 2: it is not taken, and
        // the column, still beyond the limits, is log-transformed instead.
        let f = fit(&x, 1).unwrap();
        assert_eq!(f.treatment, Treatment::Log { min: 1.0 });
        assert_eq!((f.moved_low, f.moved_high), (0, 0));
    }

    /// winsorize_max stops the worked example after its first step (a second
    /// would move 2 values > 1); the column still exceeds both limits, so its
    /// values are restored and ln(x − 0 + 1) is used: 0 → 0, 34 → ln 35.
    #[test]
    fn winsorize_max_and_the_log_fallback() {
        let x = [5.0, 0.0, 5.0, 34.0, 4.0, 5.0, 6.0, 5.0];
        let f = fit(&x, 1).unwrap();
        assert_eq!(f.treatment, Treatment::Log { min: 0.0 });
        assert_eq!((f.moved_low, f.moved_high), (0, 1));
        assert_eq!(f.treatment.apply(0.0), 0.0);
        assert!(close(f.treatment.apply(34.0), 35f64.ln()));
        let logged: Vec<f64> = x.iter().map(|&v| (v + 1.0).ln()).collect();
        assert_eq!(f.after, shape(&logged));
        assert!(
            describe("x", &f, 1)
                .starts_with("outliers: `x` log-transformed: ln(x − 0 + 1), as winsorizing at most 1 value(s)")
        );
        // winsorize_max = 0 goes straight to the log.
        let f = fit(&x, 0).unwrap();
        assert_eq!(f.treatment, Treatment::Log { min: 0.0 });
        assert_eq!((f.moved_low, f.moved_high), (0, 0));
    }

    /// Applied to another table, the fitted maps are monotone and clamp.
    #[test]
    fn frozen_treatments_clamp_and_are_monotone() {
        let w = Treatment::Winsorize {
            low: 4.0,
            high: f64::INFINITY,
        };
        assert_eq!(w.apply(-100.0), 4.0);
        assert_eq!(w.apply(1e300), 1e300);
        assert!(w.apply(f64::NAN).is_nan());
        assert!(w.changes(3.0) && !w.changes(4.0));
        let l = Treatment::Log { min: 2.0 };
        assert_eq!(l.apply(1.0), 0.0);
        assert_eq!(l.apply(2.0), 0.0);
        assert!(close(l.apply(3.0), 2f64.ln()));
        // A range beyond the largest double: ln(1e308 + 1e308) without overflow.
        let wide = Treatment::Log { min: -1e308 };
        assert!(close(wide.apply(1e308), 1e308f64.ln() + std::f64::consts::LN_2));
        let mut last = f64::NEG_INFINITY;
        for k in -50..50 {
            let y = l.apply(f64::from(k) * 0.7);
            assert!(y >= last);
            last = y;
        }
        assert_eq!(
            describe_frozen("x", w).unwrap(),
            "outliers: `x` winsorized with the frozen bounds: values below 4 set to 4"
        );
        assert_eq!(describe_frozen("x", Treatment::None), None);
    }

    /// A column with a long tail within the limits, and short or constant
    /// columns, are left alone.
    #[test]
    fn untreated_columns() {
        assert_eq!(fit(&[1.0, 2.0, 100.0], 5), None);
        assert_eq!(fit(&[3.0; 10], 5), None);
        assert_eq!(fit(&[], 5), None);
        let tail: Vec<f64> = (1..=30).map(|k| f64::from(k).powi(2)).collect();
        assert!(!shape(&tail).exceeds());
        assert_eq!(fit(&tail, 5), None);
    }
}
