//! `linkscore explain DATA --unit ID`: why one unit is where it is.

use crate::cli::ExplainArgs;
use crate::engine;
use crate::error::{Error, Result, closest_n, echo};
use crate::explain::{Explanation, explain};
use crate::output::{self, Format};
use crate::util::rounded;
use serde_json::{Map, Value, json};
use std::fmt::Write as _;

pub fn run(args: &ExplainArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let table = super::load_data(&args.data, &rubric, &args.read.options(), false)?;
    let scored = engine::score(&rubric, &table)?;
    let wanted = args.unit.trim();
    let u = (0..table.len()).position(|u| table.id(u) == wanted).ok_or_else(|| {
        let close = closest_n(wanted, (0..table.len()).map(|u| table.id(u)), 3);
        let help = if close.is_empty() {
            format!(
                "the ids are in column `{}`; `linkscore score` lists them",
                rubric.id_column
            )
        } else {
            format!(
                "did you mean {}?",
                close.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            )
        };
        Error::data(format!("no unit with id `{wanted}` in the data")).help(help)
    })?;
    let explanation = explain(&scored, u);
    let content = match format {
        Format::Csv => output::csv::render(&output::explain::sheet(&explanation, false)),
        Format::Markdown => output::markdown::render(&output::explain::sheet(&explanation, true)).into_bytes(),
        Format::Json => output::json::pretty(&json_doc(&explanation)).into_bytes(),
        Format::Jsonl => output::json::lines(&output::json::sheet_objects(&output::explain::sheet(
            &explanation,
            false,
        )))
        .into_bytes(),
        Format::Table => render_table(&explanation).into_bytes(),
        Format::Xlsx => output::xlsx::workbook(&[
            ("explain", &output::explain::sheet(&explanation, false)),
            ("dimensions", &output::explain::dimension_sheet(&explanation)),
        ])?,
    };
    super::emit(&content, args.output.output.as_deref())?;
    if format != Format::Table {
        super::warn_all(&scored.warnings);
    }
    Ok(())
}

/// "largest obstacles: A 23.10%, B 12.00%, C 9.50%".
fn obstacle_line(e: &Explanation, human: bool) -> String {
    let r = e.scored.rubric;
    let zh = r.is_chinese();
    let list: Vec<String> = e
        .top_obstacles()
        .iter()
        .map(|l| {
            let ind = &r.indicators[l.indicator];
            let name = if human { &ind.name } else { &ind.id };
            format!("{name} {}%", rounded(l.obstacle.unwrap_or(0.0), 2))
        })
        .collect();
    let title = if zh {
        "主要障碍因子："
    } else {
        "largest obstacles: "
    };
    if list.is_empty() {
        format!(
            "{title}{}",
            if zh {
                "无（各指标均已达到目标值）"
            } else {
                "none (every indicator at its best)"
            }
        )
    } else {
        format!("{title}{}", list.join(if zh { "，" } else { ", " }))
    }
}

fn render_table(e: &Explanation) -> String {
    let s = e.scored;
    let r = s.rubric;
    let zh = r.is_chinese();
    let t = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let u = e.unit;
    let mut out = String::new();
    // Data text on a terminal: control characters escaped.
    let label = s.table.label(u).map_or(String::new(), |l| format!(" {}", echo(l)));
    let group = s.table.group(u).map_or(String::new(), |g| format!(" ({})", echo(g)));
    let _ = writeln!(out, "{}{label}{group}", echo(s.table.id(u)));
    let mut facts = vec![
        format!(
            "{} {}",
            t("score", "总分"),
            s.score(u).map_or("—".into(), |v| rounded(v * r.scale, 2))
        ),
        format!(
            "{} {} / {}",
            t("rank", "排名"),
            s.rank(u).map_or("—".into(), |v| v.to_string()),
            s.len()
        ),
    ];
    if let Some(g) = s.group_rank(u) {
        facts.push(format!("{} {g}", t("group rank", "组内排名")));
    }
    if let Some(g) = s.grade(u) {
        facts.push(format!("{} {}", t("grade", "等级"), r.grades[g].name));
    }
    let _ = writeln!(out, "{}", facts.join(" · "));
    let _ = writeln!(out, "{}", output::table::render(&output::explain::dimension_sheet(e)));
    let _ = writeln!(out, "{}", output::table::render(&output::explain::sheet(e, true)));
    let _ = writeln!(out, "{}", obstacle_line(e, true));
    for w in &s.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}

fn json_doc(e: &Explanation) -> Value {
    let s = e.scored;
    let r = s.rubric;
    let u = e.unit;
    let dims: Vec<Value> = r
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, dim)| {
            json!({ "id": dim.id, "name": dim.name, "value": s.dimension(u, d).map(|v| v * r.scale), "rank": e.dimension_ranks[d] })
        })
        .collect();
    let mut doc = Map::new();
    doc.insert("linkscore".into(), json!(env!("CARGO_PKG_VERSION")));
    doc.insert(
        "unit".into(),
        json!({
            "id": s.table.id(u), "label": s.table.label(u), "group": s.table.group(u),
            "score": s.score(u).map(|v| v * r.scale), "rank": s.rank(u), "group_rank": s.group_rank(u),
            "grade": s.grade(u).map(|g| r.grades[g].name.clone()), "of": s.len(),
        }),
    );
    doc.insert("dimensions".into(), Value::Array(dims));
    doc.insert(
        "indicators".into(),
        Value::Array(output::json::sheet_objects(&output::explain::sheet(e, false))),
    );
    doc.insert(
        "largest_obstacles".into(),
        json!(
            e.top_obstacles()
                .iter()
                .map(|l| r.indicators[l.indicator].id.clone())
                .collect::<Vec<_>>()
        ),
    );
    Value::Object(doc)
}
