//! A classical Markov chain on pooled quantile classes (SPEC "Dynamics": markov).
//!
//! Classes: the k/K quantiles of all unit-periods pooled (numpy's linear
//! interpolation; equal boundaries merged) or `--cuts`; a value's class is
//! the number of boundaries strictly below it. Transitions are counted
//! between consecutive periods for units (linked by id) with a value in
//! both. The steady state π (π P = π, Σ π = 1) comes from a linear solve,
//! Gaussian elimination with partial pivoting on (Pᵀ − I) π = 0 with one
//! equation replaced by Σ π = 1, and is verified afterwards (every
//! residual ≤ 1e-9). It is unique exactly when the chain has one closed
//! communicating class (rows without transitions taken as absorbing), which
//! is checked on the graph of P > 0 before solving.

use super::{PeriodValues, Settings, present, quantile};
use crate::error::Error;
use std::collections::HashMap;

#[cfg(test)]
mod tests;

/// How close π P must come to π, and Σ π to 1.
pub const TOLERANCE: f64 = 1e-9;

/// The chain: classes, transition counts and probabilities, steady state.
/// Classes are 0-based here (`1..K` in outputs).
#[derive(Debug, Clone, PartialEq)]
pub struct Markov {
    /// b_1 < … < b_{K−1}: the pooled k/K quantiles (equal ones merged), or `--cuts`.
    pub boundaries: Vec<f64>,
    /// Whether the boundaries are `--cuts`.
    pub from_cuts: bool,
    /// K × K transition counts between consecutive periods.
    pub counts: Vec<Vec<u64>>,
    /// K × K: counts over row sums; a row without transitions is all 0.
    pub probabilities: Vec<Vec<f64>>,
    /// Classes whose row has no transition (taken as absorbing for π).
    pub empty_rows: Vec<usize>,
    /// The share of the first period's units (with a value) in each class;
    /// all 0 when the first period has no value.
    pub initial: Vec<f64>,
    /// π with π P = π, Σ π = 1; `None` when P has no unique steady state.
    pub steady: Option<Vec<f64>>,
}

/// The chain of `periods` (in the panel's order) with `settings`' classes or cuts.
///
/// Errors: `--cuts` not finite or not strictly increasing, or `--classes 0`
/// (usage); quantile classes of a panel without any value (data). With one
/// period there is no transition: every row is empty and, unless K = 1,
/// there is no unique steady state.
pub fn markov(periods: &[PeriodValues<'_>], settings: &Settings, warnings: &mut Vec<String>) -> crate::Result<Markov> {
    let boundaries = boundaries(periods, settings, warnings)?;
    let k = boundaries.len() + 1;
    let class = |y: f64| class_of(&boundaries, y);
    let mut counts = vec![vec![0u64; k]; k];
    let mut before: HashMap<&str, usize> = HashMap::new();
    for (t, period) in periods.iter().enumerate() {
        let now: HashMap<&str, usize> = present(period).map(|(id, _, y)| (id, class(y))).collect();
        if t > 0 {
            for (id, &to) in &now {
                if let Some(&from) = before.get(id)
                    && let Some(cell) = counts.get_mut(from).and_then(|row| row.get_mut(to))
                {
                    *cell += 1;
                }
            }
        }
        before = now;
    }
    let probabilities: Vec<Vec<f64>> = counts.iter().map(|row| row_shares(row)).collect();
    let empty_rows: Vec<usize> = (0..k).filter(|&i| counts[i].iter().all(|&c| c == 0)).collect();
    if !empty_rows.is_empty() {
        let names: Vec<String> = empty_rows.iter().map(|i| (i + 1).to_string()).collect();
        warnings.push(format!(
            "markov: no unit moves out of class{} {}; {} all 0 in P and taken as absorbing for the steady state",
            if names.len() == 1 { "" } else { "es" },
            names.join(", "),
            if names.len() == 1 {
                "its row is"
            } else {
                "their rows are"
            }
        ));
    }
    let initial = match periods.first() {
        Some(first) => {
            let mut n = vec![0u64; k];
            for (_, _, y) in present(first) {
                if let Some(c) = n.get_mut(class(y)) {
                    *c += 1;
                }
            }
            row_shares(&n)
        }
        None => vec![0.0; k],
    };
    let absorbing = with_absorbing(&probabilities, &empty_rows);
    let steady = match closed_classes(&absorbing) {
        1 => {
            let pi = steady_state(&absorbing);
            if pi.is_none() {
                warnings.push(format!(
                    "markov: the steady state could not be solved to {TOLERANCE:e}; it is left out"
                ));
            }
            pi
        }
        closed => {
            warnings.push(format!(
                "markov: P has no unique steady state ({closed} closed classes of states, reducible); it is left out"
            ));
            None
        }
    };
    Ok(Markov {
        boundaries,
        from_cuts: !settings.cuts.is_empty(),
        counts,
        probabilities,
        empty_rows,
        initial,
        steady,
    })
}

/// `--cuts` checked, or the pooled k/K quantiles with equal ones merged.
fn boundaries(
    periods: &[PeriodValues<'_>],
    settings: &Settings,
    warnings: &mut Vec<String>,
) -> crate::Result<Vec<f64>> {
    if !settings.cuts.is_empty() {
        if let Some(bad) = settings.cuts.iter().find(|c| !c.is_finite()) {
            return Err(Error::usage(format!("--cuts: {bad} is not a finite number")));
        }
        if let Some(w) = settings.cuts.windows(2).find(|w| w[0] >= w[1]) {
            return Err(Error::usage(format!(
                "--cuts must be strictly increasing: {} is followed by {}",
                crate::util::readable(w[0]),
                crate::util::readable(w[1])
            )));
        }
        return Ok(settings.cuts.clone());
    }
    let k = settings.classes;
    if k == 0 {
        return Err(Error::usage("--classes must be at least 1"));
    }
    let mut pooled: Vec<f64> = periods.iter().flat_map(|p| present(p).map(|(_, _, y)| y)).collect();
    if pooled.is_empty() {
        return Err(Error::data(
            "markov: no unit has a value in any period, so there are no quantile classes",
        ));
    }
    pooled.sort_by(f64::total_cmp);
    let mut b: Vec<f64> = (1..k).map(|i| quantile(&pooled, i as f64 / k as f64)).collect();
    b.dedup();
    if b.len() + 1 < k {
        warnings.push(format!(
            "markov: some of the pooled quantile boundaries are equal (many equal values); {} classes instead of {k}",
            b.len() + 1
        ));
    }
    Ok(b)
}

/// `counts` over their sum; all 0 when the sum is 0.
fn row_shares(counts: &[u64]) -> Vec<f64> {
    let total: u64 = counts.iter().sum();
    counts
        .iter()
        .map(|&c| if total == 0 { 0.0 } else { c as f64 / total as f64 })
        .collect()
}

/// P with each of `empty_rows` made absorbing (P_kk = 1).
fn with_absorbing(p: &[Vec<f64>], empty_rows: &[usize]) -> Vec<Vec<f64>> {
    let mut q = p.to_vec();
    for &i in empty_rows {
        if let Some(cell) = q.get_mut(i).and_then(|row| row.get_mut(i)) {
            *cell = 1.0;
        }
    }
    q
}

/// The number of closed communicating classes of the chain with
/// (row-stochastic) `p`: classes of mutually reachable states on the graph
/// of p > 0 from which no edge leaves. One ⇔ a unique stationary distribution.
pub fn closed_classes(p: &[Vec<f64>]) -> usize {
    let k = p.len();
    let reach: Vec<Vec<bool>> = (0..k).map(|i| reachable(p, i)).collect();
    let mutual = |i: usize, j: usize| reach[i][j] && reach[j][i];
    let mut seen = vec![false; k];
    let mut closed = 0;
    for i in 0..k {
        if seen[i] {
            continue;
        }
        let members: Vec<usize> = (0..k).filter(|&j| mutual(i, j)).collect();
        for &j in &members {
            seen[j] = true;
        }
        // Closed: everything reachable from i is in its class.
        if (0..k).all(|j| !reach[i][j] || mutual(i, j)) {
            closed += 1;
        }
    }
    closed
}

/// The states reachable from `from` (itself included) on the graph of p > 0.
fn reachable(p: &[Vec<f64>], from: usize) -> Vec<bool> {
    let mut seen = vec![false; p.len()];
    let mut stack = vec![from];
    if let Some(s) = seen.get_mut(from) {
        *s = true;
    }
    while let Some(i) = stack.pop() {
        for (j, &w) in p.get(i).map_or(&[][..], |r| r.as_slice()).iter().enumerate() {
            if w > 0.0 && !seen[j] {
                seen[j] = true;
                stack.push(j);
            }
        }
    }
    seen
}

/// π with π P = π and Σ π = 1 for a row-stochastic `p`, by Gaussian
/// elimination with partial pivoting on (Pᵀ − I) π = 0 with its last
/// equation replaced by Σ π = 1; `None` when the system is singular or the
/// solution fails the check (|π P − π| and |Σ π − 1| ≤ [`TOLERANCE`], π ≥ 0
/// up to the tolerance; tiny negatives from rounding are set to 0).
pub fn steady_state(p: &[Vec<f64>]) -> Option<Vec<f64>> {
    let k = p.len();
    if k == 0 {
        return None;
    }
    // Augmented rows [A | b]: row i is equation i, A_ij = P_ji − δ_ij.
    let mut a: Vec<Vec<f64>> = (0..k)
        .map(|i| {
            let mut row: Vec<f64> = (0..k).map(|j| p[j][i] - if i == j { 1.0 } else { 0.0 }).collect();
            row.push(0.0);
            row
        })
        .collect();
    a[k - 1] = vec![1.0; k + 1];
    let pi = solve(a)?;
    let pi: Vec<f64> = pi
        .into_iter()
        .map(|v| if v < 0.0 && v > -TOLERANCE { 0.0 } else { v })
        .collect();
    let total: f64 = pi.iter().sum();
    let stationary = (0..k).all(|j| {
        let back: f64 = (0..k).map(|i| pi[i] * p[i][j]).sum();
        (back - pi[j]).abs() <= TOLERANCE
    });
    (stationary && (total - 1.0).abs() <= TOLERANCE && pi.iter().all(|&v| v >= 0.0)).then_some(pi)
}

/// The solution of the augmented k × (k + 1) system, by Gaussian
/// elimination with partial pivoting; `None` when singular.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let k = a.len();
    for col in 0..k {
        let pivot = (col..k).max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))?;
        let size = a[pivot][col].abs();
        if size.is_nan() || size <= 1e-300 {
            return None;
        }
        a.swap(col, pivot);
        let top = a[col].clone();
        for row in a.iter_mut().skip(col + 1) {
            let factor = row[col] / top[col];
            if factor != 0.0 {
                for (x, t) in row.iter_mut().zip(&top).skip(col) {
                    *x -= factor * t;
                }
            }
        }
    }
    let mut x = vec![0.0; k];
    for i in (0..k).rev() {
        let known: f64 = (i + 1..k).map(|j| a[i][j] * x[j]).sum();
        x[i] = (a[i][k] - known) / a[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The class (0-based) of `y` among `boundaries`: how many lie strictly below it.
pub fn class_of(boundaries: &[f64], y: f64) -> usize {
    boundaries.partition_point(|&b| b < y)
}
