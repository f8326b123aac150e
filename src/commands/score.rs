//! `linkscore score`: rank the units of one or more data files.

use crate::cli::{DetailPart, ScoreArgs};
use crate::engine;
use crate::error::Result;
use crate::output::{self, Detail, Format};

pub fn run(args: &ScoreArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    let table = super::load_data(&args.data, &rubric, &options, args.strict.strict)?;
    let params = super::fit_or_load(&rubric, &[&table], &args.params)?;
    let scored = engine::apply(&rubric, &table, &params)?;
    let detail = Detail {
        linkages: args.detail.contains(&DetailPart::Linkages),
        indicators: args.detail.contains(&DetailPart::Indicators),
        obstacles: args.detail.contains(&DetailPart::Obstacles),
    };
    let frozen = super::freeze(&rubric, &[&table], &params, &args.params)?;
    if format == Format::Csv {
        // Streamed: a national run is a million rows.
        let ranking = output::Ranking::new(&scored, detail, args.top);
        super::emit_with(args.output.output.as_deref(), frozen, |w| {
            output::csv::write(&ranking.columns, &ranking, w)
        })?;
    } else {
        let content = render(&scored, format, detail, args.top)?;
        super::emit_with(args.output.output.as_deref(), frozen, |w| w.write_all(&content))?;
    }
    if format != Format::Table {
        super::warn_all(&scored.warnings);
    }
    Ok(())
}

/// The ranking in one format. The table format is headed by the rubric and
/// followed by the run's warnings, so a person sees everything in one place.
pub fn render(scored: &engine::Scored, format: Format, detail: Detail, top: Option<usize>) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Json => output::json::render(scored, detail, top).into_bytes(),
        Format::Jsonl => output::json::render_lines(scored, detail, top).into_bytes(),
        Format::Csv => output::csv::render(&output::ranking_sheet(scored, detail, top)),
        Format::Markdown => output::markdown::render(&output::ranking_sheet(scored, detail, top)).into_bytes(),
        Format::Xlsx => output::xlsx::workbook(&[
            ("ranking", &output::ranking_sheet(scored, detail, top)),
            ("weights", &output::weights_sheet(scored.rubric, &scored.weights)),
            ("rubric", &output::rubric_sheet(scored.rubric)),
        ])?,
        Format::Table => {
            let r = scored.rubric;
            let sheet = output::ranking_sheet(scored, detail, top);
            let mut out = String::new();
            let version = if r.version.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.version)
            };
            let (n, shown) = (scored.order.len(), sheet.rows.len());
            let count = match (r.is_chinese(), shown < n) {
                (true, false) => format!("{n} 个单位"),
                (true, true) => format!("{n} 个单位，显示前 {shown} 名"),
                (false, false) => format!("{n} units"),
                (false, true) => format!("{n} units, top {shown} shown"),
            };
            out.push_str(&format!("{}{version}: {count}\n", r.name));
            out.push_str(&output::table::render(&sheet));
            out.push('\n');
            if r.coupling.is_some() {
                out.push_str(&coordination_counts(scored));
            }
            for w in &scored.warnings {
                out.push_str(&format!("warning: {w}\n"));
            }
            out.into_bytes()
        }
    })
}

/// "协调等级：优质协调 12，良好协调 80，…" over all units, best band first.
fn coordination_counts(scored: &engine::Scored) -> String {
    let mut counts = [0usize; 10];
    for u in 0..scored.len() {
        if let Some(c) = scored.coupling(u) {
            counts[c.band] += 1;
        }
    }
    let zh = scored.rubric.is_chinese();
    let list: Vec<String> = (0..10)
        .rev()
        .filter(|&b| counts[b] > 0)
        .map(|b| format!("{} {}", engine::COORDINATION_GRADES[b], counts[b]))
        .collect();
    if zh {
        format!("协调等级：{}\n", list.join("，"))
    } else {
        format!("coordination grades: {}\n", list.join(", "))
    }
}
