//! Gaussian kernel densities per period (SPEC "Dynamics": density).

use crate::panel::PeriodValues;

/// The densities of every period on one grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Density {
    /// The grid: `points` equally spaced x from the pooled minimum − 3h to
    /// the pooled maximum + 3h of all periods (h the largest bandwidth).
    pub x: Vec<f64>,
    /// Per period, in the panel's order.
    pub periods: Vec<PeriodDensity>,
}

/// One period's density.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodDensity {
    pub label: String,
    /// Units with a value.
    pub n: usize,
    /// Silverman's h; `None` for a single-point period (sd = 0) or no values.
    pub bandwidth: Option<f64>,
    /// f at each x of the grid; empty for a single-point period.
    pub density: Vec<f64>,
    /// Local maxima above 10 % of the highest value, as (x, f(x)), by x.
    pub peaks: Vec<(f64, f64)>,
}

/// The densities of `periods` at `points` grid points.
pub fn density(periods: &[PeriodValues<'_>], points: usize, warnings: &mut Vec<String>) -> crate::Result<Density> {
    let _ = (periods, points, warnings);
    Err(crate::Error::data("density: not implemented yet"))
}
