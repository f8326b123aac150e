//! The panel's outputs (SPEC "Panels"): the long ranking, ordered by
//! period then rank (the ranking's columns after `period`, declared once in
//! [`super::ranking`]), and the per-period summary people read.

use super::listing::{Field, Listing, Value};
use super::ranking::{self, Detail};
use super::{Kind, Sheet, View};
use crate::engine::Scored;
use crate::lang::Words;
use crate::panel::{Scoring, Summary};
use crate::rubric::Rubric;
use serde_json::json;

/// A row of the long output: its period's label, scored table and unit.
type Row<'a> = (&'a str, &'a Scored<'a>, usize);

/// How the periods were put on one scale, as the output names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleName {
    Pooled,
    PerPeriod,
    Frozen,
}

impl ScaleName {
    fn key(self) -> &'static str {
        match self {
            ScaleName::Pooled => "pooled",
            ScaleName::PerPeriod => "per_period",
            ScaleName::Frozen => "frozen",
        }
    }
}

/// `panel`'s result in every format.
pub struct PanelView<'a> {
    rubric: &'a Rubric,
    labels: Vec<&'a str>,
    scoring: &'a Scoring<'a>,
    /// The per-period summary, made when a format shows it (the long
    /// CSV does not).
    summaries: std::sync::OnceLock<Vec<Summary>>,
    detail: Detail,
    scale: ScaleName,
    warnings: Vec<String>,
    listing: Listing<'a, Row<'a>>,
}

/// The long rows: `period`, then the ranking's columns; ids for names
/// unless `human`.
fn long<'a>(
    rubric: &'a Rubric,
    labels: &[&'a str],
    scoring: &'a Scoring<'a>,
    detail: Detail,
    human: bool,
) -> Listing<'a, Row<'a>> {
    let rows: Vec<Row<'a>> = labels
        .iter()
        .zip(&scoring.periods)
        .flat_map(|(&label, scored)| scored.order.iter().map(move |&u| (label, scored, u)))
        .collect();
    let mut l = Listing::new(rubric.lang(), rows);
    let period = |(label, _, _): Row<'a>| Value::str(label);
    l.push(Field::new("period", Words::new("period", "时期"), Kind::Text, period));
    ranking::push_columns(&mut l, rubric, |(_, s, u): Row<'a>| (s, u), detail, human);
    l.order_json(ranking::PANEL_UNIT_KEYS);
    l
}

/// What a summary table too wide for the terminal leaves out (Field::fit:
/// 0 never, the highest first): the score's min and max, then the
/// dimensions' means; the period, units, mean and median always stay.
const MIN_MAX_FIT: u8 = 2;
const DIMENSION_MEANS_FIT: u8 = 1;

/// One figure of a period's summary.
type Figure = fn(&Summary) -> Option<f64>;

/// One row per period: units, the score's mean, median, min and max, and
/// each dimension's mean.
fn summary_listing<'s>(rubric: &'s Rubric, summaries: &'s [Summary]) -> Listing<'s, usize> {
    let mut l = Listing::new(rubric.lang(), (0..summaries.len()).collect::<Vec<_>>());
    let at = move |p: usize| summaries.get(p);
    l.push(Field::new(
        "period",
        Words::new("period", "时期"),
        Kind::Text,
        move |p| Value::text(at(p).map(|s| s.label.as_str())),
    ));
    l.push(Field::new(
        "units",
        Words::new("units", "单位数"),
        Kind::Int,
        move |p| Value::int(at(p).map(|s| s.units)),
    ));
    let figures: [(&str, Words, Figure); 4] = [
        ("mean", Words::new("mean", "均值"), |s| s.mean),
        ("median", Words::new("median", "中位数"), |s| s.median),
        ("min", Words::new("min", "最小值"), |s| s.min),
        ("max", Words::new("max", "最大值"), |s| s.max),
    ];
    for (key, title, get) in figures {
        let fit = if matches!(key, "min" | "max") { MIN_MAX_FIT } else { 0 };
        l.push(Field::new(key, title, Kind::Score, move |p| Value::num(at(p).and_then(get))).fit(fit));
    }
    for (d, dim) in rubric.dimensions.iter().enumerate() {
        let mean = move |p| Value::num(at(p).and_then(|s| s.dimensions.get(d).copied().flatten()));
        // Headed by the dimension's name alone: the text says they are means.
        l.push(Field::new(format!("{}_mean", dim.id), &dim.name, Kind::Score, mean).fit(DIMENSION_MEANS_FIT));
    }
    l
}

impl<'a> PanelView<'a> {
    pub fn new(
        rubric: &'a Rubric,
        labels: Vec<&'a str>,
        scoring: &'a Scoring<'a>,
        detail: Detail,
        scale: ScaleName,
        warnings: Vec<String>,
    ) -> PanelView<'a> {
        PanelView {
            rubric,
            listing: long(rubric, &labels, scoring, detail, false),
            labels,
            scoring,
            summaries: std::sync::OnceLock::new(),
            detail,
            scale,
            warnings,
        }
    }

    fn summaries(&self) -> &[Summary] {
        self.summaries
            .get_or_init(|| crate::panel::summaries(&self.labels, self.scoring))
    }

    fn summary_sheet(&self) -> Sheet {
        summary_listing(self.rubric, self.summaries()).sheet()
    }
}

impl<'a> View<'a> for PanelView<'a> {
    type Key = Row<'a>;

    fn listing(&self) -> &Listing<'a, Row<'a>> {
        &self.listing
    }

    /// The run (inputs, rubric, scale, warnings), the per-period summary
    /// and every unit-period.
    fn json(&self) -> serde_json::Value {
        let tables: Vec<&crate::input::Table> = self.scoring.periods.iter().map(|s| s.table).collect();
        let mut doc = super::json::header(&tables, self.rubric);
        doc.insert("scale".into(), json!(self.scale.key()));
        let periods = summary_listing(self.rubric, self.summaries()).json_objects();
        doc.insert("periods".into(), serde_json::Value::Array(periods));
        doc.insert("warnings".into(), json!(self.warnings));
        doc.insert("units".into(), serde_json::Value::Array(self.listing.json_objects()));
        serde_json::Value::Object(doc)
    }

    /// The per-period summary (the long rows are for scripts and workbooks).
    fn people(&self) -> Sheet {
        self.summary_sheet()
    }

    fn text(&self, layout: super::Layout) -> String {
        let lang = self.rubric.lang();
        let periods = self.summaries().len();
        let units: usize = self.summaries().iter().map(|s| s.units).sum();
        let scale = match (self.scale, lang.is_chinese()) {
            (ScaleName::Pooled, false) => "one pooled scale",
            (ScaleName::Pooled, true) => "统一（混合）标准",
            (ScaleName::PerPeriod, false) => "each period on its own scale",
            (ScaleName::PerPeriod, true) => "各期分别标准化",
            (ScaleName::Frozen, false) => "frozen parameters",
            (ScaleName::Frozen, true) => "冻结参数",
        };
        let head = if lang.is_chinese() {
            format!("{}：{periods} 期，{units} 个单位·期，{scale}\n", self.rubric.name)
        } else {
            format!(
                "{}: {periods} periods, {units} unit-periods, {scale}\n",
                self.rubric.name
            )
        };
        let mut out = head;
        out.push_str(&super::table::fitted(&self.summary_sheet(), layout));
        out.push('\n');
        out.push_str(lang.pick(
            "mean, median, min and max of the score; the dimensions' columns are their means\n",
            "均值、中位数、最小值、最大值均指总分；各维度列为该维度的均值\n",
        ));
        for w in &self.warnings {
            out.push_str(&format!("warning: {w}\n"));
        }
        out
    }

    /// The long sheet, the summary, a sheet per period, the weights (of a
    /// shared scale) and the rubric.
    fn workbook(&self) -> Vec<(String, Sheet)> {
        let r = self.rubric;
        let long = long(r, &self.labels, self.scoring, self.detail, true).sheet();
        let mut sheets = vec![
            ("panel".to_string(), long),
            ("summary".to_string(), self.summary_sheet()),
        ];
        for (label, scored) in self.labels.iter().zip(&self.scoring.periods) {
            let name = sheet_name(label, &sheets);
            sheets.push((name, ranking::people(scored, self.detail, None).sheet()));
        }
        if let (true, Some(first)) = (self.scoring.scales.is_shared(), self.scoring.periods.first()) {
            sheets.push(("weights".into(), super::weights::people(r, &first.weights).sheet()));
        }
        sheets.push(("rubric".into(), super::weights::rubric_listing(r).sheet()));
        sheets
    }
}

/// A worksheet name for a period: Excel's forbidden characters replaced
/// (an apostrophe too when it would start or end the name), at most 31
/// characters, unlike the sheets already named and the fixed ones (`weights`,
/// `rubric`, and the `columns` sheet every workbook gets) as Excel compares
/// names, ignoring case.
fn sheet_name(label: &str, taken: &[(String, Sheet)]) -> String {
    let mut clean: String = label
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    if clean.starts_with('\'') {
        clean.replace_range(..1, "_");
    }
    if clean.ends_with('\'') {
        clean.replace_range(clean.len() - 1.., "_");
    }
    let clean = if clean.trim().is_empty() {
        "period".to_string()
    } else {
        clean
    };
    let free = |name: &str| {
        let name = name.to_lowercase();
        !["columns", "weights", "rubric"].contains(&name.as_str())
            && !taken.iter().any(|(t, _)| t.to_lowercase() == name)
    };
    let mut name = clean.clone();
    let mut k = 2;
    while !free(&name) {
        name = format!("{clean}~{k}");
        k += 1;
    }
    name
}
