//! The sensitivity analysis's layout (SPEC "Robustness"): its columns and
//! rows, from which every format is made, and its lines for people.

use crate::input::Table;
use crate::output::{Cell, Column, Kind, Sheet};
use crate::rubric::Rubric;
use crate::sensitivity::{Robustness, Settings};

/// `id, label?, rank, rank_median, rank_p05, rank_p95, rank_spread`, in
/// nominal rank order (units without a score last), the first `top` rows.
pub fn sheet(robustness: &Robustness, rubric: &Rubric, table: &Table, order: &[usize], top: Option<usize>) -> Sheet {
    let zh = rubric.is_chinese();
    let t = |en: &str, cn: &str| if zh { cn.to_string() } else { en.to_string() };
    let mut columns = vec![Column::new("id", rubric.id_column.clone(), Kind::Text)];
    if let Some(label) = &rubric.label_column {
        columns.push(Column::new("label", label.clone(), Kind::Text));
    }
    columns.extend([
        Column::new("rank", t("rank", "排名"), Kind::Int),
        Column::new("rank_median", t("median", "排名中位数"), Kind::Int),
        Column::new("rank_p05", t("p5", "排名P5"), Kind::Int),
        Column::new("rank_p95", t("p95", "排名P95"), Kind::Int),
        Column::new("rank_spread", t("spread", "区间宽度"), Kind::Int),
    ]);
    let shown = top.map_or(order.len(), |n| n.min(order.len()));
    let rows = order
        .iter()
        .take(shown)
        .map(|&u| {
            let int = |v: Option<u32>| v.map_or(Cell::Empty, |v| Cell::Int(v as usize));
            let interval = robustness.intervals.get(u).copied().flatten();
            let mut row = vec![Cell::Text(table.id(u).to_string())];
            if rubric.label_column.is_some() {
                row.push(Cell::Text(table.label(u).unwrap_or_default().to_string()));
            }
            row.extend([
                int(robustness.nominal.get(u).copied().flatten()),
                int(interval.map(|i| i.median)),
                int(interval.map(|i| i.p05)),
                int(interval.map(|i| i.p95)),
                int(interval.map(|i| i.spread())),
            ]);
            row
        })
        .collect();
    Sheet { columns, rows }
}

/// The summary a person reads under the table.
pub fn summary_text(robustness: &Robustness, rubric: &Rubric, within: u32) -> String {
    let (ranked, inside) = robustness.within(within);
    let share = if ranked > 0 {
        inside as f64 / ranked as f64 * 100.0
    } else {
        0.0
    };
    let shift = crate::util::rounded(robustness.mean_shift, 2);
    let share = crate::util::rounded(share, 1);
    if rubric.is_chinese() {
        format!(
            "平均名次变动（各单位各次模拟与名义排名之差的绝对值的平均）：{shift} 位\n排名区间（5%–95%）在名义排名 ±{within} 位以内的单位：{inside} / {ranked}（{share}%）\n"
        )
    } else {
        format!(
            "mean absolute rank shift (over units and runs, from the nominal rank): {shift} places\nunits whose rank interval (5th–95th percentile) is within ±{within} places of the nominal rank: {inside} of {ranked} ({share}%)\n"
        )
    }
}

/// What was varied, in one line.
pub fn settings_text(settings: &Settings, rubric: &Rubric) -> String {
    let list = |names: Vec<&str>, own: &str| {
        if names.is_empty() {
            own.to_string()
        } else {
            names.join(", ")
        }
    };
    let norms = list(
        settings.normalize.iter().map(|n| n.as_str()).collect(),
        "as in the rubric",
    );
    let aggs = list(
        settings
            .aggregate
            .iter()
            .map(|&a| crate::sensitivity::aggregate_name(a))
            .collect(),
        "as in the rubric",
    );
    let w = crate::util::lossless(settings.weights);
    if rubric.is_chinese() {
        let norms = norms.replace("as in the rubric", "同评价体系");
        let aggs = aggs.replace("as in the rubric", "同评价体系");
        format!(
            "{} 次模拟（种子 {}）：权重 × U[1−{w}, 1+{w}]；标准化：{norms}；综合方法：{aggs}",
            settings.runs, settings.seed
        )
    } else {
        format!(
            "{} runs (seed {}): weights × U[1−{w}, 1+{w}]; normalization: {norms}; aggregation: {aggs}",
            settings.runs, settings.seed
        )
    }
}
