//! The mathematical core of SPEC.md's section "Disparity: `disparity`" for
//! one period: Dagum's Gini decomposition (Dagum 1997), Theil T and L with
//! their within/between parts, and the coefficient of variation, overall
//! and per group.
//!
//! Input: the values y (all finite; NaN and missing values are the
//! caller's to drop) and, per value, the index of its group (groups
//! `0..k`, each with at least one unit, in the caller's order, which SPEC
//! fixes as the order of first appearance across the panel). Output: plain
//! data ([`Disparity`]); formatting is the caller's.
//!
//! Time and memory grow as n log n, as the SPEC section demands: each
//! group's values are sorted once, and every sum of absolute differences,
//! within a group or between two, as well as d_jh and p_jh, comes from
//! prefix sums over sorted values (a merge walk of the two sorted groups
//! per pair, O(n_j + n_h)), never from a loop over pairs of units. Sums
//! are compensated ([`crate::stats::Sum`]); for the Gini sums the values are
//! first divided by a power of two (exact) so that no sum overflows, every
//! index being scale invariant, and shifted by a mean (differences are
//! shift invariant) to keep the prefix-sum terms small.

use crate::stats::{self, Sum};

pub mod panel;
#[cfg(test)]
mod tests;

/// Why the figures cannot be computed at all.
#[derive(Debug, Clone, PartialEq)]
pub enum DisparityError {
    /// No values.
    Empty,
    /// `groups` is not as long as `values`.
    LengthMismatch { values: usize, groups: usize },
    /// Group `group` (below the largest index) has no unit: group indices
    /// must run over `0..k` without gaps.
    EmptyGroup { group: usize },
    /// Value `unit` is NaN or infinite.
    NotFinite { unit: usize },
}

impl std::fmt::Display for DisparityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => write!(f, "no values"),
            Self::LengthMismatch { values, groups } => {
                write!(f, "{values} values but {groups} group indices")
            }
            Self::EmptyGroup { group } => write!(f, "group {group} has no unit"),
            Self::NotFinite { unit } => write!(f, "value {unit} is not finite"),
        }
    }
}

impl std::error::Error for DisparityError {}

/// All figures of one period (SPEC "Disparity: `disparity`").
#[derive(Debug, Clone, PartialEq)]
pub struct Disparity {
    /// Number of units n.
    pub n: usize,
    /// Overall mean Ȳ.
    pub mean: f64,
    /// CV = sample sd (n − 1) / Ȳ; `None` for one unit or Ȳ = 0.
    pub cv: Option<f64>,
    /// Per group, in index order.
    pub groups: Vec<GroupFigures>,
    /// Dagum's decomposition; `None` when a Gini's denominator (a mean, or
    /// the sum of two group means) is ≤ 0 while its numerator is not 0,
    /// which only negative values can cause.
    pub dagum: Option<Dagum>,
    /// Theil T and L; `Err` naming the first unit with y ≤ 0.
    pub theil: Result<Theil, NonPositive>,
}

/// n_j, Ȳ_j and CV_j of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    pub n: usize,
    pub mean: f64,
    /// `None` for a group of one unit or Ȳ_j = 0.
    pub cv: Option<f64>,
}

/// Dagum's Gini decomposition: G = G_w + G_nb + G_t.
#[derive(Debug, Clone, PartialEq)]
pub struct Dagum {
    /// Overall G = Σ_i Σ_r |y_i − y_r| / (2 n² Ȳ), computed over all units
    /// at once (not from the parts, so that the identity is a check).
    pub gini: f64,
    /// G_w = Σ_j G_jj p_j s_j.
    pub within: f64,
    /// G_nb = Σ_pairs G_jh (p_j s_h + p_h s_j) D_jh.
    pub between: f64,
    /// G_t = Σ_pairs G_jh (p_j s_h + p_h s_j) (1 − D_jh).
    pub transvariation: f64,
    /// G_w/G, G_nb/G, G_t/G; `None` when G = 0.
    pub shares: Option<Shares>,
    /// G_jj per group, in index order.
    pub group_gini: Vec<f64>,
    /// Every pair of distinct groups, the richer first, ordered by the
    /// richer group's index, then the poorer's.
    pub pairs: Vec<Pair>,
}

/// Contribution shares of G (SPEC: empty when G = 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shares {
    pub within: f64,
    pub between: f64,
    pub transvariation: f64,
}

/// G_jh and D_jh of two groups.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    /// j: the group with the higher mean (on equal means, the lower index).
    pub richer: usize,
    /// h.
    pub poorer: usize,
    /// G_jh = Σ_i Σ_r |y_ji − y_hr| / (n_j n_h (Ȳ_j + Ȳ_h)).
    pub gini: f64,
    /// d_jh: mean over pairs of max(0, y_ji − y_hr).
    pub d: f64,
    /// p_jh: mean over pairs of max(0, y_hr − y_ji).
    pub p: f64,
    /// D_jh = (d_jh − p_jh) / (d_jh + p_jh), 0 when both are 0.
    pub affluence: f64,
}

/// Theil T and L (mean log deviation) with their within/between parts.
#[derive(Debug, Clone, PartialEq)]
pub struct Theil {
    /// T = (1/n) Σ (y_i/Ȳ) ln(y_i/Ȳ).
    pub t: f64,
    /// T_w = Σ_g s_g T_g.
    pub t_within: f64,
    /// T_b = Σ_g s_g ln(Ȳ_g/Ȳ).
    pub t_between: f64,
    /// L = (1/n) Σ ln(Ȳ/y_i).
    pub l: f64,
    /// L_w = Σ_g p_g L_g.
    pub l_within: f64,
    /// L_b = Σ_g p_g ln(Ȳ/Ȳ_g).
    pub l_between: f64,
}

/// Theil needs y > 0: the first unit (index into the values) that is not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NonPositive {
    pub unit: usize,
    pub value: f64,
}

/// Relative tolerance of the identity G = G_w + G_nb + G_t (SPEC).
pub const IDENTITY_TOLERANCE: f64 = 1e-9;

impl Dagum {
    /// |G − (G_w + G_nb + G_t)| relative to G (absolute when G = 0).
    pub fn identity_error(&self) -> f64 {
        let parts = stats::sum([self.within, self.between, self.transvariation]);
        let gap = (self.gini - parts).abs();
        if self.gini == 0.0 { gap } else { gap / self.gini.abs() }
    }

    /// Whether G = G_w + G_nb + G_t holds to [`IDENTITY_TOLERANCE`]; the
    /// caller reports an error when it does not.
    pub fn identity_holds(&self) -> bool {
        self.identity_error() <= IDENTITY_TOLERANCE
    }
}

/// All figures of one period. `groups` gives each value's group index
/// (`0..k`, none empty); `None` puts every unit in one group. Values must be
/// finite (SPEC leaves missing values out before this point).
pub fn disparity(values: &[f64], groups: Option<&[usize]>) -> Result<Disparity, DisparityError> {
    if values.is_empty() {
        return Err(DisparityError::Empty);
    }
    if let Some(unit) = values.iter().position(|v| !v.is_finite()) {
        return Err(DisparityError::NotFinite { unit });
    }
    let members = split(values.len(), groups)?;
    let gather = |from: &[f64]| -> Vec<Vec<f64>> {
        members
            .iter()
            .map(|units| units.iter().filter_map(|&u| from.get(u).copied()).collect())
            .collect()
    };
    let raw_sets = gather(values);
    let mean = stats::mean(values);
    let group_figures: Vec<GroupFigures> = raw_sets
        .iter()
        .map(|set| {
            let m = stats::mean(set);
            GroupFigures {
                n: set.len(),
                mean: m,
                cv: cv(set, m),
            }
        })
        .collect();
    // Theil on the values themselves: y/Ȳ neither overflows nor underflows.
    let theil = match values.iter().position(|&v| v <= 0.0) {
        Some(unit) => Err(NonPositive {
            unit,
            value: values.get(unit).copied().unwrap_or(0.0),
        }),
        None => Ok(theil(values, &raw_sets)),
    };
    // Dagum on values divided by a power of two (exact) bringing them into
    // [−2, 2], so that no sum of differences overflows.
    let scale = power_of_two_scale(values);
    let scaled: Vec<f64> = values.iter().map(|v| v / scale).collect();
    let sets = gather(&scaled);
    let dagum = dagum(&scaled, sets, scale);
    Ok(Disparity {
        n: values.len(),
        mean,
        cv: cv(values, mean),
        groups: group_figures,
        dagum,
        theil,
    })
}

/// The units of each group, in input order.
fn split(n: usize, groups: Option<&[usize]>) -> Result<Vec<Vec<usize>>, DisparityError> {
    let Some(groups) = groups else {
        return Ok(vec![(0..n).collect()]);
    };
    if groups.len() != n {
        return Err(DisparityError::LengthMismatch {
            values: n,
            groups: groups.len(),
        });
    }
    let k = groups.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (unit, &g) in groups.iter().enumerate() {
        if let Some(list) = members.get_mut(g) {
            list.push(unit);
        }
    }
    if let Some(group) = members.iter().position(Vec::is_empty) {
        return Err(DisparityError::EmptyGroup { group });
    }
    Ok(members)
}

/// The largest power of two not above max |y| (1 when all are 0).
fn power_of_two_scale(values: &[f64]) -> f64 {
    let top = values.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if top == 0.0 {
        return 1.0;
    }
    let mut s = 1.0_f64;
    while s * 2.0 <= top && s < f64::MAX / 2.0 {
        s *= 2.0;
    }
    while s > top && s > f64::MIN_POSITIVE {
        s /= 2.0;
    }
    s
}

fn cv(values: &[f64], mean: f64) -> Option<f64> {
    if values.len() < 2 || mean == 0.0 {
        return None;
    }
    Some(stats::sample_sd(values, mean) / mean)
}

/// `num / den`, 0 for 0/anything, `None` for a nonzero numerator over a
/// denominator ≤ 0.
fn ratio(num: f64, den: f64) -> Option<f64> {
    if num == 0.0 {
        Some(0.0)
    } else if den > 0.0 {
        Some(num / den)
    } else {
        None
    }
}

/// Σ_i Σ_r |y_i − y_r| over ordered pairs of one sorted set, from the
/// prefix-sum identity Σ_{i<r} (y_r − y_i) = Σ_r (2r − n + 1) y_r (r from
/// 0), on values shifted by their mean (differences are shift invariant;
/// the shift keeps the terms small).
pub(crate) fn within_abs_sum(sorted: &[f64]) -> f64 {
    let shift = stats::mean(sorted);
    let n = sorted.len() as f64;
    let mut s = Sum::default();
    for (r, &y) in sorted.iter().enumerate() {
        s.add((2.0 * r as f64 - n + 1.0) * (y - shift));
    }
    (2.0 * s.value()).max(0.0)
}

/// For sorted `a` and `b`: (Σ_i Σ_r max(0, a_i − b_r), Σ_i Σ_r max(0,
/// b_r − a_i)), by one merge walk with prefix sums of `b`, O(|a| + |b|).
pub(crate) fn cross_sums(a: &[f64], b: &[f64]) -> (f64, f64) {
    let mut both: Vec<f64> = Vec::with_capacity(a.len() + b.len());
    both.extend_from_slice(a);
    both.extend_from_slice(b);
    let shift = stats::mean(&both);
    // prefix[m] = Σ_{r<m} (b_r − shift), compensated.
    let mut prefix = Vec::with_capacity(b.len() + 1);
    let mut running = Sum::default();
    prefix.push(0.0);
    for &y in b {
        running.add(y - shift);
        prefix.push(running.value());
    }
    let total = running.value();
    let nb = b.len();
    let (mut above, mut below) = (Sum::default(), Sum::default());
    let mut m = 0;
    for &x in a {
        while b.get(m).is_some_and(|&y| y < x) {
            m += 1;
        }
        let x = x - shift;
        let head = prefix.get(m).copied().unwrap_or(total);
        // Σ over b_r < a_i of (a_i − b_r), and over b_r ≥ a_i of (b_r − a_i).
        above.add((x * m as f64 - head).max(0.0));
        below.add(((total - head) - x * (nb - m) as f64).max(0.0));
    }
    (above.value().max(0.0), below.value().max(0.0))
}

/// Dagum's decomposition over the groups' values divided by `scale` (the
/// indices are scale invariant; d_jh and p_jh are given back in y's unit).
fn dagum(all: &[f64], mut sets: Vec<Vec<f64>>, scale: f64) -> Option<Dagum> {
    let n = all.len() as f64;
    let mut sorted_all = all.to_vec();
    sorted_all.sort_unstable_by(f64::total_cmp);
    let mean = stats::mean(all);
    let gini = ratio(within_abs_sum(&sorted_all), 2.0 * n * n * mean)?;
    for set in &mut sets {
        set.sort_unstable_by(f64::total_cmp);
    }
    let means: Vec<f64> = sets.iter().map(|s| stats::mean(s)).collect();
    let p: Vec<f64> = sets.iter().map(|s| s.len() as f64 / n).collect();
    // s_j = n_j Ȳ_j / (n Ȳ) = p_j Ȳ_j / Ȳ (0 when Ȳ = 0: then all y are 0).
    let s: Vec<f64> = p
        .iter()
        .zip(&means)
        .map(|(pj, mj)| if mean == 0.0 { 0.0 } else { pj * (mj / mean) })
        .collect();
    let mut group_gini = Vec::with_capacity(sets.len());
    let mut within = Sum::default();
    for ((set, mj), (pj, sj)) in sets.iter().zip(&means).zip(p.iter().zip(&s)) {
        let nj = set.len() as f64;
        let g = ratio(within_abs_sum(set), 2.0 * nj * nj * mj)?;
        group_gini.push(g);
        within.add(g * pj * sj);
    }
    let pairs = pairs(&sets, &means, scale)?;
    let (mut between, mut trans) = (Sum::default(), Sum::default());
    for pair in &pairs {
        let weight = weight(&p, &s, pair.richer, pair.poorer);
        between.add(pair.gini * weight * pair.affluence);
        trans.add(pair.gini * weight * (1.0 - pair.affluence));
    }
    let (within, between, transvariation) = (within.value(), between.value(), trans.value());
    let shares = (gini != 0.0).then(|| Shares {
        within: within / gini,
        between: between / gini,
        transvariation: transvariation / gini,
    });
    Some(Dagum {
        gini,
        within,
        between,
        transvariation,
        shares,
        group_gini,
        pairs,
    })
}

/// p_j s_h + p_h s_j.
fn weight(p: &[f64], s: &[f64], j: usize, h: usize) -> f64 {
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(0.0);
    at(p, j) * at(s, h) + at(p, h) * at(s, j)
}

/// G_jh, d_jh, p_jh and D_jh of every pair of sorted (scaled) groups, in
/// SPEC order; d_jh and p_jh multiplied back by `scale`.
fn pairs(sets: &[Vec<f64>], means: &[f64], scale: f64) -> Option<Vec<Pair>> {
    let mut out = Vec::new();
    for (a, (set_a, mean_a)) in sets.iter().zip(means).enumerate() {
        for (b, (set_b, mean_b)) in sets.iter().zip(means).enumerate().skip(a + 1) {
            // The richer first; equal means keep the lower index first.
            let (j, h, yj, yh, mj, mh) = if mean_b > mean_a {
                (b, a, set_b, set_a, mean_b, mean_a)
            } else {
                (a, b, set_a, set_b, mean_a, mean_b)
            };
            let (d_sum, p_sum) = cross_sums(yj, yh);
            let pairs_count = yj.len() as f64 * yh.len() as f64;
            let (d, p) = (d_sum / pairs_count, p_sum / pairs_count);
            let affluence = if d + p == 0.0 { 0.0 } else { (d - p) / (d + p) };
            let gini = ratio(d_sum + p_sum, pairs_count * (mj + mh))?;
            let (d, p) = (d * scale, p * scale);
            out.push(Pair {
                richer: j,
                poorer: h,
                gini,
                d,
                p,
                affluence,
            });
        }
    }
    out.sort_by_key(|pair| (pair.richer, pair.poorer));
    Some(out)
}

/// Theil T and L with their parts, of positive values.
fn theil(all: &[f64], sets: &[Vec<f64>]) -> Theil {
    let n = all.len() as f64;
    let mean = stats::mean(all);
    let (t, l) = theil_tl(all, mean);
    let (mut tw, mut tb, mut lw, mut lb) = (Sum::default(), Sum::default(), Sum::default(), Sum::default());
    for set in sets {
        let mg = stats::mean(set);
        let pg = set.len() as f64 / n;
        let sg = pg * (mg / mean);
        let (tg, lg) = theil_tl(set, mg);
        tw.add(sg * tg);
        tb.add(sg * ln_ratio(mg, mean));
        lw.add(pg * lg);
        lb.add(pg * ln_ratio(mean, mg));
    }
    Theil {
        t,
        t_within: tw.value(),
        t_between: tb.value(),
        l,
        l_within: lw.value(),
        l_between: lb.value(),
    }
}

/// (T, L) of positive values with mean `mean`.
fn theil_tl(values: &[f64], mean: f64) -> (f64, f64) {
    let n = values.len() as f64;
    let (mut t, mut l) = (Sum::default(), Sum::default());
    for &y in values {
        let ln = ln_ratio(y, mean);
        // y/Ȳ may underflow to 0 when ln(y/Ȳ) is not: the term tends to 0.
        t.add(y / mean * ln);
        l.add(-ln);
    }
    (t.value() / n, l.value() / n)
}

/// ln(a/b) for positive a and b: from the ratio when it is a normal
/// number (most accurate), else as ln a − ln b (no underflow or overflow).
fn ln_ratio(a: f64, b: f64) -> f64 {
    let r = a / b;
    if r.is_normal() { r.ln() } else { a.ln() - b.ln() }
}
