//! A classical Markov chain on pooled quantile classes (SPEC "Dynamics": markov).

use super::Settings;
use crate::panel::PeriodValues;

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
    /// The share of the first period's units in each class.
    pub initial: Vec<f64>,
    /// π with π P = π, Σ π = 1; `None` when P has no unique steady state.
    pub steady: Option<Vec<f64>>,
}

/// The chain of `periods` (in the panel's order) with `settings`' classes or cuts.
pub fn markov(periods: &[PeriodValues<'_>], settings: &Settings, warnings: &mut Vec<String>) -> crate::Result<Markov> {
    let _ = (periods, settings, warnings);
    Err(crate::Error::data("markov: not implemented yet"))
}
