//! `linkscore sensitivity`: how robust each rank is (SPEC "Robustness").

use crate::cli::SensitivityArgs;
use crate::error::Result;
use crate::output::{self, Format};
use crate::sensitivity::{self, Robustness};
use crate::{engine, input};
use std::io::IsTerminal;

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
    let nominal = (0..table.len()).map(|u| scored.rank(u).map(rank_u32)).collect();
    let bar = progress_bar(runs);
    let robustness = sensitivity::analyse(&rubric, &table, &[&table], &params, nominal, &settings, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let sheet = sensitivity::sheet(&robustness, &rubric, &table, &scored.order, args.top);
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
                sensitivity::settings_text(&settings, &rubric)
            );
            out.push_str(&output::table::render(&sheet));
            out.push('\n');
            out.push_str(&sensitivity::summary_text(&robustness, &rubric, args.within));
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

/// Checks `--uncertainty` and the flags that say how it re-scores before
/// any data is read: the vary flags without it are a usage error.
pub fn check_flags(rubric: &crate::rubric::Rubric, runs: Option<u64>, vary: &crate::cli::VaryArgs) -> Result<()> {
    match runs {
        None if vary.any() => Err(crate::Error::Usage(
            "--seed, --weights, --normalize and --aggregate say how --uncertainty re-scores; they need --uncertainty RUNS\n  = help: add --uncertainty 1000".into(),
        )),
        None => Ok(()),
        Some(_) => sensitivity::check_settings(rubric, &vary.settings(1)),
    }
}

/// `--uncertainty RUNS` of `diff` and `report`: the year in `scored`
/// re-scored RUNS times (`pool` and `params` as its scoring had them), or
/// nothing without the flag. The vary flags without it are a usage error.
pub fn uncertainty(
    scored: &engine::Scored,
    pool: &[&input::Table],
    params: &engine::Params,
    runs: Option<u64>,
    vary: &crate::cli::VaryArgs,
) -> Result<Option<Robustness>> {
    check_flags(scored.rubric, runs, vary)?;
    let Some(runs) = runs else { return Ok(None) };
    let settings = vary.settings(usize::try_from(runs).unwrap_or(usize::MAX));
    let table = scored.table;
    let nominal = (0..table.len()).map(|u| scored.rank(u).map(rank_u32)).collect();
    let bar = progress_bar(settings.runs);
    let robustness = sensitivity::analyse(scored.rubric, table, pool, params, nominal, &settings, &|| bar.inc(1))?;
    bar.finish_and_clear();
    Ok(Some(robustness))
}

fn rank_u32(rank: usize) -> u32 {
    u32::try_from(rank).unwrap_or(u32::MAX)
}

/// A bar on stderr over the runs, only when stderr is a terminal.
pub fn progress_bar(runs: usize) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(Some(runs as u64), indicatif::ProgressDrawTarget::stderr_with_hz(8));
    if let Ok(style) = indicatif::ProgressStyle::with_template("re-scoring [{bar:30}] {pos}/{len} runs ({eta} left)") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
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
