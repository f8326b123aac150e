//! The report's map section (`report --map FILE.geojson [--key PROPERTY]`,
//! issue 19, SPEC "Spatial"): the units' polygons coloured by grade, or by
//! score quintile when the rubric has no grades, with a legend and each
//! unit's score as its tooltip. It maps the scores the page reports on: the
//! data's, or a panel's last period. Units with no score and map features not
//! in the data are grey. The drawing is [`svg::map`], which takes any colour
//! per unit and legend (a LISA cluster map can use it as it is).

use super::dynamics::class_range;
use super::{Page, esc, figure, grade_colour, score_text, svg};
use crate::engine::Scored;
use crate::error::{Error, Result, echo};
use crate::shapes::Shapes;
use crate::util::lossless;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Quintile colours from the lowest fifth to the highest (ColorBrewer
/// RdYlGn, 5 classes: red low, green high, as the grades run).
pub const QUINTILE_COLOURS: [&str; 5] = ["#d7191c", "#fdae61", "#ffffbf", "#a6d96a", "#1a9641"];

/// How many ids a message lists before "and N more".
const LISTED: usize = 5;

/// The map's units matched with the data's: for each map unit the data
/// unit of the same id, and the data units no map unit has.
struct Join {
    unit: Vec<Option<usize>>,
    missing: Vec<usize>,
}

fn join(scored: &Scored, shapes: &Shapes) -> Join {
    let table = scored.table;
    let by_id: HashMap<&str, usize> = (0..table.len()).map(|u| (table.id(u), u)).collect();
    let unit: Vec<Option<usize>> = shapes.units.iter().map(|s| by_id.get(s.id.as_str()).copied()).collect();
    let mut on_map = vec![false; table.len()];
    for &u in unit.iter().flatten() {
        if let Some(seen) = on_map.get_mut(u) {
            *seen = true;
        }
    }
    let missing = (0..table.len()).filter(|&u| !on_map[u]).collect();
    Join { unit, missing }
}

/// A few ids, then "and N more".
fn some_ids<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> String {
    let count = ids.len();
    let listed: Vec<String> = ids.take(LISTED).map(echo).collect();
    let more = count.saturating_sub(listed.len());
    let mut text = listed.join(", ");
    if more > 0 {
        let _ = write!(text, " and {more} more");
    }
    text
}

/// Checks the map against the data the page reports on: an error when no
/// feature's id is a unit of the data (the key is wrong); else the
/// warnings, data units that are not on the map among them.
pub fn check(scored: &Scored, shapes: &Shapes) -> Result<Vec<String>> {
    let joined = join(scored, shapes);
    let table = scored.table;
    if !shapes.units.is_empty() && joined.unit.iter().all(Option::is_none) {
        return Err(Error::data(format!(
            "no feature of {} has the id of a unit of the data (ids from the property `{}`)",
            shapes.path,
            echo(&shapes.key)
        ))
        .note(format!(
            "ids in the map: {}",
            some_ids(shapes.units.iter().map(|s| s.id.as_str()))
        ))
        .note(format!(
            "ids in the data: {}",
            some_ids((0..table.len()).map(|u| table.id(u)))
        ))
        .help("--key PROPERTY names the property of the features that holds the data's unit ids"));
    }
    let mut warnings = shapes.warnings.clone();
    if !joined.missing.is_empty() {
        warnings.push(format!(
            "{} unit(s) of the data are not on the map {} (key `{}`), so the map leaves them out: {}",
            joined.missing.len(),
            shapes.path,
            echo(&shapes.key),
            some_ids(joined.missing.iter().map(|&u| table.id(u)))
        ));
    }
    Ok(warnings)
}

/// How the units are coloured: by grade, or by quintile with its breaks.
enum Classes {
    Grades,
    Quintiles(Vec<f64>),
}

impl Page<'_> {
    /// The colour class of unit `u` (a grade, or a quintile 0..5).
    fn class_of(&self, classes: &Classes, u: usize) -> Option<usize> {
        match classes {
            Classes::Grades => self.s.grade(u),
            Classes::Quintiles(breaks) => {
                let v = self.s.score(u)? * self.scale();
                Some(breaks.iter().filter(|&&b| v > b).count())
            }
        }
    }

    fn class_colour(&self, classes: &Classes, class: usize) -> &'static str {
        match classes {
            Classes::Grades => grade_colour(class, self.s.rubric.grades.len()),
            Classes::Quintiles(_) => QUINTILE_COLOURS.get(class).copied().unwrap_or(svg::NO_DATA),
        }
    }

    /// The legend's text for `class`, with its count of units on the map.
    fn class_text(&self, classes: &Classes, class: usize, count: usize) -> String {
        match classes {
            Classes::Grades => self
                .s
                .rubric
                .grades
                .get(class)
                .map_or_else(String::new, |g| format!("{} ≥ {} ({count})", g.name, lossless(g.min))),
            Classes::Quintiles(breaks) => format!("{} ({count})", class_range(breaks, class)),
        }
    }

    /// The quintile breaks of the scores (× scale), numpy's linear quantiles.
    fn quintile_breaks(&self) -> Vec<f64> {
        let mut scores: Vec<f64> = (0..self.s.len())
            .filter_map(|u| self.s.score(u))
            .map(|v| v * self.scale())
            .collect();
        crate::stats::sort_total(&mut scores);
        if scores.is_empty() {
            return Vec::new();
        }
        (1..5)
            .map(|k| crate::dynamics::quantile(&scores, f64::from(k) / 5.0))
            .collect()
    }

    /// The map of the scores, with `--map`.
    pub(super) fn map(&self, out: &mut String) {
        let Some(shapes) = &self.options.map else { return };
        let joined = join(self.s, shapes);
        let graded = !self.s.rubric.grades.is_empty();
        let classes = if graded {
            Classes::Grades
        } else {
            Classes::Quintiles(self.quintile_breaks())
        };
        let class_count = if graded { self.s.rubric.grades.len() } else { 5 };
        let mut counts = vec![0usize; class_count];
        let (mut grey, mut outside) = (0usize, 0usize);
        let scale = self.scale();
        let mut colours: Vec<Option<&str>> = Vec::with_capacity(shapes.units.len());
        let mut tips: Vec<String> = Vec::with_capacity(shapes.units.len());
        for (shape, unit) in shapes.units.iter().zip(&joined.unit) {
            let Some(u) = *unit else {
                outside += 1;
                grey += 1;
                colours.push(None);
                let name = shape.name.as_deref().map_or(String::new(), |n| format!(" {n}"));
                tips.push(format!(
                    "{}{name}: {}",
                    shape.id,
                    self.t("not in the data", "不在数据中")
                ));
                continue;
            };
            let class = self.class_of(&classes, u);
            match class.and_then(|c| counts.get_mut(c).map(|n| (c, n))) {
                Some((c, n)) => {
                    *n += 1;
                    colours.push(Some(self.class_colour(&classes, c)));
                }
                None => {
                    grey += 1;
                    colours.push(None);
                }
            }
            let what = match (&classes, class) {
                (_, None) => String::new(),
                (Classes::Grades, Some(g)) => self
                    .s
                    .rubric
                    .grades
                    .get(g)
                    .map_or(String::new(), |g| format!(" ({})", g.name)),
                (Classes::Quintiles(_), Some(q)) => format!(" (Q{})", q + 1),
            };
            let score = match self.s.score(u) {
                Some(v) => score_text(Some(v), scale),
                None => self.t("no score", "无得分").to_string(),
            };
            tips.push(format!("{}: {score}{what}", self.name(u)));
        }
        let mut legend: Vec<(String, String)> = (0..class_count)
            .map(|c| {
                (
                    self.class_text(&classes, c, counts.get(c).copied().unwrap_or(0)),
                    self.class_colour(&classes, c).to_string(),
                )
            })
            .collect();
        if grey > 0 {
            legend.push((
                format!(
                    "{} ({grey})",
                    self.t("no score or not in the data", "无得分或不在数据中")
                ),
                svg::NO_DATA.to_string(),
            ));
        }
        self.section_open(out, "map", self.t("Map", "地图"));
        self.map_lead(out, graded, outside, joined.missing.len());
        let shapes_drawn: Vec<&[svg::Polygon]> = shapes.units.iter().map(|s| s.polygons.as_slice()).collect();
        let title = if graded {
            self.t("Score by grade", "得分等级地图")
        } else {
            self.t("Score by quintile", "得分五分位地图")
        };
        figure(out, &svg::map(&shapes_drawn, &colours, &tips, &legend, title), title);
        out.push_str("</section>\n");
    }

    /// The sentences above the map: what it shows, what is grey, what is
    /// missing.
    fn map_lead(&self, out: &mut String, graded: bool, outside: usize, missing: usize) {
        let Some(shapes) = &self.options.map else { return };
        let period = self
            .options
            .panel
            .as_ref()
            .and_then(|p| p.summaries.last())
            .map(|s| s.label.clone());
        let zh = self.lang == crate::lang::Lang::Zh;
        let mut lead = match (graded, period, zh) {
            (true, None, false) => "Each unit coloured by its grade.".to_string(),
            (true, None, true) => "各单位按等级着色。".to_string(),
            (true, Some(p), false) => format!("Each unit coloured by its grade in {p}."),
            (true, Some(p), true) => format!("各单位按 {p} 期的等级着色。"),
            (false, None, false) => {
                "Each unit coloured by the fifth of the scores it is in (quintiles; the rubric has no grades)."
                    .to_string()
            }
            (false, None, true) => "各单位按得分五分位着色（评价体系未设等级）。".to_string(),
            (false, Some(p), false) => format!(
                "Each unit coloured by the fifth of the scores of {p} it is in (quintiles; the rubric has no grades)."
            ),
            (false, Some(p), true) => format!("各单位按 {p} 期得分五分位着色（评价体系未设等级）。"),
        };
        lead.push_str(self.t(
            " Point at a unit for its name and score.",
            "鼠标悬停可见单位名称与得分。",
        ));
        let _ = writeln!(out, "<p>{}</p>", esc(&lead));
        let mut notes = Vec::new();
        if outside > 0 {
            notes.push(format!(
                "{outside} {}",
                self.t(
                    "features of the map are not in the data: drawn grey.",
                    "个地图要素不在数据中，以灰色显示。"
                )
            ));
        }
        if missing > 0 {
            notes.push(format!(
                "{missing} {}",
                self.t("units of the data are not on the map.", "个数据单位不在地图中。")
            ));
        }
        let tolerance = lossless(svg::TOLERANCE_PX);
        notes.push(match self.lang {
            crate::lang::Lang::Zh => format!(
                "地图：{}（键 `{}`）；边界按 Douglas–Peucker 算法简化，容差 {tolerance} 像素。",
                shapes.path, shapes.key
            ),
            _ => format!(
                "Map: {} (key `{}`); outlines simplified by Douglas–Peucker to within {tolerance} px.",
                shapes.path, shapes.key
            ),
        });
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", esc(&notes.join(" ")));
    }
}
