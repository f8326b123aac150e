//! `linkscore diff OLD NEW`: year-over-year comparison (SPEC "Year over year").

use crate::cli::DiffArgs;
use crate::diff::Comparison;
use crate::error::Result;
use crate::output::{self, Format};
use crate::rubric::Rubric;
use crate::{engine, input};

pub fn run(args: &DiffArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    super::sensitivity::check_flags(&rubric, args.uncertainty, &args.vary)?;
    let mut options = args.read.options();
    options.skip_checksums = format != Format::Json;
    let old = super::load_data(std::slice::from_ref(&args.old), &rubric, &options, args.strict.strict)?;
    let new = super::load_data(std::slice::from_ref(&args.new), &rubric, &options, args.strict.strict)?;
    let (old_params, new_params) = year_params(
        &rubric,
        (&old, &args.old),
        (&new, &args.new),
        args.params.params.as_deref(),
        args.no_pool,
    )?;
    let old_scored = engine::apply(&rubric, &old, &old_params)?;
    let new_scored = engine::apply(&rubric, &new, &new_params)?;
    let mut comparison = Comparison::new(&old_scored, &new_scored);
    // With pooling both years share one set of parameters; otherwise the new year's are frozen.
    let pooled = args.params.params.is_none() && rubric.is_sample_relative() && !args.no_pool;
    let tables: Vec<&input::Table> = if pooled { vec![&old, &new] } else { vec![&new] };
    let robustness = super::sensitivity::uncertainty(&new_scored, &tables, &new_params, args.uncertainty, &args.vary)?;
    comparison.uncertainty = robustness.map(|r| r.intervals);
    let frozen = super::freeze(&rubric, &tables, &new_params, &args.params)?;
    if format == Format::Csv {
        // Streamed: two national years are millions of rows.
        let columns = comparison.columns();
        super::emit_with(args.output.output.as_deref(), frozen, |w| {
            output::csv::write(&columns, &comparison, w)
        })?;
        warn_years(args, &old_scored, &new_scored);
        return Ok(());
    }
    let sheet = comparison.sheet();
    let content = match format {
        Format::Csv => output::csv::render(&sheet),
        Format::Markdown => output::markdown::render(&sheet).into_bytes(),
        Format::Jsonl => output::json::lines(&output::json::sheet_objects(&sheet)).into_bytes(),
        Format::Json => output::json::render_diff(&comparison, &comparison.summary(args.top), &sheet).into_bytes(),
        Format::Table => {
            let summary = comparison.summary(args.top);
            let mut out = output::summary::render(&summary, &rubric, &args.old, &args.new);
            if let Some(runs) = args.uncertainty {
                out.push_str(&comparison.moves_line(usize::try_from(runs).unwrap_or(usize::MAX)));
                out.push('\n');
            }
            out.push('\n');
            out.push_str(&output::table::render(&sheet));
            out.push('\n');
            out.into_bytes()
        }
        Format::Xlsx => output::xlsx::workbook(&[
            ("diff", &sheet),
            (
                "summary",
                &output::summary::sheet(&comparison.summary(args.top), &rubric),
            ),
            ("weights", &output::weights_sheet(&rubric, &new_scored.weights)),
            ("rubric", &output::rubric_sheet(&rubric)),
        ])?,
    };
    super::emit_with(args.output.output.as_deref(), frozen, |w| w.write_all(&content))?;
    warn_years(args, &old_scored, &new_scored);
    Ok(())
}

/// The parameters two years are scored with (SPEC "Year over year"): the
/// frozen ones of `frozen` for both; each year's own when the rubric is
/// comparable across years as it stands or with `no_pool`; else one set
/// fitted on both years pooled. Says on stderr which it is when it matters.
/// Each year is given as its table and the name it goes by in messages.
pub fn year_params(
    rubric: &Rubric,
    (old, old_name): (&input::Table, &str),
    (new, new_name): (&input::Table, &str),
    frozen: Option<&str>,
    no_pool: bool,
) -> Result<(engine::Params, engine::Params)> {
    Ok(if let Some(path) = frozen {
        let frozen = crate::params::from_path(path, rubric)?;
        eprintln!("note: both years are scored with the parameters frozen in {path}");
        (frozen.clone(), frozen)
    } else if !rubric.is_sample_relative() {
        (engine::fit(rubric, &[old])?, engine::fit(rubric, &[new])?)
    } else if no_pool {
        eprintln!(
            "warning: --no-pool: each year is scored on its own sample's statistics and weights, so the changes mix real change with rescaling"
        );
        (engine::fit(rubric, &[old])?, engine::fit(rubric, &[new])?)
    } else {
        eprintln!(
            "note: the rubric takes statistics or weights from the data (sample-relative normalization, objective weighting or a sample TOPSIS ideal): {old_name} and {new_name} are pooled into one panel so both years are on one scale (--no-pool to score each alone)"
        );
        let pooled = engine::fit(rubric, &[old, new])?;
        (pooled.clone(), pooled)
    })
}

/// Each year's warnings on stderr, named by its file.
fn warn_years(args: &DiffArgs, old: &engine::Scored, new: &engine::Scored) {
    let mut warnings: Vec<String> = old.warnings.iter().map(|w| format!("{}: {w}", args.old)).collect();
    warnings.extend(new.warnings.iter().map(|w| format!("{}: {w}", args.new)));
    super::warn_all(&warnings);
}
