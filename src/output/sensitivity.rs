//! The sensitivity analysis's layout (SPEC "Robustness"): its columns and
//! rows, from which every format is made, and its lines for people.

use super::listing::{Field, Listing, Value};
use super::{Kind, Sheet, View};
use crate::engine::Scored;
use crate::lang::Words;
use crate::rubric::Rubric;
use crate::sensitivity::{Robustness, Settings};

/// `id, label?, rank, rank_median, rank_p05, rank_p95, rank_spread`, in
/// nominal rank order (units without a score last), the first `top` rows.
pub fn listing<'a>(robustness: &'a Robustness, scored: &'a Scored<'a>, top: Option<usize>) -> Listing<'a, usize> {
    let (rubric, table, order) = (scored.rubric, scored.table, &scored.order);
    let shown = top.map_or(order.len(), |n| n.min(order.len()));
    let mut l = Listing::new(rubric.lang(), order.get(..shown).unwrap_or_default());
    l.push(Field::new("id", &rubric.id_column, Kind::Text, move |u| {
        Value::str(table.id(u))
    }));
    if let Some(label) = &rubric.label_column {
        l.push(Field::new("label", label, Kind::Text, move |u| {
            Value::str(table.label(u).unwrap_or_default())
        }));
    }
    let int = |v: Option<u32>| Value::int(v.map(|v| v as usize));
    let interval = move |u: usize| robustness.intervals.get(u).copied().flatten();
    l.push(Field::new("rank", Words::new("rank", "排名"), Kind::Int, move |u| {
        int(robustness.nominal.get(u).copied().flatten())
    }));
    let median = move |u| int(interval(u).map(|i| i.median));
    l.push(Field::new(
        "rank_median",
        Words::new("median", "排名中位数"),
        Kind::Int,
        median,
    ));
    let p05 = move |u| int(interval(u).map(|i| i.p05));
    l.push(Field::new("rank_p05", Words::new("p5", "排名P5"), Kind::Int, p05));
    let p95 = move |u| int(interval(u).map(|i| i.p95));
    l.push(Field::new("rank_p95", Words::new("p95", "排名P95"), Kind::Int, p95));
    let spread = move |u| int(interval(u).map(|i| i.spread()));
    l.push(Field::new(
        "rank_spread",
        Words::new("spread", "区间宽度"),
        Kind::Int,
        spread,
    ));
    l
}

/// `sensitivity`'s result in every format.
pub struct SensitivityView<'a> {
    robustness: &'a Robustness,
    scored: &'a Scored<'a>,
    /// `--within`: the places a rank interval is judged against.
    within: u32,
    listing: Listing<'a, usize>,
}

impl<'a> SensitivityView<'a> {
    pub fn new(
        robustness: &'a Robustness,
        scored: &'a Scored<'a>,
        top: Option<usize>,
        within: u32,
    ) -> SensitivityView<'a> {
        SensitivityView {
            robustness,
            scored,
            within,
            listing: listing(robustness, scored, top),
        }
    }
}

impl<'a> View<'a> for SensitivityView<'a> {
    type Key = usize;

    fn listing(&self) -> &Listing<'a, usize> {
        &self.listing
    }

    fn json(&self) -> serde_json::Value {
        let s = &self.robustness.settings;
        let within = self.within;
        let (ranked, inside) = self.robustness.within(within);
        let share = if ranked > 0 { inside as f64 / ranked as f64 } else { 0.0 };
        let mut doc = super::json::header(&[self.scored.table], self.scored.rubric);
        doc.insert(
            "settings".into(),
            serde_json::json!({
                "runs": s.runs,
                "seed": s.seed,
                "weights": s.weights,
                "normalize": s.normalize.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
                "aggregate": s.aggregate.iter().map(|&a| crate::sensitivity::aggregate_name(a)).collect::<Vec<_>>(),
            }),
        );
        doc.insert(
            "summary".into(),
            serde_json::json!({
                "mean_abs_rank_shift": self.robustness.mean_shift,
                "within": { "places": within, "units": inside, "of": ranked, "share": share },
            }),
        );
        doc.insert("units".into(), serde_json::Value::Array(self.listing.json_objects()));
        serde_json::Value::Object(doc)
    }

    /// What was varied, the table, the summary and the run's warnings.
    fn text(&self, layout: super::Layout) -> String {
        let rubric = self.scored.rubric;
        let n = self.scored.table.len();
        let units = rubric.lang().pick(format!("{n} units, "), format!("{n} 个单位，"));
        let settings = settings_text(&self.robustness.settings, rubric);
        let mut out = format!("{}: {units}{settings}\n", rubric.name);
        out.push_str(&super::table::fitted(&self.listing.sheet(), layout));
        out.push('\n');
        out.push_str(&summary_text(self.robustness, rubric, self.within));
        for w in &self.scored.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        out
    }

    fn workbook(&self) -> Vec<(String, Sheet)> {
        vec![("sensitivity".into(), self.listing.sheet())]
    }
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
    if rubric.lang().is_chinese() {
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
    let lang = rubric.lang();
    // The alternatives in the rubric's language (the English words are the
    // flags' own values).
    let list = |names: Vec<crate::lang::Words>| {
        if names.is_empty() {
            lang.pick("as in the rubric", "同评价体系").to_string()
        } else {
            let names: Vec<&str> = names.iter().map(|n| n.get(lang)).collect();
            names.join(lang.pick(", ", "、"))
        }
    };
    let norms = list(settings.normalize.iter().map(|n| n.words()).collect());
    let aggs = list(settings.aggregate.iter().map(|a| a.words()).collect());
    let w = crate::util::lossless(settings.weights);
    if lang.is_chinese() {
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
