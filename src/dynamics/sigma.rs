//! σ-convergence (SPEC "Dynamics": sigma).

use crate::panel::PeriodValues;

/// The spread of every period.
#[derive(Debug, Clone, PartialEq)]
pub struct Sigma {
    pub periods: Vec<SigmaRow>,
    /// Whether the CV of the last period (with one) is below that of the
    /// first; `None` with fewer than two periods with a CV.
    pub cv_falls: Option<bool>,
    /// Whether the CV falls at every step between consecutive periods.
    pub cv_falls_every_period: Option<bool>,
}

/// One period: n, mean, sample sd, CV = sd/mean, sample sd of ln y.
#[derive(Debug, Clone, PartialEq)]
pub struct SigmaRow {
    pub label: String,
    pub n: usize,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub cv: Option<f64>,
    /// `None` (with a warning) when a value is ≤ 0.
    pub sd_log: Option<f64>,
}

/// The spread of each of `periods`.
pub fn sigma(periods: &[PeriodValues<'_>], warnings: &mut Vec<String>) -> Sigma {
    let _ = (periods, warnings);
    Sigma {
        periods: Vec::new(),
        cv_falls: None,
        cv_falls_every_period: None,
    }
}
