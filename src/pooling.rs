//! Which parameters the periods of a panel are scored with, and on which
//! tables they were fitted (SPEC "Panels": one pooled scale; "Year over
//! year": pooling). One policy for `panel`, the analyses on panels, `diff`
//! and `report`, so no command re-derives it.

use crate::engine::{self, Params};
use crate::error::Result;
use crate::input::Table;
use crate::rubric::Rubric;

/// How the periods are put on a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale<'p> {
    /// Every period with the parameters frozen in this file (`--params`).
    Frozen(&'p str),
    /// Each period fitted on itself alone.
    Own,
    /// One set of parameters fitted on every unit-period together.
    Pooled,
}

/// The parameters of every period of a panel.
pub struct PanelScales {
    /// The one set of a frozen or pooled scale.
    shared: Option<Params>,
    /// Per period, on its own scale.
    own: Vec<Params>,
}

impl PanelScales {
    /// The parameters period `p` is scored with.
    pub fn of(&self, p: usize) -> Option<&Params> {
        self.shared.as_ref().or_else(|| self.own.get(p))
    }

    /// Whether every period has the same parameters (a frozen or pooled scale).
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }
}

/// The parameters of each of `tables` on `scale`.
pub fn panel_scales(rubric: &Rubric, tables: &[&Table], scale: Scale<'_>) -> Result<PanelScales> {
    Ok(match scale {
        Scale::Frozen(path) => PanelScales {
            shared: Some(crate::params::from_path(path, rubric)?),
            own: Vec::new(),
        },
        Scale::Own => PanelScales {
            shared: None,
            own: tables
                .iter()
                .map(|t| engine::fit(rubric, std::slice::from_ref(t)))
                .collect::<Result<_>>()?,
        },
        Scale::Pooled => PanelScales {
            shared: Some(engine::fit(rubric, tables)?),
            own: Vec::new(),
        },
    })
}

impl Scale<'_> {
    /// The tables the new year's parameters are fitted on, of two years on
    /// this scale (re-scorings fit their alternatives on the same;
    /// `--freeze` writes their statistics).
    pub fn pool<'t>(self, old: &'t Table, new: &'t Table) -> Vec<&'t Table> {
        if self == Scale::Pooled {
            vec![old, new]
        } else {
            vec![new]
        }
    }
}

/// The parameters each of `tables` is scored with on `scale`, in order.
pub fn params_of(rubric: &Rubric, tables: &[&Table], scale: Scale<'_>) -> Result<Vec<Params>> {
    let scales = panel_scales(rubric, tables, scale)?;
    (0..tables.len())
        .map(|p| {
            scales
                .of(p)
                .cloned()
                .ok_or_else(|| crate::Error::data("internal error: no parameters for a period"))
        })
        .collect()
}

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

/// How two years are put on a scale: the frozen parameters of `frozen`
/// for both; each year's own when the rubric is comparable across years as
/// it stands or with `no_pool`; else one set fitted on both years pooled.
/// With what stderr should say about the choice, when it matters; each year
/// is named as it goes by in messages.
pub fn year_scale<'p>(
    rubric: &Rubric,
    (old_name, new_name): (&str, &str),
    frozen: Option<&'p str>,
    no_pool: bool,
) -> (Scale<'p>, Option<String>) {
    if let Some(path) = frozen {
        (
            Scale::Frozen(path),
            Some(format!(
                "note: both years are scored with the parameters frozen in {path}"
            )),
        )
    } else if !rubric.is_sample_relative() || no_pool {
        let message = (no_pool && rubric.is_sample_relative()).then(|| {
            "warning: --no-pool: each year is scored on its own sample's statistics and weights, so the changes mix real change with rescaling".to_string()
        });
        (Scale::Own, message)
    } else {
        (
            Scale::Pooled,
            Some(format!(
                "note: the rubric takes statistics or weights from the data (sample-relative normalization, objective weighting or a sample TOPSIS ideal): {old_name} and {new_name} are pooled into one panel so both years are on one scale (--no-pool to score each alone)"
            )),
        )
    }
}

/// The parameters two years are scored with (see [`year_scale`]), and the
/// tables they were fitted on.
pub fn year_scales<'t>(
    rubric: &Rubric,
    (old, old_name): (&'t Table, &str),
    (new, new_name): (&'t Table, &str),
    frozen: Option<&str>,
    no_pool: bool,
) -> Result<YearScales<'t>> {
    let (scale, message) = year_scale(rubric, (old_name, new_name), frozen, no_pool);
    let mut params = params_of(rubric, &[old, new], scale)?.into_iter();
    let (Some(old_params), Some(new_params)) = (params.next(), params.next()) else {
        return Err(crate::Error::data(
            "internal error: no parameters for a year of the comparison",
        ));
    };
    Ok(YearScales {
        old: old_params,
        new: new_params,
        pool: scale.pool(old, new),
        message,
    })
}
