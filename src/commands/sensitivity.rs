//! `linkscore sensitivity`: how robust each rank is (SPEC "Robustness").

use crate::cli::SensitivityArgs;
use crate::engine;
use crate::error::Result;
use crate::output::{self, Format};
use crate::sensitivity::{self, Robustness};

pub fn run(args: &SensitivityArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let runs = usize::try_from(args.runs).unwrap_or(usize::MAX);
    let settings = args.vary.settings(runs);
    sensitivity::check_settings(&rubric, &settings)?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    let table = super::load_data(&args.data, &rubric, &options, false)?;
    let params = engine::fit(&rubric, &[&table])?;
    let scored = engine::apply(&rubric, &table, &params)?;
    let nominal = super::nominal_ranks(&scored);
    let bar = super::progress_bar(runs);
    let robustness = sensitivity::analyse(&rubric, &table, &[&table], &params, nominal, &settings, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let sheet = output::sensitivity::sheet(&robustness, &rubric, &table, &scored.order, args.top);
    let content = match format {
        Format::Csv => output::csv::render(&sheet),
        Format::Markdown => output::markdown::render(&sheet).into_bytes(),
        Format::Jsonl => output::json::lines(&output::json::sheet_objects(&sheet)).into_bytes(),
        Format::Json => json(&robustness, &scored, &sheet, args.within).into_bytes(),
        Format::Xlsx => output::xlsx::workbook(&[("sensitivity", &sheet)])?,
        Format::Table => {
            let units = if rubric.is_chinese() {
                format!("{} 个单位，", table.len())
            } else {
                format!("{} units, ", table.len())
            };
            let mut out = format!(
                "{}: {units}{}\n",
                rubric.name,
                output::sensitivity::settings_text(&settings, &rubric)
            );
            out.push_str(&output::table::render(&sheet));
            out.push('\n');
            out.push_str(&output::sensitivity::summary_text(&robustness, &rubric, args.within));
            for w in &scored.warnings {
                out.push_str(&format!("warning: {w}\n"));
            }
            out.into_bytes()
        }
    };
    super::emit(&content, args.output.output.as_deref())?;
    if format != Format::Table {
        super::warn_all(&scored.warnings);
    }
    Ok(())
}

fn json(robustness: &Robustness, scored: &engine::Scored, sheet: &output::Sheet, within: u32) -> String {
    let r = scored.rubric;
    let s = &robustness.settings;
    let (ranked, inside) = robustness.within(within);
    let inputs: Vec<serde_json::Value> = scored
        .table
        .files
        .iter()
        .map(|f| serde_json::json!({ "path": f.path, "sha256": f.sha256 }))
        .collect();
    let doc = serde_json::json!({
        "linkscore": env!("CARGO_PKG_VERSION"),
        "inputs": inputs,
        "rubric": { "name": r.name, "version": r.version, "sha256": r.source.sha256 },
        "settings": {
            "runs": s.runs,
            "seed": s.seed,
            "weights": s.weights,
            "normalize": s.normalize.iter().map(|n| n.as_str()).collect::<Vec<_>>(),
            "aggregate": s.aggregate.iter().map(|&a| sensitivity::aggregate_name(a)).collect::<Vec<_>>(),
        },
        "summary": {
            "mean_abs_rank_shift": robustness.mean_shift,
            "within": { "places": within, "units": inside, "of": ranked,
                        "share": if ranked > 0 { inside as f64 / ranked as f64 } else { 0.0 } },
        },
        "units": output::json::sheet_objects(sheet),
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
