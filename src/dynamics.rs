//! How the distribution moves over the periods of a panel (SPEC "Dynamics:
//! `dynamics`"): Gaussian kernel densities, a classical Markov chain on
//! pooled quantile classes, σ-convergence and absolute β-convergence.
//!
//! Input: each period's units as the panel scored them
//! ([`crate::panel::PeriodValues`]: id, group, value; units are linked
//! across periods by id). Output: plain data; formatting is `output`'s.
//! Each part is its own module; [`analyse`] runs the parts asked for.

use crate::error::echo;
use crate::panel::PeriodValues;

pub mod beta;
pub mod density;
pub mod markov;
pub mod sigma;

/// Which parts to compute (the table and JSON show every part; CSV and
/// markdown the one `--part` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Density,
    Markov,
    Sigma,
    Beta,
}

impl Part {
    pub const ALL: [Part; 4] = [Part::Density, Part::Markov, Part::Sigma, Part::Beta];

    /// The part's name on the command line and in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Part::Density => "density",
            Part::Markov => "markov",
            Part::Sigma => "sigma",
            Part::Beta => "beta",
        }
    }
}

/// How to compute the parts (the command line's settings).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `--points`: where each density is evaluated (default 256).
    pub points: usize,
    /// `--classes K` (default 4), used when `cuts` is empty.
    pub classes: usize,
    /// `--cuts a,b,c`: class boundaries in the units of y, strictly increasing.
    pub cuts: Vec<f64>,
    /// Whether β is also estimated per group (`--by`; a unit's group is
    /// the one of its first period).
    pub by_group: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            points: 256,
            classes: 4,
            cuts: Vec::new(),
            by_group: false,
        }
    }
}

/// Every part asked for, and what the run should warn about (each warning
/// names its part and, where it applies, its period or unit).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dynamics {
    pub density: Option<density::Density>,
    pub markov: Option<markov::Markov>,
    pub sigma: Option<sigma::Sigma>,
    pub beta: Option<beta::Beta>,
    pub warnings: Vec<String>,
}

/// Computes `parts` of the panel's `periods` (in the panel's order).
///
/// Before the parts, one warning per period that has units without a value
/// (they are left out of every part). β needs two periods: asked alone on a
/// one-period panel it is a usage error ([`beta::beta`]); asked among other
/// parts (`table`, `json`), `beta` is `None` with a warning instead, so the
/// other parts still show.
pub fn analyse(periods: &[PeriodValues<'_>], parts: &[Part], settings: &Settings) -> crate::Result<Dynamics> {
    let mut out = Dynamics::default();
    for period in periods {
        let missing = period.units.len() - present(period).count();
        if missing > 0 {
            out.warnings.push(format!(
                "dynamics: period {}: {} without a value {} left out",
                echo(period.label),
                if missing == 1 {
                    "1 unit".to_string()
                } else {
                    format!("{missing} units")
                },
                if missing == 1 { "is" } else { "are" }
            ));
        }
    }
    for part in parts {
        match part {
            Part::Density => out.density = Some(density::density(periods, settings.points, &mut out.warnings)?),
            Part::Markov => out.markov = Some(markov::markov(periods, settings, &mut out.warnings)?),
            Part::Sigma => out.sigma = Some(sigma::sigma(periods, &mut out.warnings)),
            Part::Beta if periods.len() < 2 && parts.len() > 1 => out.warnings.push(format!(
                "beta: needs at least two periods (the panel has {}); β-convergence is left out",
                periods.len()
            )),
            Part::Beta => out.beta = Some(beta::beta(periods, settings.by_group, &mut out.warnings)?),
        }
    }
    Ok(out)
}

/// The units of `period` that take part: those with a finite value, as
/// (id, group, value); a `None` (or a value that is not finite) is left out.
pub(crate) fn present<'p, 'a>(
    period: &'p PeriodValues<'a>,
) -> impl Iterator<Item = (&'a str, Option<&'a str>, f64)> + 'p {
    period
        .units
        .iter()
        .filter_map(|&(id, group, value)| value.filter(|v| v.is_finite()).map(|v| (id, group, v)))
}

/// The `p` quantile (0 ≤ p ≤ 1) of `sorted` (ascending) by linear
/// interpolation between order statistics, as numpy's default method
/// computes it (virtual index (n − 1) p, and numpy's two-sided lerp so that
/// the result is monotone in p); NaN when empty.
pub(crate) fn quantile(sorted: &[f64], p: f64) -> f64 {
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let h = last as f64 * p.clamp(0.0, 1.0);
    let below = (h.floor() as usize).min(last);
    let above = (below + 1).min(last);
    let (Some(&a), Some(&b)) = (sorted.get(below), sorted.get(above)) else {
        return f64::NAN;
    };
    let t = h - below as f64;
    let d = b - a;
    if t >= 0.5 { b - d * (1.0 - t) } else { a + d * t }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_numpy() {
        // numpy.quantile([1, 2, 3, 4], [0, .25, .5, .75, 1]) = 1, 1.75, 2.5, 3.25, 4
        let v = [1.0, 2.0, 3.0, 4.0];
        let q: Vec<f64> = [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|&p| quantile(&v, p)).collect();
        assert_eq!(q, vec![1.0, 1.75, 2.5, 3.25, 4.0]);
        assert_eq!(quantile(&[5.0], 0.3), 5.0);
        assert!(quantile(&[], 0.5).is_nan());
        // numpy.quantile([0, 10, 20], 1/3) = 6.666666666666666
        assert!((quantile(&[0.0, 10.0, 20.0], 1.0 / 3.0) - 20.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn missing_values_are_counted_once() {
        let periods = [PeriodValues {
            label: "2021",
            units: vec![("a", None, Some(1.0)), ("b", None, None), ("c", None, Some(3.0))],
        }];
        let d = analyse(&periods, &[Part::Sigma, Part::Beta], &Settings::default()).unwrap();
        assert!(d.warnings.iter().any(|w| w.contains("1 unit without a value")));
        assert!(d.beta.is_none());
        assert!(
            d.warnings
                .iter()
                .any(|w| w.starts_with("beta: needs at least two periods"))
        );
        assert!(analyse(&periods, &[Part::Beta], &Settings::default()).is_err());
    }
}
