//! The explanation's layout (SPEC "Explanations"): the indicator and
//! dimension tables every format of `explain` is made from.

use crate::explain::Explanation;
use crate::output::{Cell, Column, Kind, Sheet};

/// `indicator, dimension, linkage, raw, normalized, weight, contribution,
/// obstacle, rank` (and `treated` after `raw` when the rubric treats
/// outliers); `human` uses the rubric's names instead of ids.
pub fn sheet(e: &Explanation, human: bool) -> Sheet {
    let r = e.scored.rubric;
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
    let rows = e
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
pub fn dimension_sheet(e: &Explanation) -> Sheet {
    let r = e.scored.rubric;
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
    let (s, u) = (e.scored, e.unit);
    let rows = r
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| {
            vec![
                Cell::Text(dim.name.clone()),
                s.dimension(u, d).map_or(Cell::Empty, |v| Cell::Num(v * r.scale)),
                e.dimension_ranks[d].map_or(Cell::Empty, Cell::Int),
            ]
        })
        .collect();
    Sheet { columns, rows }
}
