//! The disparity of a panel (SPEC "Disparity: `disparity`" over "Panels:
//! several periods at once"): the figures of [`super::disparity`] for each
//! period, with the panel's group order (first appearance across the whole
//! panel), the units left out, and the warnings a run prints.
//!
//! Plain data, as every analysis returns: formatting is `output`'s. The
//! work beyond [`super::disparity`] is one pass over each period's units:
//! group names are mapped to indices through a map of borrowed names (no
//! allocation per unit; only each new group's name is copied once).

use super::{Disparity, DisparityError, disparity};
use crate::error::{Error, echo};
use crate::util::readable;
use std::collections::HashMap;

pub use crate::panel::PeriodValues;

/// Every period's figures, in the panel's order.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelDisparity {
    /// Whether the figures are by group (`--by` or the rubric's group
    /// column); without, only the overall figures are reported.
    pub grouped: bool,
    /// Group names in order of first appearance across the whole panel
    /// (empty without groups). A group appears with its first unit, with
    /// a value or not.
    pub groups: Vec<String>,
    pub periods: Vec<PeriodDisparity>,
    /// Warnings for stderr, each naming its period: units without a value
    /// (or without a group) left out, Theil or Gini figures left out (the
    /// unit and its value named), a period without any value.
    pub warnings: Vec<String>,
}

/// One period's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodDisparity {
    pub label: String,
    /// Units without a value, left out of the figures.
    pub missing: usize,
    /// Units with a value but without a group (grouped panels only), left
    /// out of the figures too.
    pub ungrouped: usize,
    /// `None` when the period has no value at all.
    pub figures: Option<Disparity>,
    /// For each group index of `figures` (this period's groups `0..k`),
    /// its index in [`PanelDisparity::groups`]; increasing, so this
    /// period's group order (and pair order) is the panel's. Groups absent
    /// from the period are not in it.
    pub groups: Vec<usize>,
}

impl PeriodDisparity {
    /// The panel's index ([`PanelDisparity::groups`]) of this period's
    /// group `local`.
    pub fn panel_group(&self, local: usize) -> Option<usize> {
        self.groups.get(local).copied()
    }
}

impl PanelDisparity {
    /// The name of panel group `g`.
    pub fn group_name(&self, g: usize) -> Option<&str> {
        self.groups.get(g).map(String::as_str)
    }
}

/// Group names to panel indices, by borrowed name.
struct Names<'a> {
    index: HashMap<&'a str, usize>,
    names: Vec<String>,
    /// The last name looked up and its index: units often come sorted by
    /// group, and comparing two strings is cheaper than hashing one.
    last: Option<(&'a str, usize)>,
}

impl<'a> Names<'a> {
    fn code(&mut self, name: &'a str) -> usize {
        if let Some((last, code)) = self.last
            && last == name
        {
            return code;
        }
        let next = self.names.len();
        let code = *self.index.entry(name).or_insert_with(|| {
            self.names.push(name.to_string());
            next
        });
        self.last = Some((name, code));
        code
    }
}

/// The figures of every period of a panel; `grouped` decomposes them by
/// the units' groups. A unit without a value is left out of its period
/// (and counted); with `grouped`, so is a unit without a group. Fails only
/// on an internal numerical failure: when G = G_w + G_nb + G_t does not
/// hold to [`super::IDENTITY_TOLERANCE`] (or a value is not finite), the
/// figures are withheld.
pub fn panel<'a>(periods: &[PeriodValues<'a>], grouped: bool) -> Result<PanelDisparity, Error> {
    let mut names = Names {
        index: HashMap::new(),
        names: Vec::new(),
        last: None,
    };
    let mut warnings = Vec::new();
    let mut out = Vec::with_capacity(periods.len());
    for period in periods {
        out.push(one_period(period, grouped, &mut names, &mut warnings)?);
    }
    Ok(PanelDisparity {
        grouped,
        groups: names.names,
        periods: out,
        warnings,
    })
}

/// The values of a period's units that are kept, their panel group codes
/// (grouped only) and how many units were left out.
struct Kept {
    values: Vec<f64>,
    codes: Vec<usize>,
    missing: usize,
    ungrouped: usize,
}

fn kept<'a>(period: &PeriodValues<'a>, grouped: bool, names: &mut Names<'a>) -> Kept {
    let n = period.units.len();
    let mut k = Kept {
        values: Vec::with_capacity(n),
        codes: Vec::with_capacity(if grouped { n } else { 0 }),
        missing: 0,
        ungrouped: 0,
    };
    for &(_, group, value) in &period.units {
        let code = if grouped { group.map(|g| names.code(g)) } else { None };
        let Some(v) = value else {
            k.missing += 1;
            continue;
        };
        if grouped {
            let Some(code) = code else {
                k.ungrouped += 1;
                continue;
            };
            k.codes.push(code);
        }
        k.values.push(v);
    }
    k
}

/// Whether unit `u` of a period is among its kept units.
fn is_kept(unit: &(&str, Option<&str>, Option<f64>), grouped: bool) -> bool {
    unit.2.is_some() && (!grouped || unit.1.is_some())
}

/// The id of the `k`-th kept unit of a period (only read to name a unit in
/// a message, so a second pass costs nothing in the common case).
fn kept_id<'a>(period: &PeriodValues<'a>, grouped: bool, k: usize) -> &'a str {
    period
        .units
        .iter()
        .filter(|u| is_kept(u, grouped))
        .nth(k)
        .map_or("?", |u| u.0)
}

/// Renumbers panel group codes to this period's groups `0..k`, in panel
/// order; gives back the panel index of each.
fn localize(codes: &mut [usize], panel_groups: usize) -> Vec<usize> {
    let mut present = vec![false; panel_groups];
    for &c in codes.iter() {
        if let Some(p) = present.get_mut(c) {
            *p = true;
        }
    }
    let groups: Vec<usize> = (0..panel_groups).filter(|&g| present.get(g) == Some(&true)).collect();
    let mut local = vec![0; panel_groups];
    for (l, &g) in groups.iter().enumerate() {
        if let Some(slot) = local.get_mut(g) {
            *slot = l;
        }
    }
    for c in codes.iter_mut() {
        *c = local.get(*c).copied().unwrap_or(0);
    }
    groups
}

fn one_period<'a>(
    period: &PeriodValues<'a>,
    grouped: bool,
    names: &mut Names<'a>,
    warnings: &mut Vec<String>,
) -> Result<PeriodDisparity, Error> {
    let label = period.label;
    let mut k = kept(period, grouped, names);
    let groups = if grouped {
        localize(&mut k.codes, names.names.len())
    } else {
        Vec::new()
    };
    let units = |n: usize| {
        if n == 1 {
            "1 unit has".to_string()
        } else {
            format!("{n} units have")
        }
    };
    if k.missing > 0 {
        warnings.push(format!(
            "period {}: {} no value and {} left out of its figures",
            echo(label),
            units(k.missing),
            if k.missing == 1 { "is" } else { "are" }
        ));
    }
    if k.ungrouped > 0 {
        warnings.push(format!(
            "period {}: {} a value but no group and {} left out of its figures",
            echo(label),
            units(k.ungrouped),
            if k.ungrouped == 1 { "is" } else { "are" }
        ));
    }
    let mut out = PeriodDisparity {
        label: label.to_string(),
        missing: k.missing,
        ungrouped: k.ungrouped,
        figures: None,
        groups,
    };
    if k.values.is_empty() {
        warnings.push(format!(
            "period {}: no unit has a value; it has no figures",
            echo(label)
        ));
        return Ok(out);
    }
    let figures = disparity(&k.values, grouped.then_some(k.codes.as_slice())).map_err(|e| {
        let detail = match e {
            DisparityError::NotFinite { unit } => format!(
                "unit {} has a value that is not a finite number",
                echo(kept_id(period, grouped, unit))
            ),
            other => other.to_string(),
        };
        internal(label, &detail)
    })?;
    check_identity(label, &figures)?;
    if let Err(bad) = &figures.theil {
        warnings.push(format!(
            "period {}: the Theil figures are left out: unit {} has the value {}, and Theil needs every value > 0",
            echo(label),
            echo(kept_id(period, grouped, bad.unit)),
            readable(bad.value)
        ));
    }
    if figures.dagum.is_none() {
        warnings.push(format!(
            "period {}: the Gini figures are left out: with negative values a mean (or the sum of two group means) is not positive",
            echo(label)
        ));
    }
    out.figures = Some(figures);
    Ok(out)
}

/// The figures of period `label` when G = G_w + G_nb + G_t holds (SPEC:
/// the output checks it); an internal failure otherwise.
fn check_identity(label: &str, figures: &Disparity) -> Result<(), Error> {
    let Some(dagum) = figures.dagum.as_ref().filter(|d| !d.identity_holds()) else {
        return Ok(());
    };
    let parts = dagum.within + dagum.between + dagum.transvariation;
    let detail = format!(
        "G = G_w + G_nb + G_t does not hold (G = {}, G_w + G_nb + G_t = {}, relative gap {}, over the tolerance {})",
        readable(dagum.gini),
        readable(parts),
        readable(dagum.identity_error()),
        readable(super::IDENTITY_TOLERANCE)
    );
    Err(internal(label, &detail))
}

/// An internal numerical failure in period `label`: the figures are
/// withheld rather than written wrong.
fn internal(label: &str, detail: &str) -> Error {
    Error::data(format!(
        "internal numerical failure in the disparity of period {}: {detail}; the disparity figures are withheld",
        echo(label)
    ))
    .help("this is a bug in linkscore: please report it with the data and the command line")
}

#[cfg(test)]
mod tests;
