//! The weights in use and the rubric's indicators (SPEC "Weights"): the
//! `weights` command's result and the sheets every workbook ends with.

use super::listing::{Field, Listing, Value};
use super::{Kind, Sheet, View};
use crate::engine::Weights;
use crate::lang::Words;
use crate::rubric::{Direction, Rubric, Subjective};

/// A row of the weights: a dimension or an indicator.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Dimension(usize),
    Indicator(usize),
}

/// `level, id, parent, weight, global_weight`: dimensions, then indicators.
pub fn listing<'a>(rubric: &'a Rubric, w: &'a Weights) -> Listing<'a, Part> {
    columns(rubric, w, false)
}

/// The weights as people read them (table, markdown, workbook): the level
/// in the rubric's language, a name beside each id, the parent by its name.
pub fn people<'a>(rubric: &'a Rubric, w: &'a Weights) -> Listing<'a, Part> {
    columns(rubric, w, true)
}

fn columns<'a>(rubric: &'a Rubric, w: &'a Weights, human: bool) -> Listing<'a, Part> {
    let rows: Vec<Part> = (0..rubric.dimensions.len())
        .map(Part::Dimension)
        .chain((0..rubric.indicators.len()).map(Part::Indicator))
        .collect();
    let lang = rubric.lang();
    let mut l = Listing::new(lang, rows);
    let level = move |p| {
        Value::str(match (p, human) {
            (Part::Dimension(_), false) => "dimension",
            (Part::Indicator(_), false) => "indicator",
            (Part::Dimension(_), true) => lang.pick("dimension", "维度"),
            (Part::Indicator(_), true) => lang.pick("indicator", "指标"),
        })
    };
    let id = move |p| match p {
        Part::Dimension(d) => Value::text(rubric.dimensions.get(d).map(|d| d.id.as_str())),
        Part::Indicator(i) => Value::text(rubric.indicators.get(i).map(|i| i.id.as_str())),
    };
    let name = move |p| match p {
        Part::Dimension(d) => Value::text(rubric.dimensions.get(d).map(|d| d.name.as_str())),
        Part::Indicator(i) => Value::text(rubric.indicators.get(i).map(|i| i.name.as_str())),
    };
    let parent = move |p| match p {
        Part::Dimension(_) => Value::Empty,
        Part::Indicator(i) => {
            let dimension = rubric
                .indicators
                .get(i)
                .and_then(|i| rubric.dimensions.get(i.dimension));
            Value::text(dimension.map(|d| if human { d.name.as_str() } else { d.id.as_str() }))
        }
    };
    let weight = move |p| match p {
        Part::Dimension(d) => Value::num(w.dimension.get(d).copied()),
        Part::Indicator(i) => Value::num(w.indicator.get(i).copied()),
    };
    let global = move |p| match p {
        Part::Dimension(d) => Value::num(w.dimension.get(d).copied()),
        Part::Indicator(i) => Value::num(w.global.get(i).copied()),
    };
    l.push(Field::new("level", Words::new("level", "层级"), Kind::Text, level));
    l.push(Field::new("id", "id", Kind::Text, id));
    // The name is for people; SPEC's CSV has none.
    if human {
        l.push(Field::new("name", Words::new("name", "名称"), Kind::Text, name));
    }
    l.push(Field::new(
        "parent",
        Words::new("parent", "所属维度"),
        Kind::Text,
        parent,
    ));
    l.push(Field::new("weight", Words::new("weight", "权重"), Kind::Index, weight));
    let global_title = Words::new("global weight", "全局权重");
    l.push(Field::new("global_weight", global_title, Kind::Index, global));
    l
}

/// The rubric's indicators as a table (the `rubric` sheet of a workbook).
pub fn rubric_listing(rubric: &Rubric) -> Listing<'_, usize> {
    let mut l = Listing::new(rubric.lang(), (0..rubric.indicators.len()).collect::<Vec<_>>());
    let ind = move |i: usize| rubric.indicators.get(i);
    let text = move |get: fn(&crate::rubric::Indicator) -> &str| move |i| Value::text(ind(i).map(get));
    l.push(Field::new("id", Words::new("id", "标识"), Kind::Text, text(|i| &i.id)));
    l.push(Field::new(
        "column",
        Words::new("column", "列名"),
        Kind::Text,
        text(|i| &i.column),
    ));
    l.push(Field::new(
        "name",
        Words::new("name", "名称"),
        Kind::Text,
        text(|i| &i.name),
    ));
    l.push(Field::new(
        "unit",
        Words::new("unit", "单位"),
        Kind::Text,
        text(|i| &i.unit),
    ));
    let dimension = move |i| {
        Value::text(
            ind(i)
                .and_then(|i| rubric.dimensions.get(i.dimension))
                .map(|d| d.id.as_str()),
        )
    };
    l.push(Field::new(
        "dimension",
        Words::new("dimension", "维度"),
        Kind::Text,
        dimension,
    ));
    let linkage = move |i| {
        let link = ind(i).and_then(|i| i.linkage).and_then(|k| rubric.linkages.get(k));
        Value::text(link.map(|k| k.id.as_str()))
    };
    l.push(Field::new(
        "linkage",
        Words::new("linkage", "衔接"),
        Kind::Text,
        linkage,
    ));
    l.push(Field::new(
        "weight",
        Words::new("weight", "权重"),
        Kind::Raw,
        move |i| Value::num(ind(i).map(|i| i.raw_weight)),
    ));
    let direction = move |i| {
        Value::text(ind(i).map(|i| {
            if i.direction == Direction::Lower {
                "lower"
            } else {
                "higher"
            }
        }))
    };
    l.push(Field::new(
        "direction",
        Words::new("direction", "方向"),
        Kind::Text,
        direction,
    ));
    l.push(Field::new(
        "transform",
        Words::new("transform", "变换"),
        Kind::Text,
        text(|i| i.transform.as_str()),
    ));
    l.push(Field::new(
        "normalize",
        Words::new("normalize", "标准化"),
        Kind::Text,
        text(|i| i.normalize.as_str()),
    ));
    let goalpost =
        move |i: usize, high: bool| Value::num(ind(i).and_then(|i| i.goalposts).map(|g| if high { g.1 } else { g.0 }));
    l.push(Field::new(
        "goalpost_low",
        Words::new("goalpost_low", "目标下限"),
        Kind::Raw,
        move |i| goalpost(i, false),
    ));
    l.push(Field::new(
        "goalpost_high",
        Words::new("goalpost_high", "目标上限"),
        Kind::Raw,
        move |i| goalpost(i, true),
    ));
    l.push(Field::new("note", Words::new("note", "说明"), Kind::Text, move |i| {
        Value::text(ind(i).and_then(|i| i.note.as_deref()))
    }));
    l
}

/// `weights`' result in every format.
pub struct WeightsView<'a> {
    rubric: &'a Rubric,
    weights: &'a Weights,
    listing: Listing<'a, Part>,
    people: Listing<'a, Part>,
}

impl<'a> WeightsView<'a> {
    pub fn new(rubric: &'a Rubric, weights: &'a Weights) -> WeightsView<'a> {
        WeightsView {
            rubric,
            weights,
            listing: listing(rubric, weights),
            people: people(rubric, weights),
        }
    }
}

impl<'a> View<'a> for WeightsView<'a> {
    type Key = Part;

    fn listing(&self) -> &Listing<'a, Part> {
        &self.listing
    }

    fn people(&self) -> Sheet {
        self.people.sheet()
    }

    fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "method": self.weights.method.as_str(),
            "weights": self.listing.json_objects(),
        })
    }

    /// The method (and how `combined` combines), the AHP consistency of
    /// each matrix in use, then the table, in the rubric's language.
    fn text(&self, layout: super::Layout) -> String {
        let rubric = self.rubric;
        let lang = rubric.lang();
        let method = self.weights.method.words();
        let mut out = format!("{}{}\n", lang.pick("weighting: ", "赋权方法："), method.get(lang));
        if let Some(c) = rubric.combined() {
            let subjective = if c.subjective == Subjective::Ahp {
                crate::rubric::Weighting::Ahp
            } else {
                crate::rubric::Weighting::Explicit
            };
            let (subjective, objective) = (subjective.words(), c.objective.words());
            let rule = if c.multiplicative {
                Words::new("multiplicative", "乘法")
            } else {
                Words::new("linear", "线性")
            };
            let line = match lang {
                crate::lang::Lang::En => format!(
                    "combined ({} rule, alpha = {}): {} and {}",
                    rule.en, c.alpha, subjective.en, objective.en
                ),
                crate::lang::Lang::Zh => format!(
                    "组合赋权（{}组合，α = {}）：{}与{}",
                    rule.zh, c.alpha, subjective.zh, objective.zh
                ),
            };
            out.push_str(&line);
            out.push('\n');
        }
        for line in ahp_lines(rubric) {
            out.push_str(&line);
            out.push('\n');
        }
        out.push_str(&super::table::fitted(&self.people(), layout));
        out.push('\n');
        out
    }

    fn workbook(&self) -> Vec<(String, Sheet)> {
        vec![
            ("weights".into(), self.people()),
            ("rubric".into(), rubric_listing(self.rubric).sheet()),
        ]
    }
}

/// One line per AHP matrix in use: λmax, CI and CR.
fn ahp_lines(rubric: &Rubric) -> Vec<String> {
    let Some(ahp) = rubric.ahp.as_ref().filter(|_| rubric.uses_ahp()) else {
        return Vec::new();
    };
    let lang = rubric.lang();
    let line = |what: String, m: &crate::rubric::AhpMatrix| {
        format!(
            "AHP {what}{}n = {}, λmax = {:.4}, CI = {:.4}, CR = {:.4}",
            lang.pick(": ", "："),
            m.items.len(),
            m.result.lambda_max,
            m.result.ci,
            m.result.cr
        )
    };
    let mut lines = Vec::new();
    if let Some(m) = &ahp.dimensions {
        lines.push(line(lang.pick("dimensions", "维度").into(), m));
    }
    for (d, m) in &ahp.indicators {
        let dim = rubric.dimensions.get(*d);
        let what = match lang {
            crate::lang::Lang::En => format!("indicators of {}", dim.map_or("", |d| d.id.as_str())),
            crate::lang::Lang::Zh => dim.map_or(String::new(), |d| format!("{}（{}）的指标", d.name, d.id)),
        };
        lines.push(line(what, m));
    }
    lines
}
