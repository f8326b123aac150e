//! How the distribution moves over the periods of a panel (SPEC "Dynamics:
//! `dynamics`"): Gaussian kernel densities, a classical Markov chain on
//! pooled quantile classes, σ-convergence and absolute β-convergence.
//!
//! Input: each period's units as the panel scored them
//! ([`crate::panel::PeriodValues`]: id, group, value; units are linked
//! across periods by id). Output: plain data; formatting is `output`'s.
//! Each part is its own module; [`analyse`] runs the parts asked for.

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
pub fn analyse(periods: &[PeriodValues<'_>], parts: &[Part], settings: &Settings) -> crate::Result<Dynamics> {
    let mut out = Dynamics::default();
    for part in parts {
        match part {
            Part::Density => out.density = Some(density::density(periods, settings.points, &mut out.warnings)?),
            Part::Markov => out.markov = Some(markov::markov(periods, settings, &mut out.warnings)?),
            Part::Sigma => out.sigma = Some(sigma::sigma(periods, &mut out.warnings)),
            Part::Beta => out.beta = Some(beta::beta(periods, settings.by_group, &mut out.warnings)?),
        }
    }
    Ok(out)
}
