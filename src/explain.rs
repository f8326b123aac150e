//! One unit, dimension by dimension and indicator by indicator (SPEC
//! "Explanations"): contributions, obstacle degrees and ranks.

use crate::engine::{self, Scored};

/// One indicator of the explained unit.
#[derive(Debug, Clone)]
pub struct IndicatorLine {
    /// Index into the rubric's indicators.
    pub indicator: usize,
    /// The value in the data (`None` when the cell was missing).
    pub raw: Option<f64>,
    /// The value after transform and outlier treatment, when the treatment
    /// changed it (a clamped cell, any cell of a log-transformed column).
    pub treated: Option<f64>,
    /// z × scale.
    pub normalized: Option<f64>,
    /// Global weight w_j = dimension weight × weight inside the dimension,
    /// as it applied to this unit (renormalized over the indicators it has;
    /// `None` for a missing one).
    pub weight: Option<f64>,
    /// scale × w_j × z_j.
    pub contribution: Option<f64>,
    /// Obstacle degree in percent.
    pub obstacle: Option<f64>,
    /// The unit's competition rank on this indicator's z among all units.
    pub rank: Option<usize>,
}

/// The explanation of one unit.
pub struct Explanation<'a> {
    pub scored: &'a Scored<'a>,
    pub unit: usize,
    /// The unit's rank on each dimension.
    pub dimension_ranks: Vec<Option<usize>>,
    /// Largest obstacle first; indicators without a value last, in rubric order.
    pub lines: Vec<IndicatorLine>,
}

/// Explains unit `u` of a scored table.
pub fn explain<'a>(scored: &'a Scored<'a>, u: usize) -> Explanation<'a> {
    let r = scored.rubric;
    let tolerance = engine::RANK_TOLERANCE;
    let dimension_ranks = (0..r.dimensions.len())
        .map(|d| {
            let values: Vec<Option<f64>> = (0..scored.len()).map(|x| scored.dimension(x, d)).collect();
            engine::competition_ranks(&values, tolerance)[u]
        })
        .collect();
    let obstacles = engine::obstacles(scored, u);
    let weights = engine::effective_weights(scored, u);
    let mut lines: Vec<IndicatorLine> = (0..r.indicators.len())
        .map(|i| {
            let z = scored.z(i, u);
            let w = weights[i];
            IndicatorLine {
                indicator: i,
                raw: scored.table.value(i, u),
                treated: scored.treated(i, u).map(|(_, after)| after),
                normalized: z.map(|z| z * r.scale),
                weight: w,
                contribution: z.zip(w).map(|(z, w)| r.scale * w * z),
                obstacle: obstacles[i],
                rank: engine::competition_ranks(
                    &(0..scored.len()).map(|x| scored.z(i, x)).collect::<Vec<_>>(),
                    tolerance,
                )[u],
            }
        })
        .collect();
    lines.sort_by(|a, b| match (a.obstacle, b.obstacle) {
        (Some(x), Some(y)) => y.total_cmp(&x).then(a.indicator.cmp(&b.indicator)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.indicator.cmp(&b.indicator),
    });
    Explanation {
        scored,
        unit: u,
        dimension_ranks,
        lines,
    }
}

impl Explanation<'_> {
    /// The (up to) three indicators with the largest positive obstacle degree.
    pub fn top_obstacles(&self) -> Vec<&IndicatorLine> {
        self.lines
            .iter()
            .filter(|l| l.obstacle.is_some_and(|o| o > 0.0))
            .take(3)
            .collect()
    }
}
