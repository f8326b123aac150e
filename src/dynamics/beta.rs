//! Absolute β-convergence by least squares (SPEC "Dynamics": beta).

use crate::panel::PeriodValues;

/// The fit over all units, and per group with `--by` (club convergence).
#[derive(Debug, Clone, PartialEq)]
pub struct Beta {
    /// T = the number of periods − 1.
    pub span: usize,
    pub overall: Fit,
    /// Per group (a unit's group is the one of its first period), in order
    /// of first appearance; empty without `--by`.
    pub groups: Vec<(String, Fit)>,
}

/// g = α + β ln y₀ + ε by ordinary least squares.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Units present (with a value) in the first and the last period.
    pub n: usize,
    pub alpha: Coefficient,
    pub beta: Coefficient,
    pub r2: Option<f64>,
    /// θ = −ln(1 + βT)/T when β < 0 and 1 + βT > 0.
    pub speed: Option<f64>,
    /// ln 2 / θ.
    pub half_life: Option<f64>,
}

/// An estimate with its standard error, t statistic and two-sided p-value
/// (Student t, n − 2 degrees of freedom); `None` where undefined.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Coefficient {
    pub estimate: Option<f64>,
    pub std_error: Option<f64>,
    pub t: Option<f64>,
    pub p: Option<f64>,
}

/// β-convergence between the first and the last of `periods`.
pub fn beta(periods: &[PeriodValues<'_>], by_group: bool, warnings: &mut Vec<String>) -> crate::Result<Beta> {
    let _ = (periods, by_group, warnings);
    Err(crate::Error::data("beta: not implemented yet"))
}
