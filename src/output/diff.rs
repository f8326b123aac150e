//! The diff's layout (SPEC "Year over year"): its columns and rows, from
//! which every format is made, and its sentences for people.

use super::listing::{Field, Listing, Value};
use super::{Kind, Sheet, View};
use crate::diff::{Comparison, Move, Pair, Status, Summary};
use crate::engine::Scored;
use crate::lang::Words;
use serde_json::{Map, json};

/// One row per unit in either file (the terminal table leaves out first,
/// when too narrow: the dimensions' changes, the rank interval, the old
/// score, the group and old grade; never the unit, its status, ranks, new
/// score and the changes): `id, label?, group?, status,
/// rank_old, rank_new, rank_change, score_old, score_new, score_change,
/// grade_old?, grade_new?, <dimension>_change…` (and the new year's rank
/// interval under `--uncertainty`).
pub fn listing<'a>(c: &'a Comparison<'a>) -> Listing<'a, &'a Pair> {
    columns(c, false)
}

/// The same rows as people read them: `status` and `rank_move` in the
/// rubric's language (保留/新增/消失).
pub fn people<'a>(c: &'a Comparison<'a>) -> Listing<'a, &'a Pair> {
    columns(c, true)
}

/// A status as people read it.
pub fn status_words(status: Status) -> Words {
    match status {
        Status::Kept => Words::new("kept", "保留"),
        Status::New => Words::new("new", "新增"),
        Status::Gone => Words::new("gone", "消失"),
    }
}

fn columns<'a>(c: &'a Comparison<'a>, human: bool) -> Listing<'a, &'a Pair> {
    let r = c.new.rubric;
    let lang = r.lang();
    let mut l = Listing::new(lang, c.pairs.iter().collect::<Vec<_>>());
    // A row shows the newer year's id, label and group: the old year's
    // texts are read only for a unit that is gone.
    l.warm_with(move |pairs| {
        std::hint::black_box(pairs.iter().fold(0, |acc, p| match (p.in_old(), p.in_new()) {
            (Some(o), Some(n)) => acc ^ c.old.touch_results(o) ^ c.new.touch(n),
            (Some(o), None) => acc ^ c.old.touch(o),
            (None, Some(n)) => acc ^ c.new.touch(n),
            (None, None) => acc,
        }));
    });
    // The newer year's id, label and group where the unit is in it.
    let unit = move |p: &Pair| {
        let (table, u) = match (p.in_new(), p.in_old()) {
            (Some(n), _) => (c.new.table, Some(n)),
            (None, Some(o)) => (c.old.table, Some(o)),
            (None, None) => (c.new.table, None),
        };
        u.filter(|&u| u < table.len()).map(|u| (table, u))
    };
    l.push(Field::new("id", &r.id_column, Kind::Text, move |p| {
        Value::text(unit(p).map(|(t, u)| t.id(u)))
    }));
    if let Some(label) = &r.label_column {
        l.push(Field::new("label", label, Kind::Text, move |p| {
            Value::text(unit(p).and_then(|(t, u)| t.label(u)))
        }));
    }
    if let Some(group) = &r.group_column {
        l.push(
            Field::new("group", group, Kind::Text, move |p| {
                Value::text(unit(p).and_then(|(t, u)| t.group(u)))
            })
            .fit(2),
        );
    }
    let scale = c.scale();
    let scaled = move |x: Option<f64>| Value::num(x.map(|v| v * scale));
    let status = move |p: &Pair| {
        if human {
            Value::owned(status_words(p.status()).get(lang).to_string())
        } else {
            Value::str(p.status().as_str())
        }
    };
    l.push(Field::new("status", Words::new("status", "状态"), Kind::Text, status));
    let rank_old = move |p: &Pair| Value::int(p.in_old().and_then(|o| c.old.rank(o)));
    let rank_new = move |p: &Pair| Value::int(p.in_new().and_then(|n| c.new.rank(n)));
    l.push(Field::new(
        "rank_old",
        Words::new("rank old", "上年排名"),
        Kind::Int,
        rank_old,
    ));
    l.push(Field::new(
        "rank_new",
        Words::new("rank new", "本年排名"),
        Kind::Int,
        rank_new,
    ));
    let rank_change = move |p| Value::signed(c.rank_change(p));
    l.push(Field::new(
        "rank_change",
        Words::new("rank change", "名次变化"),
        Kind::Int,
        rank_change,
    ));
    let score_old = move |p: &Pair| scaled(p.in_old().and_then(|o| c.old.score(o)));
    let score_new = move |p: &Pair| scaled(p.in_new().and_then(|n| c.new.score(n)));
    l.push(Field::new("score_old", Words::new("score old", "上年总分"), Kind::Score, score_old).fit(3));
    l.push(Field::new(
        "score_new",
        Words::new("score new", "本年总分"),
        Kind::Score,
        score_new,
    ));
    let score_change = move |p| Value::num(c.score_change(p));
    l.push(Field::new(
        "score_change",
        Words::new("score change", "总分变化"),
        Kind::Change,
        score_change,
    ));
    if !r.grades.is_empty() {
        let grade_old = move |p: &Pair| Value::text(grade_name(c.old, p.in_old()));
        let grade_new = move |p: &Pair| Value::text(grade_name(c.new, p.in_new()));
        l.push(Field::new("grade_old", Words::new("grade old", "上年等级"), Kind::Text, grade_old).fit(2));
        l.push(Field::new(
            "grade_new",
            Words::new("grade new", "本年等级"),
            Kind::Text,
            grade_new,
        ));
    }
    for (d, dim) in r.dimensions.iter().enumerate() {
        let title = Words {
            en: format!("{} change", dim.name),
            zh: format!("{}变化", dim.name),
        };
        let change = move |p: &Pair| {
            let o = p.in_old().and_then(|o| c.old.dimension(o, d));
            let n = p.in_new().and_then(|n| c.new.dimension(n, d));
            scaled(o.zip(n).map(|(o, n)| n - o))
        };
        l.push(Field::new(format!("{}_change", dim.id), title, Kind::Change, change).fit(5));
    }
    if let Some(intervals) = &c.uncertainty {
        let interval = move |p: &Pair| p.in_new().and_then(|n| intervals.get(n).copied().flatten());
        let p05 = move |p| Value::int(interval(p).map(|i| i.p05 as usize));
        let p95 = move |p| Value::int(interval(p).map(|i| i.p95 as usize));
        let moved = move |p| {
            let words = move |m: Move| match (m, human) {
                (Move::Beyond, true) => lang.pick("beyond", "超出区间"),
                (Move::Within, true) => lang.pick("within", "区间内"),
                (m, false) => m.as_str(),
            };
            Value::text(c.movement(p).map(words))
        };
        l.push(Field::new("rank_new_p05", Words::new("rank new p5", "本年排名P5"), Kind::Int, p05).fit(4));
        l.push(
            Field::new(
                "rank_new_p95",
                Words::new("rank new p95", "本年排名P95"),
                Kind::Int,
                p95,
            )
            .fit(4),
        );
        l.push(Field::new(
            "rank_move",
            Words::new("move", "变化是否超出区间"),
            Kind::Text,
            moved,
        ));
    }
    l
}

/// `diff`'s result in every format.
pub struct DiffView<'a> {
    comparison: &'a Comparison<'a>,
    /// The summary with `top` risers and fallers, made when a format shows
    /// it (CSV and JSON Lines do not: it is two passes over every unit).
    summary: std::sync::OnceLock<Summary>,
    top: usize,
    listing: Listing<'a, &'a Pair>,
    /// The two files as the command line named them.
    names: (&'a str, &'a str),
    /// `--uncertainty`: how many re-scorings gave the intervals.
    runs: Option<usize>,
}

impl<'a> DiffView<'a> {
    pub fn new(
        comparison: &'a Comparison<'a>,
        top: usize,
        names: (&'a str, &'a str),
        runs: Option<usize>,
    ) -> DiffView<'a> {
        DiffView {
            comparison,
            summary: std::sync::OnceLock::new(),
            top,
            listing: listing(comparison),
            names,
            runs,
        }
    }
}

impl DiffView<'_> {
    fn summary(&self) -> &Summary {
        self.summary.get_or_init(|| self.comparison.summary(self.top))
    }
}

impl<'a> View<'a> for DiffView<'a> {
    type Key = &'a Pair;

    fn listing(&self) -> &Listing<'a, &'a Pair> {
        &self.listing
    }

    /// Made when a person's format asks for it (CSV never does).
    fn people(&self) -> Sheet {
        people(self.comparison).sheet()
    }

    /// Inputs, rubric, summary and one object per unit.
    fn json(&self) -> serde_json::Value {
        let (c, s) = (self.comparison, self.summary());
        let r = c.new.rubric;
        let mover = |m: &crate::diff::Mover| {
            json!({ "id": m.id, "label": m.label, "rank_old": m.rank_old, "rank_new": m.rank_new,
                    "rank_change": m.rank_old as i64 - m.rank_new as i64, "score_change": m.score_change })
        };
        let dims: Map<String, serde_json::Value> = r
            .dimensions
            .iter()
            .zip(&s.mean_dimension_change)
            .map(|(d, v)| (d.id.clone(), json!(v)))
            .collect();
        let transitions: Vec<serde_json::Value> = s
            .grade_transitions
            .iter()
            .map(|((from, to), n)| json!({ "from": from, "to": to, "count": n }))
            .collect();
        let mut summary = json!({
            "kept": s.kept, "new": s.new, "gone": s.gone,
            "mean_score_change": s.mean_score_change,
            "mean_dimension_change": dims,
            "risers": s.risers.iter().map(mover).collect::<Vec<_>>(),
            "fallers": s.fallers.iter().map(mover).collect::<Vec<_>>(),
            "grade_transitions": transitions,
            "grade_unchanged": s.grade_unchanged,
        });
        if c.uncertainty.is_some()
            && let Some(summary) = summary.as_object_mut()
        {
            let (beyond, within) = c.movements();
            summary.insert("moves".into(), json!({ "beyond": beyond, "within": within }));
        }
        let mut doc = super::json::header(&[c.old.table, c.new.table], r);
        doc.insert("summary".into(), summary);
        doc.insert("units".into(), serde_json::Value::Array(self.listing.json_objects()));
        serde_json::Value::Object(doc)
    }

    /// The ten-second summary, then the table.
    fn text(&self, layout: super::Layout) -> String {
        let c = self.comparison;
        let mut out = super::summary::render(self.summary(), c.new.rubric, self.names.0, self.names.1);
        if let Some(runs) = self.runs {
            out.push_str(&moves_line(c, runs));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&super::table::fitted(&self.people(), layout));
        out.push('\n');
        out
    }

    fn workbook(&self) -> Vec<(String, Sheet)> {
        let r = self.comparison.new.rubric;
        vec![
            ("diff".into(), self.people()),
            ("summary".into(), super::summary::sheet(self.summary(), r, self.names)),
            (
                "weights".into(),
                super::weights::people(r, &self.comparison.new.weights).sheet(),
            ),
            ("rubric".into(), super::weights::rubric_listing(r).sheet()),
        ]
    }
}

/// The grade name of unit `u` (if any) in a scored year.
fn grade_name<'s>(scored: &'s Scored, u: Option<usize>) -> Option<&'s str> {
    let g = scored.grade(u?)?;
    scored.rubric.grades.get(g).map(|g| g.name.as_str())
}

/// Under `--uncertainty` over `runs` re-scorings: "k of n rank changes go
/// beyond the new year's interval", in the rubric's language.
pub fn moves_line(c: &Comparison, runs: usize) -> String {
    let (beyond, within) = c.movements();
    let moved = beyond + within;
    if c.new.rubric.lang().is_chinese() {
        format!(
            "名次变化超出本年排名区间（{runs} 次改变权重重新计算的 5%–95%）：{beyond} / {moved} 个单位；其余 {within} 个在区间内，可能只是权重的不确定性"
        )
    } else {
        format!(
            "rank changes beyond the new year's rank interval (5th–95th percentile over {runs} re-scorings with varied weights): {beyond} of {moved} units that moved; the other {within} are within it and may be weight uncertainty alone"
        )
    }
}
