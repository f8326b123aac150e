//! σ-convergence (SPEC "Dynamics": sigma).

use super::{PeriodValues, present};
use crate::error::echo;
use crate::stats;

#[cfg(test)]
mod tests;

/// The spread of every period.
#[derive(Debug, Clone, PartialEq)]
pub struct Sigma {
    pub periods: Vec<SigmaRow>,
    /// Whether the CV of the last period (with one) is below that of the
    /// first (with one); `None` with fewer than two periods with a CV.
    pub cv_falls: Option<bool>,
    /// Whether the CV falls at every step between consecutive periods (of
    /// those with a CV); `None` with fewer than two periods with a CV.
    pub cv_falls_every_period: Option<bool>,
}

/// One period: n, mean, sample sd, CV = sd/mean, sample sd of ln y.
#[derive(Debug, Clone, PartialEq)]
pub struct SigmaRow {
    pub label: String,
    /// Units with a value.
    pub n: usize,
    /// `None` without values.
    pub mean: Option<f64>,
    /// Sample sd (n − 1); `None` for fewer than two values.
    pub sd: Option<f64>,
    /// sd/mean; `None` when the mean is 0 or there is no sd.
    pub cv: Option<f64>,
    /// The sample sd of ln y; `None` for fewer than two values, and (with a
    /// warning naming the period and a unit) when a value is ≤ 0.
    pub sd_log: Option<f64>,
}

/// The spread of each of `periods`.
pub fn sigma(periods: &[PeriodValues<'_>], warnings: &mut Vec<String>) -> Sigma {
    let rows: Vec<SigmaRow> = periods.iter().map(|p| row(p, warnings)).collect();
    let cvs: Vec<f64> = rows.iter().filter_map(|r| r.cv).collect();
    let (cv_falls, cv_falls_every_period) = match (cvs.first(), cvs.last()) {
        (Some(first), Some(last)) if cvs.len() >= 2 => (Some(last < first), Some(cvs.windows(2).all(|w| w[1] < w[0]))),
        _ => (None, None),
    };
    Sigma {
        periods: rows,
        cv_falls,
        cv_falls_every_period,
    }
}

fn row(period: &PeriodValues<'_>, warnings: &mut Vec<String>) -> SigmaRow {
    let values: Vec<f64> = present(period).map(|(_, _, y)| y).collect();
    let n = values.len();
    let mean = (n > 0).then(|| stats::mean(&values));
    let sd = mean.filter(|_| n >= 2).map(|m| stats::sample_sd(&values, m));
    let cv = match (sd, mean) {
        (Some(sd), Some(m)) if m != 0.0 => Some(sd / m),
        _ => None,
    };
    let sd_log = if let Some((id, _, y)) = present(period).find(|&(_, _, y)| y <= 0.0) {
        warnings.push(format!(
            "sigma: period {}: the sd of ln y is left out: unit {} has the value {}, and a log needs every value > 0",
            echo(period.label),
            echo(id),
            crate::util::readable(y)
        ));
        None
    } else if n >= 2 {
        let logs: Vec<f64> = values.iter().map(|y| y.ln()).collect();
        Some(stats::sample_sd(&logs, stats::mean(&logs)))
    } else {
        None
    };
    SigmaRow {
        label: period.label.to_string(),
        n,
        mean,
        sd,
        cv,
        sd_log,
    }
}
