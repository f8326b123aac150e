//! Which parameters two periods are scored with, and on which tables they
//! were fitted (SPEC "Year over year": pooling). One policy for `diff`,
//! `report` and the panels to come, so no command re-derives it.

use crate::engine::{self, Params};
use crate::error::Result;
use crate::input::Table;
use crate::rubric::Rubric;

/// The parameters of two years and what they came from.
pub struct YearScales<'t> {
    pub old: Params,
    pub new: Params,
    /// The tables the new year's parameters were fitted on (re-scorings fit
    /// their alternatives on the same; `--freeze` writes their statistics).
    pub pool: Vec<&'t Table>,
    /// What stderr should say about the choice, when it matters.
    pub message: Option<String>,
}

/// The parameters two years are scored with: the frozen ones of `frozen`
/// for both; each year's own when the rubric is comparable across years as
/// it stands or with `no_pool`; else one set fitted on both years pooled.
/// Each year is given as its table and the name it goes by in messages.
pub fn year_scales<'t>(
    rubric: &Rubric,
    (old, old_name): (&'t Table, &str),
    (new, new_name): (&'t Table, &str),
    frozen: Option<&str>,
    no_pool: bool,
) -> Result<YearScales<'t>> {
    Ok(if let Some(path) = frozen {
        let frozen = crate::params::from_path(path, rubric)?;
        YearScales {
            old: frozen.clone(),
            new: frozen,
            pool: vec![new],
            message: Some(format!(
                "note: both years are scored with the parameters frozen in {path}"
            )),
        }
    } else if !rubric.is_sample_relative() || no_pool {
        let message = no_pool.then(|| {
            "warning: --no-pool: each year is scored on its own sample's statistics and weights, so the changes mix real change with rescaling".to_string()
        });
        YearScales {
            old: engine::fit(rubric, &[old])?,
            new: engine::fit(rubric, &[new])?,
            pool: vec![new],
            message: message.filter(|_| rubric.is_sample_relative()),
        }
    } else {
        let pooled = engine::fit(rubric, &[old, new])?;
        YearScales {
            old: pooled.clone(),
            new: pooled,
            pool: vec![old, new],
            message: Some(format!(
                "note: the rubric takes statistics or weights from the data (sample-relative normalization, objective weighting or a sample TOPSIS ideal): {old_name} and {new_name} are pooled into one panel so both years are on one scale (--no-pool to score each alone)"
            )),
        }
    })
}
