//! The explanation's layout (SPEC "Explanations"): the indicator and
//! dimension tables every format of `explain` is made from, and the text
//! around them.

use super::listing::{Field, Listing, Value};
use super::{Kind, Sheet, View};
use crate::error::echo;
use crate::explain::{Explanation, IndicatorLine};
use crate::lang::Words;
use crate::util::rounded;
use serde_json::{Map, json};
use std::fmt::Write as _;

/// `indicator, dimension, linkage, raw, normalized, weight, contribution,
/// obstacle, rank` (and `treated` after `raw` when the rubric treats
/// outliers); `human` uses the rubric's names instead of ids.
pub fn listing<'a>(e: &'a Explanation<'a>, human: bool) -> Listing<'a, &'a IndicatorLine> {
    let r = e.scored.rubric;
    let mut l = Listing::new(r.lang(), e.lines.iter().collect::<Vec<_>>());
    let name = move |id: &'a str, name: &'a str| Value::str(if human { name } else { id });
    let indicator = move |l: &IndicatorLine| r.indicators.get(l.indicator);
    l.push(Field::new(
        "indicator",
        Words::new("indicator", "指标"),
        Kind::Text,
        move |l| indicator(l).map_or(Value::Empty, |i| name(&i.id, &i.name)),
    ));
    l.push(Field::new(
        "dimension",
        Words::new("dimension", "维度"),
        Kind::Text,
        move |l| {
            let dim = indicator(l).and_then(|i| r.dimensions.get(i.dimension));
            dim.map_or(Value::Empty, |d| name(&d.id, &d.name))
        },
    ));
    l.push(Field::new(
        "linkage",
        Words::new("linkage", "衔接"),
        Kind::Text,
        move |l| {
            let link = indicator(l).and_then(|i| i.linkage).and_then(|k| r.linkages.get(k));
            link.map_or(Value::Empty, |k| name(&k.id, &k.name))
        },
    ));
    l.push(Field::new(
        "raw",
        Words::new("raw", "原始值"),
        Kind::Raw,
        |l: &IndicatorLine| Value::num(l.raw),
    ));
    if r.outliers != crate::rubric::Outliers::None {
        let treated = |l: &IndicatorLine| Value::num(l.treated);
        l.push(Field::new(
            "treated",
            Words::new("treated", "处理后值"),
            Kind::Raw,
            treated,
        ));
    }
    let normalized = |l: &IndicatorLine| Value::num(l.normalized);
    l.push(Field::new(
        "normalized",
        Words::new("normalized", "标准化值"),
        Kind::Score,
        normalized,
    ));
    l.push(Field::new(
        "weight",
        Words::new("weight", "权重"),
        Kind::Share,
        |l: &IndicatorLine| Value::num(l.weight),
    ));
    let contribution = |l: &IndicatorLine| Value::num(l.contribution);
    l.push(Field::new(
        "contribution",
        Words::new("contribution", "贡献"),
        Kind::Score,
        contribution,
    ));
    let obstacle = |l: &IndicatorLine| Value::num(l.obstacle);
    l.push(Field::new(
        "obstacle",
        Words::new("obstacle", "障碍度"),
        Kind::Percent,
        obstacle,
    ));
    l.push(Field::new(
        "rank",
        Words::new("rank", "排名"),
        Kind::Int,
        |l: &IndicatorLine| Value::int(l.rank),
    ));
    l
}

/// The dimensions: name, value (× scale), rank.
pub fn dimension_listing<'a>(e: &'a Explanation<'a>) -> Listing<'a, usize> {
    let r = e.scored.rubric;
    let (s, u) = (e.scored, e.unit);
    let mut l = Listing::new(r.lang(), (0..r.dimensions.len()).collect::<Vec<_>>());
    l.push(Field::new(
        "dimension",
        Words::new("dimension", "维度"),
        Kind::Text,
        move |d: usize| Value::text(r.dimensions.get(d).map(|dim| dim.name.as_str())),
    ));
    l.push(Field::new(
        "value",
        Words::new("value", "得分"),
        Kind::Score,
        move |d| Value::num(s.dimension(u, d).map(|v| v * r.scale)),
    ));
    l.push(Field::new("rank", Words::new("rank", "排名"), Kind::Int, move |d| {
        Value::int(e.dimension_ranks.get(d).copied().flatten())
    }));
    l
}

/// `explain`'s result in every format: ids for machines, names for people.
pub struct ExplainView<'a> {
    e: &'a Explanation<'a>,
    listing: Listing<'a, &'a IndicatorLine>,
}

impl<'a> ExplainView<'a> {
    pub fn new(e: &'a Explanation<'a>) -> ExplainView<'a> {
        ExplainView {
            e,
            listing: listing(e, false),
        }
    }
}

impl<'a> View<'a> for ExplainView<'a> {
    type Key = &'a IndicatorLine;

    fn listing(&self) -> &Listing<'a, &'a IndicatorLine> {
        &self.listing
    }

    fn people(&self) -> Sheet {
        listing(self.e, true).sheet()
    }

    fn json(&self) -> serde_json::Value {
        let e = self.e;
        let s = e.scored;
        let r = s.rubric;
        let u = e.unit;
        let dims: Vec<serde_json::Value> = r
            .dimensions
            .iter()
            .enumerate()
            .map(|(d, dim)| {
                json!({ "id": dim.id, "name": dim.name, "value": s.dimension(u, d).map(|v| v * r.scale), "rank": e.dimension_ranks[d] })
            })
            .collect();
        let mut doc: Map<String, serde_json::Value> = super::json::version();
        doc.insert(
            "unit".into(),
            json!({
                "id": s.table.id(u), "label": s.table.label(u), "group": s.table.group(u),
                "score": s.score(u).map(|v| v * r.scale), "rank": s.rank(u), "group_rank": s.group_rank(u),
                "grade": s.grade(u).map(|g| r.grades[g].name.clone()), "of": s.len(),
            }),
        );
        doc.insert("dimensions".into(), serde_json::Value::Array(dims));
        doc.insert(
            "indicators".into(),
            serde_json::Value::Array(self.listing.json_objects()),
        );
        let obstacles: Vec<&str> = e
            .top_obstacles()
            .iter()
            .map(|l| r.indicators[l.indicator].id.as_str())
            .collect();
        doc.insert("largest_obstacles".into(), json!(obstacles));
        serde_json::Value::Object(doc)
    }

    /// The unit's facts, its dimensions, its indicators, its largest
    /// obstacles, and the run's warnings.
    fn text(&self, layout: super::Layout) -> String {
        let e = self.e;
        let s = e.scored;
        let r = s.rubric;
        let lang = r.lang();
        let u = e.unit;
        let mut out = String::new();
        // Data text on a terminal: control characters escaped.
        let label = s.table.label(u).map_or(String::new(), |l| format!(" {}", echo(l)));
        let group = s.table.group(u).map_or(String::new(), |g| format!(" ({})", echo(g)));
        let _ = writeln!(out, "{}{label}{group}", echo(s.table.id(u)));
        let score = s.score(u).map_or("—".into(), |v| rounded(v * r.scale, 2));
        let rank = s.rank(u).map_or("—".into(), |v| v.to_string());
        let mut facts = vec![
            format!("{} {score}", lang.pick("score", "总分")),
            format!("{} {rank} / {}", lang.pick("rank", "排名"), s.len()),
        ];
        if let Some(g) = s.group_rank(u) {
            facts.push(format!("{} {g}", lang.pick("group rank", "组内排名")));
        }
        if let Some(g) = s.grade(u) {
            facts.push(format!("{} {}", lang.pick("grade", "等级"), r.grades[g].name));
        }
        let _ = writeln!(out, "{}", facts.join(" · "));
        let _ = writeln!(out, "{}", super::table::fitted(&dimension_listing(e).sheet(), layout));
        let _ = writeln!(out, "{}", super::table::fitted(&self.people(), layout));
        let _ = writeln!(out, "{}", formation_line(e));
        let _ = writeln!(out, "{}", obstacle_line(e));
        for w in &s.warnings {
            let _ = writeln!(out, "warning: {w}");
        }
        out
    }

    fn workbook(&self) -> Vec<(String, Sheet)> {
        vec![
            ("explain".into(), self.people()),
            ("dimensions".into(), dimension_listing(self.e).sheet()),
        ]
    }
}

/// How the score is formed, and whether the contributions add up to it
/// (SPEC "Explanations": they do when both levels are arithmetic): a
/// geometric level or TOPSIS is named, with the sum beside the score.
fn formation_line(e: &Explanation) -> String {
    use crate::lang::Lang;
    use crate::rubric::{Aggregate, Method};
    let s = e.scored;
    let r = s.rubric;
    let lang = r.lang();
    let score = s.score(e.unit).map(|v| v * r.scale);
    let sum: f64 = e.lines.iter().filter_map(|l| l.contribution).sum();
    let (sum_text, score_text) = (rounded(sum, 2), score.map_or("—".into(), |v| rounded(v, 2)));
    let adds_up = score.is_none() || sum_text == score_text;
    let title = lang.pick("how the score is formed: ", "总分的构成：");
    if r.method == Method::Topsis {
        return match lang {
            Lang::En => format!(
                "{title}TOPSIS closeness to the ideal, scale × D⁻ / (D⁺ + D⁻), from the distances of the weighted normalized values to the ideal and the anti-ideal; the contributions (sum {sum_text}) show each indicator's weighted value and do not add up to the score {score_text}"
            ),
            Lang::Zh => format!(
                "{title}TOPSIS 贴近度，满分 × D⁻ / (D⁺ + D⁻)，由加权标准化值到正、负理想解的距离算出；贡献（合计 {sum_text}）是各指标的加权值，相加不等于总分 {score_text}"
            ),
        };
    }
    let geometric: Vec<&str> = r
        .dimensions
        .iter()
        .filter(|d| d.aggregate == Aggregate::Geometric)
        .map(|d| d.name.as_str())
        .collect();
    let top_geometric = r.aggregate == Aggregate::Geometric;
    if geometric.is_empty() && !top_geometric {
        return format!(
            "{title}{}",
            lang.pick(
                "weighted arithmetic means, of the indicators in each dimension and of the dimensions; the contributions add up to the score",
                "各维度为其指标的加权算术平均，总分为各维度的加权算术平均；各指标贡献之和即为总分"
            )
        );
    }
    let all = geometric.len() == r.dimensions.len();
    let (top, dims, why) = match lang {
        Lang::En => (
            format!(
                "the score is the weighted {} mean of the dimensions",
                if top_geometric { "geometric" } else { "arithmetic" }
            ),
            match (geometric.is_empty(), all) {
                (true, _) => "each dimension is the weighted arithmetic mean of its indicators".to_string(),
                (false, true) => "each dimension is the weighted geometric mean of its indicators".to_string(),
                (false, false) => format!(
                    "{} {} the weighted geometric mean of its indicators, the other dimensions the arithmetic mean",
                    geometric.join(", "),
                    if geometric.len() == 1 { "is" } else { "are each" }
                ),
            },
            format!(
                ". The contributions add up to {sum_text}, not to the score {score_text}: a geometric mean multiplies its parts (one at 0 makes it 0) instead of adding them"
            ),
        ),
        Lang::Zh => (
            format!("总分为各维度的加权{}平均", if top_geometric { "几何" } else { "算术" }),
            match (geometric.is_empty(), all) {
                (true, _) => "各维度为其指标的加权算术平均".to_string(),
                (false, true) => "各维度为其指标的加权几何平均".to_string(),
                (false, false) => format!("{}为其指标的加权几何平均，其余维度为加权算术平均", geometric.join("、")),
            },
            format!(
                "。各指标贡献合计 {sum_text}，不等于总分 {score_text}：几何平均是各部分相乘（一项为 0 则为 0），不是相加"
            ),
        ),
    };
    let sep = lang.pick("; ", "；");
    format!("{title}{top}{sep}{dims}{}", if adds_up { "" } else { &why })
}

/// "主要障碍因子：A 23.1%，…", by the indicators' names.
fn obstacle_line(e: &Explanation) -> String {
    let r = e.scored.rubric;
    let lang = r.lang();
    let list: Vec<String> = e
        .top_obstacles()
        .iter()
        .map(|l| {
            format!(
                "{} {}%",
                r.indicators[l.indicator].name,
                rounded(l.obstacle.unwrap_or(0.0), 2)
            )
        })
        .collect();
    let title = lang.pick("largest obstacles: ", "主要障碍因子：");
    if list.is_empty() {
        let none = lang.pick("none (every indicator at its best)", "无（各指标均已达到目标值）");
        format!("{title}{none}")
    } else {
        format!("{title}{}", list.join(lang.pick(", ", "，")))
    }
}
