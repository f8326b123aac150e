//! The weights of a run (SPEC "Maths": objective weighting; "Methods":
//! AHP and combined weights), whatever the method, and the weights that
//! applied to one unit with its obstacle degrees (SPEC "Explanations").

use super::Scored;
use crate::error::{Error, Result};
use crate::methods;
use crate::rubric::{Rubric, Subjective, Weighting};

/// The weights a run used, whatever the method.
#[derive(Debug, Clone)]
pub struct Weights {
    pub method: Weighting,
    /// Per dimension, summing to 1.
    pub dimension: Vec<f64>,
    /// Per indicator, inside its dimension (summing to 1 per dimension).
    pub indicator: Vec<f64>,
    /// Per indicator: dimension weight × weight inside the dimension.
    pub global: Vec<f64>,
}

/// The weights of a rubric whose weighting takes nothing from the data
/// (explicit, equal), for `linkscore weights` without data.
pub fn rubric_weights(rubric: &Rubric) -> Result<Weights> {
    let m = rubric.indicators.len();
    let empty = ZColumns {
        matrix: vec![Vec::new(); m],
        divergence: vec![Some(0.0); m],
    };
    fit(rubric, &empty, &mut Vec::new())
}

/// What objective weighting takes from the normalized values: the full
/// matrix (CRITIC) or each column's entropy divergence.
pub(super) struct ZColumns {
    pub(super) matrix: Vec<Vec<Option<f64>>>,
    pub(super) divergence: Vec<Option<f64>>,
}

/// The weights of a run by the rubric's weighting, taking what objective
/// weighting needs of the normalized values from `z`.
pub(super) fn fit(rubric: &Rubric, z: &ZColumns, warnings: &mut Vec<String>) -> Result<Weights> {
    let m = rubric.indicators.len();
    let (dimension, indicator) = match rubric.weighting {
        Weighting::Explicit => explicit_weights(rubric),
        Weighting::Equal => {
            let nd = rubric.dimensions.len() as f64;
            let mut indicator = vec![0.0; m];
            for d in &rubric.dimensions {
                for &i in &d.indicators {
                    indicator[i] = 1.0 / d.indicators.len() as f64;
                }
            }
            (vec![1.0 / nd; rubric.dimensions.len()], indicator)
        }
        Weighting::Entropy | Weighting::Critic => {
            split_global(rubric, &objective_weights(rubric, rubric.weighting, z, warnings)?)
        }
        Weighting::Ahp => ahp_weights(rubric),
        Weighting::Combined => {
            // Validation requires `[combine]` under "combined" and says so
            // at the rubric's line; a model without it is a bug, refused
            // rather than weighted some other way.
            let Some(c) = rubric.combined() else {
                return Err(Error::rubric(
                    "internal: weighting = \"combined\" without [combine] passed validation",
                ));
            };
            let (dim, ind) = match c.subjective {
                Subjective::Explicit => explicit_weights(rubric),
                Subjective::Ahp => ahp_weights(rubric),
            };
            let subjective = globals(rubric, &dim, &ind);
            let objective = objective_weights(rubric, c.objective, z, warnings)?;
            split_global(
                rubric,
                &methods::combine(&subjective, &objective, c.alpha, c.multiplicative),
            )
        }
    };
    let global = globals(rubric, &dimension, &indicator);
    Ok(Weights {
        method: rubric.weighting,
        dimension,
        indicator,
        global,
    })
}

fn explicit_weights(rubric: &Rubric) -> (Vec<f64>, Vec<f64>) {
    (
        rubric.dimensions.iter().map(|d| d.weight).collect(),
        rubric.indicators.iter().map(|i| i.weight).collect(),
    )
}

/// AHP weights where `[ahp]` gives a matrix, explicit weights elsewhere.
fn ahp_weights(rubric: &Rubric) -> (Vec<f64>, Vec<f64>) {
    let (mut dimension, mut indicator) = explicit_weights(rubric);
    if let Some(ahp) = &rubric.ahp {
        if let Some(m) = &ahp.dimensions {
            dimension.clone_from(&m.result.weights);
        }
        for (d, m) in &ahp.indicators {
            for (&i, w) in rubric.dimensions[*d].indicators.iter().zip(&m.result.weights) {
                indicator[i] = *w;
            }
        }
    }
    (dimension, indicator)
}

/// Global indicator weights: dimension weight × weight inside the dimension.
fn globals(rubric: &Rubric, dimension: &[f64], indicator: &[f64]) -> Vec<f64> {
    rubric
        .indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| dimension[ind.dimension] * indicator[i])
        .collect()
}

/// Entropy or CRITIC global weights from the normalized matrix.
fn objective_weights(rubric: &Rubric, method: Weighting, z: &ZColumns, warnings: &mut Vec<String>) -> Result<Vec<f64>> {
    if method == Weighting::Entropy {
        let mut d = Vec::with_capacity(z.divergence.len());
        for (j, divergence) in z.divergence.iter().enumerate() {
            d.push(divergence.ok_or_else(|| {
                Error::data(format!(
                    "the entropy method needs normalized values ≥ 0, but indicator `{}` has negative ones",
                    rubric.indicators[j].id
                ))
                .help("use goalpost or minmax normalization for it (zscore gives negative values)")
            })?);
        }
        return Ok(methods::entropy_from_divergences(d));
    }
    let (w, constant) = methods::critic_weights(&z.matrix);
    if !constant.is_empty() {
        warnings.push(format!(
            "CRITIC: constant normalized column(s) {}: their correlation is undefined and taken as 0",
            constant
                .iter()
                .map(|&j| rubric.indicators[j].name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(w)
}

/// From global indicator weights: dimension weight = the sum of its
/// indicators', indicator weight inside = global / that sum.
pub fn split_global(rubric: &Rubric, global: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut indicator = vec![0.0; global.len()];
    let dimension = rubric
        .dimensions
        .iter()
        .map(|d| {
            let sum: f64 = d.indicators.iter().map(|&i| global[i]).sum();
            for &i in &d.indicators {
                indicator[i] = if sum > 0.0 {
                    global[i] / sum
                } else {
                    1.0 / d.indicators.len() as f64
                };
            }
            sum
        })
        .collect();
    (dimension, indicator)
}

/// The global weights that applied to unit `u`: dimension weight × weight
/// inside the dimension, renormalized (as the aggregation does) over the
/// indicators and dimensions the unit has values for; `None` for missing ones.
pub fn effective_weights(scored: &Scored, u: usize) -> Vec<Option<f64>> {
    let r = scored.rubric;
    let w = &scored.weights;
    let z: Vec<Option<f64>> = (0..r.indicators.len()).map(|i| scored.z(i, u)).collect();
    let present = |i: usize| z[i].is_some();
    let complete = (0..r.indicators.len()).all(present);
    // Per dimension: the present indicators' weight sum and count (present
    // indicators whose weights are all 0 share the dimension equally, as
    // the aggregation does).
    let inside: Vec<(f64, usize)> = r
        .dimensions
        .iter()
        .map(|d| {
            let members = d.indicators.iter().filter(|&&i| present(i));
            (members.clone().map(|&i| w.indicator[i]).sum(), members.count())
        })
        .collect();
    let dims_total: f64 = (0..r.dimensions.len())
        .filter(|&d| inside[d].1 > 0)
        .map(|d| w.dimension[d])
        .sum();
    (0..r.indicators.len())
        .map(|i| {
            let d = r.indicators[i].dimension;
            let (sum, count) = inside[d];
            if !present(i) || dims_total <= 0.0 {
                None
            } else if complete {
                Some(w.global[i])
            } else if sum > 0.0 {
                Some(w.dimension[d] / dims_total * (w.indicator[i] / sum))
            } else {
                Some(w.dimension[d] / dims_total / count as f64)
            }
        })
        .collect()
}

/// Obstacle degree of each indicator for unit `u`, in percent:
/// O_j = w_j (1 − z_j) / Σ_k w_k (1 − z_k) × 100, with the weights that
/// applied to the unit ([`effective_weights`]); `None` for missing
/// indicators; all 0 for a perfect unit.
pub fn obstacles(scored: &Scored, u: usize) -> Vec<Option<f64>> {
    let gaps: Vec<Option<f64>> = effective_weights(scored, u)
        .iter()
        .enumerate()
        .map(|(i, w)| Some(w.as_ref()? * (1.0 - scored.z(i, u)?)))
        .collect();
    let total: f64 = gaps.iter().flatten().sum();
    gaps.iter()
        .map(|g| g.map(|g| if total > 0.0 { g / total * 100.0 } else { 0.0 }))
        .collect()
}
