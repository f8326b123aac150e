//! One module per subcommand; this one holds what they share: loading the
//! rubric, choosing the format, and writing output all-or-nothing.

pub mod check;
pub mod diff;
pub mod disparity;
pub mod dynamics;
pub mod explain;
pub mod init;
pub mod panel;
pub mod report;
pub mod score;
pub mod sensitivity;
pub mod spatial;
pub mod template;
pub mod weights;

use crate::cli::{Cli, Command, OutputArgs, RubricArg};
use crate::error::{Error, Result};
use crate::files::Output;
use crate::output::{Bom, Format, Headers, Layout, Options};
use crate::rubric::Rubric;
use std::io::{IsTerminal, Write};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    crate::files::clean_up_on_signals();
    crate::files::check_destinations(&cli.command.sources(), &cli.command.destinations())?;
    match cli.command {
        Command::Score(args) => score::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Weights(args) => weights::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Template(args) => template::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Sensitivity(args) => sensitivity::run(&args),
        Command::Panel(args) => panel::run(&args),
        Command::Disparity(args) => disparity::run(&args),
        Command::Dynamics(args) => dynamics::run(&args),
        Command::Spatial(args) => spatial::run(&args),
    }
}

/// The rubric named by `--rubric`, or the built-in one (said on stderr).
pub fn load_rubric(arg: &RubricArg) -> Result<Rubric> {
    match &arg.rubric {
        Some(path) => Rubric::from_path(path),
        None => {
            eprintln!(
                "note: no --rubric given: using the built-in linkage rubric (write it out with `linkscore init`)"
            );
            Rubric::builtin()
        }
    }
}

/// The output format: `--format`, else from `--output`'s extension, else
/// table on a terminal and CSV otherwise.
pub fn choose_format(args: &OutputArgs) -> Result<Format> {
    let output = args.output.as_deref().filter(|p| *p != "-");
    let excel = output.and_then(Format::from_extension) == Some(Format::Xlsx);
    if let Some(path) = output
        && !excel
        && std::path::Path::new(path)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("xls"))
    {
        return Err(Error::usage(format!(
            "linkscore writes .xlsx workbooks, not the old .xls format ({path})"
        ))
        .help(format!("use -o {path}x")));
    }
    let format = if excel {
        // An .xlsx target is a workbook whatever --format says: text in an
        // .xlsx file would not open.
        Format::Xlsx
    } else if let Some(f) = args.format {
        f
    } else if let Some(path) = output {
        Format::from_extension(path).unwrap_or(Format::Csv)
    } else if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Csv
    };
    output_options(args, format)?;
    Ok(format)
}

/// How `format` is written, from `--headers` and `--bom`: a flag the format
/// cannot honour is a usage error (JSON keys are always ids, the table and
/// markdown are always headed by names, only CSV has a BOM).
pub fn output_options(args: &OutputArgs, format: Format) -> Result<Options> {
    let name = match format {
        Format::Table => "table",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Jsonl => "jsonl",
        Format::Markdown => "markdown",
        Format::Xlsx => "xlsx",
    };
    match (args.headers, format) {
        (Some(Headers::Names), Format::Json | Format::Jsonl) => {
            return Err(Error::usage(format!(
                "--headers names does not apply to {name} output: its keys are the machine ids"
            ))
            .help("for names, use --format csv --headers names, or --output FILE.xlsx"));
        }
        (Some(Headers::Ids), Format::Table | Format::Markdown) => {
            return Err(Error::usage(format!(
                "--headers ids does not apply to the {name} format: it is headed by the names people read"
            ))
            .help("for ids, use --format csv (ids are its default header)"));
        }
        _ => {}
    }
    if args.bom == Bom::Always && format != Format::Csv {
        return Err(
            Error::usage(format!("--bom always applies to CSV only, not to {name} output"))
                .help("add --format csv, or leave --bom out"),
        );
    }
    let to_file = !crate::files::is_stream(args.output.as_deref());
    let mut options = Options::new(format, args.headers, args.bom, to_file);
    options.layout = layout(args);
    Ok(options)
}

/// Writes a finished output to stdout or to `--output` (see
/// [`crate::files::commit`]: nothing partial, nothing replaced on failure).
pub fn emit(content: &[u8], output: Option<&str>) -> Result<()> {
    crate::files::commit(vec![Output::new(output, |w| w.write_all(content))])
}

/// Like [`emit`], for output written as it is made (a million rows of CSV
/// are streamed, not held), together with the run's other files (`--freeze`):
/// all are committed together. Call it only once the run can no longer fail
/// but for writing: everything computed, only formatting left.
pub fn emit_with(
    output: Option<&str>,
    others: Vec<Output<'_>>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut outputs = vec![Output::new(output, write)];
    outputs.extend(others);
    crate::files::commit(outputs)
}

/// `view` in `format`, written as the output flags say to stdout or
/// `--output`, together with the run's other files (see [`emit_with`]).
pub fn show<'a, V: crate::output::View<'a>>(
    view: &V,
    format: Format,
    args: &OutputArgs,
    others: Vec<Output<'_>>,
) -> Result<()> {
    let rendered = crate::output::render(view, format, output_options(args, format)?)?;
    emit_with(args.output.as_deref(), others, |w| rendered.write_to(w))
}

/// How wide the table format may be: every column under `--wide`, else
/// `$COLUMNS` when set, else the terminal's width when the table goes to
/// one, else [`Layout::UNKNOWN_WIDTH`].
fn layout(args: &OutputArgs) -> Layout {
    if args.wide {
        return Layout::WIDE;
    }
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok());
    let to_terminal = args.output.as_deref().is_none_or(|o| o == "-");
    let terminal = to_terminal
        .then(|| terminal_size::terminal_size_of(std::io::stdout()))
        .flatten()
        .map(|(w, _)| usize::from(w.0));
    let width = from_env
        .filter(|&w| w > 0)
        .or(terminal)
        .unwrap_or(Layout::UNKNOWN_WIDTH);
    Layout { width: Some(width) }
}

/// The parameters of a run: frozen ones from `--params`, else fitted on `tables`.
pub fn fit_or_load(
    rubric: &Rubric,
    tables: &[&crate::input::Table],
    args: &crate::cli::ParamsArgs,
) -> Result<crate::engine::Params> {
    match &args.params {
        Some(path) => crate::params::from_path(path, rubric),
        None => crate::engine::fit(rubric, tables),
    }
}

/// The `--freeze FILE` output, if asked for: the parameters and the
/// statistics of `tables`, written with the run's other outputs.
pub fn freeze(
    rubric: &Rubric,
    tables: &[&crate::input::Table],
    params: &crate::engine::Params,
    args: &crate::cli::ParamsArgs,
) -> Result<Vec<Output<'static>>> {
    let Some(path) = &args.freeze else {
        return Ok(Vec::new());
    };
    let x = crate::engine::pooled_values(rubric, tables, &params.fill)?;
    let inputs: Vec<String> = tables
        .iter()
        .flat_map(|t| t.files.iter().map(|f| f.path.clone()))
        .collect();
    let content = crate::params::to_toml(rubric, params, &x, &inputs);
    Ok(vec![Output::bytes(Some(path), content.into_bytes())])
}

/// Reads data files and judges their cells' plausibility (SPEC "Data as
/// offices fill it in"): flagged cells become the table's first warnings,
/// or under `--strict` an error that lists them.
pub fn load_data(
    paths: &[String],
    rubric: &Rubric,
    options: &crate::input::ReadOptions,
    strict: bool,
) -> Result<crate::input::Table> {
    let mut table = crate::input::load(paths, rubric, options)?;
    crate::plausibility::judge(rubric, &mut table, strict)?;
    crate::util::release_free_memory();
    Ok(table)
}

/// How a panel command puts its periods on a scale (SPEC "Panels"): the
/// frozen `params`, else each period alone under `--per-period` (said on
/// stderr when it matters; `--freeze` and `--params` are then usage
/// errors), else one pooled scale.
pub fn panel_scale<'p>(
    rubric: &Rubric,
    data: &crate::cli::PanelData,
    params: Option<&'p str>,
    freeze: bool,
) -> Result<crate::pooling::Scale<'p>> {
    use crate::pooling::Scale;
    if !data.per_period {
        return Ok(params.map_or(Scale::Pooled, Scale::Frozen));
    }
    if freeze {
        return Err(
            Error::usage("--freeze writes one pooled scale, but --per-period fits each period alone")
                .help("leave out --per-period to freeze the panel's pooled scale"),
        );
    }
    if params.is_some() {
        return Err(Error::usage(
            "--params scores every period with frozen parameters, but --per-period fits each period alone",
        )
        .help("leave out one of them"));
    }
    if rubric.is_sample_relative() {
        eprintln!(
            "warning: --per-period: each period is fitted on its own units alone, so scores do not compare across periods (leave it out for one pooled scale)"
        );
    }
    Ok(Scale::Own)
}

/// Reads the periods of a panel command's data (see [`crate::panel::load`]).
pub fn load_panel(
    data: &crate::cli::PanelData,
    rubric: &Rubric,
    options: &crate::input::ReadOptions,
    strict: bool,
) -> Result<crate::panel::Panel> {
    crate::panel::load(&data.data, rubric, options, data.period.as_deref(), strict)
}

/// What `--of` names: a dimension by its id (or its name), else the
/// overall score. An unknown id is a usage error naming the closest.
pub fn measure(rubric: &Rubric, of: Option<&str>) -> Result<crate::panel::Measure> {
    use crate::panel::Measure;
    let Some(of) = of.map(str::trim) else {
        return Ok(Measure::Score);
    };
    if of == "score" {
        return Ok(Measure::Score);
    }
    if let Some(d) = rubric.dimensions.iter().position(|d| d.id == of || d.name == of) {
        return Ok(Measure::Dimension(d));
    }
    let ids = rubric.dimensions.iter().map(|d| d.id.as_str());
    let listed: Vec<&str> = ids.clone().collect();
    let error = Error::usage(format!(
        "--of {}: the rubric has no dimension of that id",
        crate::error::echo(of)
    ))
    .help(format!("the dimensions are {}", listed.join(", ")));
    Err(match crate::error::closest(of, ids) {
        Some(near) => error.help(format!("did you mean `{near}`?")),
        None => error,
    })
}

/// What an analysis of a panel (`disparity`, `dynamics`, `spatial`) sets
/// up from its flags before reading any data.
pub struct Analysis<'a> {
    pub format: crate::output::Format,
    pub rubric: Rubric,
    pub measure: crate::panel::Measure,
    pub scale: crate::pooling::Scale<'a>,
    pub options: crate::input::ReadOptions,
}

/// The setup of an analysis of a panel: the format, the rubric (its group
/// column replaced by `by`, read as the flag's), what is measured (`--of`),
/// the scale and the reading options.
pub fn analysis<'a>(args: &'a crate::cli::AnalysisArgs, by: Option<&str>) -> Result<Analysis<'a>> {
    let format = choose_format(&args.output)?;
    let mut rubric = load_rubric(&args.rubric)?;
    if let Some(by) = by {
        rubric.group_column = Some(by.to_string());
    }
    let measure = measure(&rubric, args.of.as_deref())?;
    let scale = panel_scale(&rubric, &args.panel, args.params.as_deref(), false)?;
    let mut options = args.read.options();
    options.skip_checksums = format != crate::output::Format::Json;
    options.group_from_flag = by.is_some();
    Ok(Analysis {
        format,
        rubric,
        measure,
        scale,
        options,
    })
}

/// Prints warnings on stderr.
pub fn warn_all(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

/// Checks `--uncertainty` and the flags that say how it re-scores before
/// any data is read: the vary flags without it are a usage error.
pub fn check_flags(rubric: &crate::rubric::Rubric, runs: Option<u64>, vary: &crate::cli::VaryArgs) -> Result<()> {
    match runs {
        None if vary.any() => Err(crate::Error::usage(
            "--seed, --weights, --normalize and --aggregate say how --uncertainty re-scores; they need --uncertainty RUNS",
        )
        .help("add --uncertainty 1000")),
        None => Ok(()),
        Some(_) => crate::sensitivity::check_settings(rubric, &vary.settings(1)),
    }
}

/// `--uncertainty RUNS` of `diff` and `report`: the year in `scored`
/// re-scored RUNS times (`pool` and `params` as its scoring had them), or
/// nothing without the flag. The vary flags without it are a usage error.
pub fn uncertainty(
    scored: &crate::engine::Scored,
    pool: &[&crate::input::Table],
    params: &crate::engine::Params,
    runs: Option<u64>,
    vary: &crate::cli::VaryArgs,
) -> Result<Option<crate::sensitivity::Robustness>> {
    check_flags(scored.rubric, runs, vary)?;
    let Some(runs) = runs else { return Ok(None) };
    let settings = vary.settings(usize::try_from(runs).unwrap_or(usize::MAX));
    let table = scored.table;
    let nominal = nominal_ranks(scored);
    let bar = crate::progress::rescoring(settings.runs);
    let robustness =
        crate::sensitivity::analyse(scored.rubric, table, pool, params, nominal, &settings, &|| bar.inc(1))?;
    bar.finish_and_clear();
    Ok(Some(robustness))
}

/// Each unit's rank in `scored` (`None` without a score), as the re-scorings compare them.
pub fn nominal_ranks(scored: &crate::engine::Scored) -> Vec<Option<u32>> {
    (0..scored.table.len())
        .map(|u| scored.rank(u).map(|r| u32::try_from(r).unwrap_or(u32::MAX)))
        .collect()
}

/// The unit `--unit` names (`explain`, `report`): its id, else its exact
/// label (the data's text, trimmed). A label several units share is an
/// error listing their ids; a name that matches nothing suggests close ids
/// and labels.
pub fn find_unit(table: &crate::input::Table, rubric: &Rubric, wanted: &str) -> Result<usize> {
    let wanted = wanted.trim();
    let units = 0..table.len();
    if let Some(u) = units.clone().find(|&u| table.id(u) == wanted) {
        return Ok(u);
    }
    let by_label: Vec<usize> = units
        .clone()
        .filter(|&u| table.label(u).is_some_and(|l| l.trim() == wanted))
        .collect();
    let quoted = |list: &mut dyn Iterator<Item = &str>| list.map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let shown = crate::error::echo(wanted);
    match by_label.as_slice() {
        [u] => return Ok(*u),
        [] => {}
        many => {
            const LISTED: usize = 10;
            let mut ids = quoted(&mut many.iter().take(LISTED).map(|&u| table.id(u)));
            if many.len() > LISTED {
                ids.push_str(&format!(" and {} more", many.len() - LISTED));
            }
            return Err(
                Error::data(format!("{} units are labelled `{shown}`: {ids}", many.len()))
                    .help("name one by its id, e.g. --unit ".to_string() + many.first().map_or("", |&u| table.id(u))),
            );
        }
    }
    let labels = units.clone().filter_map(|u| table.label(u));
    let mut close = crate::error::closest_n(wanted, units.map(|u| table.id(u)).chain(labels), 3);
    close.dedup();
    let what = if rubric.label_column.is_some() {
        "id or label"
    } else {
        "id"
    };
    let help = if close.is_empty() {
        let columns = match &rubric.label_column {
            Some(label) => format!("ids are in column `{}`, labels in `{label}`", rubric.id_column),
            None => format!("ids are in column `{}`", rubric.id_column),
        };
        format!("the {columns}; `linkscore score` lists them")
    } else {
        format!("did you mean {}?", quoted(&mut close.into_iter()))
    };
    Err(Error::data(format!("no unit with {what} `{shown}` in the data")).help(help))
}
