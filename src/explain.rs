//! One unit, dimension by dimension and indicator by indicator (SPEC
//! "Explanations"): contributions, obstacle degrees and ranks.

use crate::engine::{self, Scored};
use crate::output::{Cell, Column, Kind, Sheet};

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
    let tolerance = 1e-9;
    let dimension_ranks = (0..r.dimensions.len())
        .map(|d| {
            let values: Vec<Option<f64>> = (0..scored.len()).map(|x| scored.dimension(x, d)).collect();
            engine::competition_ranks(&values, scored.table, tolerance)[u]
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
                    scored.table,
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

    /// `indicator, dimension, linkage, raw, normalized, weight, contribution,
    /// obstacle, rank` (and `treated` after `raw` when the rubric treats
    /// outliers); `human` uses the rubric's names instead of ids.
    pub fn sheet(&self, human: bool) -> Sheet {
        let r = self.scored.rubric;
        let zh = r.is_chinese();
        let t = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
        let treats = r.outliers != crate::rubric::Outliers::None;
        let mut columns = vec![
            Column::new("indicator", t("indicator", "指标"), Kind::Text),
            Column::new("dimension", t("dimension", "维度"), Kind::Text),
            Column::new("linkage", t("linkage", "衔接"), Kind::Text),
            Column::new("raw", t("raw", "原始值"), Kind::Raw),
        ];
        if treats {
            columns.push(Column::new("treated", t("treated", "处理后值"), Kind::Raw));
        }
        columns.extend([
            Column::new("normalized", t("normalized", "标准化值"), Kind::Score),
            Column::new("weight", t("weight", "权重"), Kind::Share),
            Column::new("contribution", t("contribution", "贡献"), Kind::Score),
            Column::new("obstacle", t("obstacle", "障碍度"), Kind::Percent),
            Column::new("rank", t("rank", "排名"), Kind::Int),
        ]);
        let num = |x: Option<f64>| x.map_or(Cell::Empty, Cell::Num);
        let rows = self
            .lines
            .iter()
            .map(|l| {
                let ind = &r.indicators[l.indicator];
                let dim = &r.dimensions[ind.dimension];
                let link = ind.linkage.map(|k| &r.linkages[k]);
                let name = |id: &str, name: &str| Cell::Text(if human { name.to_string() } else { id.to_string() });
                let mut row = vec![
                    name(&ind.id, &ind.name),
                    name(&dim.id, &dim.name),
                    link.map_or(Cell::Empty, |k| name(&k.id, &k.name)),
                    num(l.raw),
                ];
                if treats {
                    row.push(num(l.treated));
                }
                row.extend([
                    num(l.normalized),
                    num(l.weight),
                    num(l.contribution),
                    num(l.obstacle),
                    l.rank.map_or(Cell::Empty, Cell::Int),
                ]);
                row
            })
            .collect();
        Sheet { columns, rows }
    }

    /// The dimensions: name, value (× scale), rank.
    pub fn dimension_sheet(&self) -> Sheet {
        let r = self.scored.rubric;
        let zh = r.is_chinese();
        let t = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
        let columns = vec![
            Column {
                key: "dimension".into(),
                title: t("dimension", "维度"),
                kind: Kind::Text,
            },
            Column {
                key: "value".into(),
                title: t("value", "得分"),
                kind: Kind::Score,
            },
            Column {
                key: "rank".into(),
                title: t("rank", "排名"),
                kind: Kind::Int,
            },
        ];
        let (s, u) = (self.scored, self.unit);
        let rows = r
            .dimensions
            .iter()
            .enumerate()
            .map(|(d, dim)| {
                vec![
                    Cell::Text(dim.name.clone()),
                    s.dimension(u, d).map_or(Cell::Empty, |v| Cell::Num(v * r.scale)),
                    self.dimension_ranks[d].map_or(Cell::Empty, Cell::Int),
                ]
            })
            .collect();
        Sheet { columns, rows }
    }
}
