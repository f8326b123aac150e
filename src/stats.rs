//! Column statistics exact to a few ulps at any magnitude a double holds
//! (SPEC "Maths: Numerical soundness"): compensated sums, and deviations
//! taken from a shift on values scaled by a power of two.
//!
//! Why each step: a plain sum of 0.1, 0.1, 0.1 divided by 3 is
//! 0.10000000000000002, not 0.1, and its "sd" is 1e-17, not 0; squares of
//! 1e155 overflow and squares of 1e-170 underflow. Here the mean of equal
//! values is that value exactly (every deviation from the shift is 0), a
//! mean or median lies within [min, max], and the sd of k, 2k, 3k is k to an
//! ulp or two for any k, because the scaled values lie in [−2, 2] whatever
//! the column's magnitude (scaling by a power of two is exact).

mod keyed;
mod select;
pub use keyed::{sort_by_key_bytes, sort_total};
pub use select::{order_key, order_statistics};

/// Neumaier's compensated sum: the error of each addition is carried
/// separately and added back at the end.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sum {
    sum: f64,
    compensation: f64,
}

impl Sum {
    pub fn add(&mut self, x: f64) {
        let t = self.sum + x;
        if self.sum.abs() >= x.abs() {
            self.compensation += (self.sum - t) + x;
        } else {
            self.compensation += (x - t) + self.sum;
        }
        self.sum = t;
    }

    /// Adds `x` taken `count` times: the product's rounding error (exact
    /// by a fused multiply-add) goes with the other low-order parts into
    /// the compensation, so that a sum over distinct values with their
    /// counts is as exact as one over every cell, with one addition in the
    /// chain per value.
    #[inline]
    pub fn add_times(&mut self, x: f64, count: u32) {
        if count == 1 {
            self.add(x);
            return;
        }
        let c = f64::from(count);
        let product = x * c;
        self.add(product);
        let error = x.mul_add(c, -product);
        if error.is_finite() {
            self.compensation += error;
        }
    }

    pub fn value(&self) -> f64 {
        self.sum + self.compensation
    }
}

/// The compensated sum of `values`.
pub fn sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut s = Sum::default();
    for x in values {
        s.add(x);
    }
    s.value()
}

/// Smallest and largest value (`None` when empty). NaN is never passed here.
pub fn min_max(values: &[f64]) -> Option<(f64, f64)> {
    let mut it = values.iter().copied();
    let first = it.next()?;
    Some(it.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// The largest power of two not above `x` (x > 0 and finite), subnormal
/// powers included; 1 otherwise.
fn power_of_two_below(x: f64) -> f64 {
    if !(x > 0.0 && x.is_finite()) {
        return 1.0;
    }
    let bits = x.to_bits();
    let exponent = bits >> 52;
    if exponent > 0 {
        f64::from_bits(exponent << 52)
    } else {
        // Subnormal: the power of the mantissa's highest set bit.
        let mantissa = bits & ((1 << 52) - 1);
        f64::from_bits(1 << (63 - mantissa.leading_zeros()))
    }
}

/// The power of two that brings `lo..=hi` into [−2, 2].
fn scale_of(lo: f64, hi: f64) -> f64 {
    power_of_two_below(lo.abs().max(hi.abs()))
}

/// Mean of `values` (NaN when empty): exactly the value when all are equal,
/// always within [min, max].
pub fn mean(values: &[f64]) -> f64 {
    mean_of(values.iter().copied())
}

/// [`mean`] of values read twice from an iterator (for values that are
/// not in one slice, such as the present cells of a column): the same
/// steps in the same order, so the same bits.
pub fn mean_of(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let Some((lo, hi)) = values.clone().fold(None, |range: Option<(f64, f64)>, v| {
        Some(range.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
    }) else {
        return f64::NAN;
    };
    let mut mean = Mean::within(lo, hi);
    for v in values {
        mean.add(v);
    }
    mean.value()
}

/// [`mean`] taken a value at a time, once the values' smallest and largest
/// are known (a first pass): values added in the same order give the same
/// bits as [`mean`] of them in a slice.
#[derive(Debug, Clone, Copy)]
pub struct Mean {
    lo: f64,
    hi: f64,
    scale: f64,
    shift: f64,
    deviations: Sum,
    count: usize,
}

impl Mean {
    /// For values in `lo..=hi`, the smallest and largest of them.
    pub fn within(lo: f64, hi: f64) -> Mean {
        let scale = scale_of(lo, hi);
        Mean {
            lo,
            hi,
            scale,
            shift: lo / scale,
            deviations: Sum::default(),
            count: 0,
        }
    }

    pub fn add(&mut self, v: f64) {
        self.add_times(v, 1);
    }

    /// Adds `v` taken `count` times (see [`Sum::add_times`]).
    #[inline]
    pub fn add_times(&mut self, v: f64, count: u32) {
        self.deviations.add_times(v / self.scale - self.shift, count);
        self.count += count as usize;
    }

    /// The mean of the values added (NaN for none).
    pub fn value(&self) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        if self.lo == self.hi {
            return self.lo;
        }
        let m = (self.shift + self.deviations.value() / self.count as f64) * self.scale;
        m.clamp(self.lo, self.hi)
    }
}

/// Sample standard deviation (n − 1) about `mean` (as [`mean`] gives it);
/// 0 for fewer than two values and, exactly, for a constant column.
pub fn sample_sd(values: &[f64], mean: f64) -> f64 {
    sample_sd_of(values.iter().map(|&v| (v, 1)), mean)
}

/// [`mean`] of values given once each with how many times they occur
/// (what a column's counts by value give): a few thousand distinct values
/// summed instead of a million cells. The sums are as exact as [`mean`]'s
/// but add in another order, so the last bit may differ from it.
pub fn mean_counted(counted: &[(f64, u32)]) -> f64 {
    let Some((lo, hi)) = min_max_counted(counted) else {
        return f64::NAN;
    };
    let mut mean = Mean::within(lo, hi);
    for &(v, count) in counted.iter().filter(|&&(_, count)| count > 0) {
        mean.add_times(v, count);
    }
    mean.value()
}

/// [`min_max`] of the values that occur (count above 0).
pub fn min_max_counted(counted: &[(f64, u32)]) -> Option<(f64, f64)> {
    let mut occurring = counted.iter().filter(|&&(_, count)| count > 0).map(|&(v, _)| v);
    let first = occurring.next()?;
    Some(occurring.fold((first, first), |(lo, hi), v| (lo.min(v), hi.max(v))))
}

/// [`sample_sd`] of values with their counts (see [`mean_counted`]).
pub fn sample_sd_counted(counted: &[(f64, u32)], mean: f64) -> f64 {
    sample_sd_of(counted.iter().copied().filter(|&(_, count)| count > 0), mean)
}

/// [`sample_sd`] of (value, count) pairs, every count at least 1.
#[inline]
fn sample_sd_of(values: impl Iterator<Item = (f64, u32)> + Clone, mean: f64) -> f64 {
    let (mut n, mut range) = (0usize, None);
    for (v, count) in values.clone() {
        n += count as usize;
        range = Some(range.map_or((v, v), |(lo, hi): (f64, f64)| (lo.min(v), hi.max(v))));
    }
    let Some((lo, hi)) = range else {
        return 0.0;
    };
    if n < 2 || lo == hi {
        return 0.0;
    }
    let scale = scale_of(lo, hi);
    let centre = mean / scale;
    let (mut deviations, mut squares) = (Sum::default(), Sum::default());
    for (v, count) in values {
        let d = v / scale - centre;
        deviations.add_times(d, count);
        squares.add_times(d * d, count);
    }
    // The corrected two-pass formula: `mean` is rounded, so the deviations
    // from it need not sum to 0; Σd² − (Σd)²/n takes the sum of squares about
    // the exact mean. For 1, 1, 1 + u (u one ulp) the rounded mean is 1 and
    // Σd² = u² would give sd = u/√2; the exact mean 1 + u/3 gives
    // u² − u²/3 = 2u²/3 and sd = u/√3.
    let n = n as f64;
    let d = deviations.value();
    let ss = (squares.value() - d * d / n).max(0.0);
    (ss / (n - 1.0)).sqrt() * scale
}

/// Median (NaN when empty); of an even count, the midpoint of the two
/// middle values, taken without overflow. Sorts `values`.
pub fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match (n.checked_sub(1).map(|k| k / 2), n % 2) {
        (None, _) => f64::NAN,
        (Some(k), 1) => values[k],
        (Some(k), _) => f64::midpoint(values[k], values[k + 1]),
    }
}

/// Pearson correlation of paired values, clamped to [−1, 1]; `None` when
/// fewer than two pairs or either side is constant (max = min).
pub fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    if pairs.len() < 2 {
        return None;
    }
    let a: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let b: Vec<f64> = pairs.iter().map(|p| p.1).collect();
    let ((alo, ahi), (blo, bhi)) = (min_max(&a)?, min_max(&b)?);
    if alo == ahi || blo == bhi {
        return None;
    }
    let (sa, sb) = (scale_of(alo, ahi), scale_of(blo, bhi));
    let (ma, mb) = (mean(&a) / sa, mean(&b) / sb);
    let (mut ab, mut aa, mut bb) = (Sum::default(), Sum::default(), Sum::default());
    let (mut da, mut db) = (Sum::default(), Sum::default());
    for (x, y) in a.iter().zip(&b) {
        let (dx, dy) = (x / sa - ma, y / sb - mb);
        da.add(dx);
        db.add(dy);
        ab.add(dx * dy);
        aa.add(dx * dx);
        bb.add(dy * dy);
    }
    // Corrected for the rounding of the means, as in [`sample_sd`].
    let n = pairs.len() as f64;
    let (da, db) = (da.value(), db.value());
    let (ab, aa, bb) = (
        ab.value() - da * db / n,
        (aa.value() - da * da / n).max(0.0),
        (bb.value() - db * db / n).max(0.0),
    );
    let denominator = (aa * bb).sqrt();
    // |r| ≤ 1 in exact arithmetic; rounding must not make 1 − r negative.
    (denominator > 0.0).then(|| (ab / denominator).clamp(-1.0, 1.0))
}

/// (x − a) / (b − c) without overflow in the differences: when one of them
/// is beyond the largest double, both are taken on halved values.
#[inline]
pub fn ratio_of_differences(x: f64, a: f64, b: f64, c: f64) -> f64 {
    let (top, bottom) = (x - a, b - c);
    if top.is_finite() && bottom.is_finite() {
        top / bottom
    } else {
        (x / 2.0 - a / 2.0) / (b / 2.0 - c / 2.0)
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        /// A mean taken a value at a time gives the bits of the mean of the
        /// slice (diff's summary relies on it).
        #[test]
        fn a_mean_taken_value_by_value_is_the_mean_of_the_slice(
            values in proptest::collection::vec(-1e6f64..1e6, 0..200),
            equal in proptest::bool::ANY,
        ) {
            let values: Vec<f64> = if equal { values.iter().map(|_| 0.1).collect() } else { values };
            let want = super::mean(&values);
            let got = match super::min_max(&values) {
                Some((lo, hi)) => {
                    let mut m = super::Mean::within(lo, hi);
                    values.iter().for_each(|&v| m.add(v));
                    m.value()
                }
                None => f64::NAN,
            };
            proptest::prop_assert_eq!(got.to_bits(), want.to_bits());
            if equal && !values.is_empty() {
                proptest::prop_assert_eq!(got, 0.1);
            } else if let Some((lo, hi)) = super::min_max(&values) {
                proptest::prop_assert!(lo <= got && got <= hi);
                let naive = values.iter().sum::<f64>() / values.len() as f64;
                proptest::prop_assert!((got - naive).abs() <= 1e-6);
            }
            proptest::prop_assert_eq!(super::mean_of(values.iter().copied()).to_bits(), want.to_bits());
        }

        /// Values given with their counts have the mean and sd of the
        /// values repeated, to a few ulps of their magnitude at any
        /// magnitude (the sums add in another order), and exactly those
        /// bits when every count is 1; equal values keep their exact mean
        /// and an sd of 0.
        #[test]
        fn counted_mean_and_sd_are_those_of_the_values_repeated(
            distinct in proptest::collection::vec(-1.0f64..1.0, 1..20),
            counts in proptest::collection::vec(proptest::prop_oneof![1 => 0u32..1, 4 => 1u32..60], 20),
            exponent in -300i32..300,
            ones in proptest::bool::ANY,
            equal in proptest::bool::ANY,
        ) {
            let magnitude = 10f64.powi(exponent);
            let counted: Vec<(f64, u32)> = distinct
                .iter()
                .zip(&counts)
                .map(|(&v, &count)| (if equal { 0.1 } else { v } * magnitude, if ones { 1 } else { count }))
                .collect();
            let repeated: Vec<f64> = counted.iter().flat_map(|&(v, count)| std::iter::repeat_n(v, count as usize)).collect();
            let (mean, sd) = (super::mean(&repeated), super::sample_sd(&repeated, super::mean(&repeated)));
            let counted_mean = super::mean_counted(&counted);
            let counted_sd = super::sample_sd_counted(&counted, counted_mean);
            if ones || equal {
                proptest::prop_assert_eq!(counted_mean.to_bits(), mean.to_bits());
                proptest::prop_assert_eq!(counted_sd.to_bits(), sd.to_bits());
            } else if repeated.is_empty() {
                proptest::prop_assert!(counted_mean.is_nan() && mean.is_nan());
            } else {
                proptest::prop_assert!((counted_mean - mean).abs() <= 1e-14 * magnitude, "{} vs {}", counted_mean, mean);
                proptest::prop_assert!((counted_sd - sd).abs() <= 1e-14 * magnitude, "{} vs {}", counted_sd, sd);
            }
        }
    }

    use super::*;

    #[test]
    fn mean_of_equal_values_is_that_value() {
        // A plain sum gives 0.30000000000000004 / 3 = 0.10000000000000002.
        assert_eq!(mean(&[0.1, 0.1, 0.1]), 0.1);
        assert_eq!(sample_sd(&[0.1, 0.1, 0.1], 0.1), 0.0);
        assert_eq!(mean(&[1e300; 7]), 1e300);
        assert_eq!(mean(&[f64::MAX; 3]), f64::MAX);
        assert_eq!(median(&mut [f64::MAX, f64::MAX]), f64::MAX);
    }

    #[test]
    fn statistics_by_hand() {
        // 1, 2, 6: mean 3, deviations −2, −1, 3, squares 14, sd √(14/2) = √7.
        assert_eq!(mean(&[1.0, 2.0, 6.0]), 3.0);
        assert_eq!(sample_sd(&[1.0, 2.0, 6.0], 3.0), 7f64.sqrt());
        assert_eq!(sample_sd(&[1.0], 1.0), 0.0);
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 10.0]), 2.5);
        assert!(mean(&[]).is_nan());
        assert!(median(&mut []).is_nan());
    }

    #[test]
    fn the_sd_of_k_2k_3k_is_k_at_any_magnitude() {
        // k, 2k, 3k: mean 2k, deviations −k, 0, k, sd √(2k²/2) = k.
        for e in -300..=300 {
            let k = 10f64.powi(e);
            let v = [k, 2.0 * k, 3.0 * k];
            let m = mean(&v);
            assert!((m / (2.0 * k) - 1.0).abs() < 4.0 * f64::EPSILON, "mean at 1e{e}: {m}");
            let sd = sample_sd(&v, m);
            assert!((sd / k - 1.0).abs() < 4.0 * f64::EPSILON, "sd at 1e{e}: {sd}");
        }
    }

    #[test]
    fn sd_of_values_an_ulp_apart_is_about_the_exact_mean() {
        // 1, 1, 1 + u: exact mean 1 + u/3, deviations −u/3, −u/3, 2u/3,
        // Σd² = 6u²/9, sd = √(u²/3) = u/√3 (about the rounded mean 1 it
        // would be u/√2).
        let u = f64::EPSILON;
        let v = [1.0, 1.0, 1.0 + u];
        let m = mean(&v);
        assert_eq!(m, 1.0);
        let sd = sample_sd(&v, m);
        assert!((sd / (u / 3f64.sqrt()) - 1.0).abs() < 1e-15, "{sd}");
    }

    #[test]
    fn nothing_overflows_near_the_largest_double() {
        let v = [f64::MAX, f64::MAX / 2.0, -f64::MAX];
        let m = mean(&v);
        assert!(m.is_finite() && (m / (f64::MAX / 6.0) - 1.0).abs() < 1e-15, "{m}");
        assert_eq!(median(&mut [f64::MAX, f64::MAX / 2.0]), 0.75 * f64::MAX);
        // (MAX − (−MAX)) / (MAX − (−MAX)) = 1, computed on halves.
        assert_eq!(ratio_of_differences(f64::MAX, -f64::MAX, f64::MAX, -f64::MAX), 1.0);
    }

    #[test]
    fn fills_lie_within_the_column() {
        let v = [0.1, 0.1 + f64::EPSILON / 8.0, 0.1];
        let m = mean(&v);
        assert!((0.1..=0.1 + f64::EPSILON / 8.0).contains(&m));
    }

    #[test]
    fn compensated_sum_recovers_lost_digits() {
        // 1 + 1e-16 + 1e-16 ... plainly stays 1; compensated it is 1 + 1e-15.
        let s = sum(std::iter::once(1.0).chain(std::iter::repeat_n(1e-16, 10)));
        assert_eq!(s, 1.0 + 1e-15);
    }

    #[test]
    fn pearson_by_hand() {
        assert_eq!(pearson(&[(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)]), Some(1.0));
        assert_eq!(pearson(&[(1.0, 3.0), (2.0, 2.0), (3.0, 1.0)]), Some(-1.0));
        assert_eq!(pearson(&[(1.0, 0.1), (2.0, 0.1), (3.0, 0.1)]), None);
    }
}
