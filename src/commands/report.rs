//! `linkscore report DATA... -o report.html [--previous OLD] [--unit ID]...`:
//! one self-contained HTML page with charts (SPEC "Reports").

use crate::cli::ReportArgs;
use crate::diff::Comparison;
use crate::error::{Error, Result};
use crate::{engine, input, pooling, report};

pub fn run(args: &ReportArgs) -> Result<()> {
    check_output(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    super::check_flags(&rubric, args.uncertainty, &args.vary)?;
    let mut options = args.read.options();
    options.skip_checksums = true;
    if args.key.is_some() && args.map.is_none() && args.neighbours.is_none() {
        return Err(Error::usage("--key names the property of a GeoJSON file's features that holds the unit ids: it needs --map or --neighbours")
            .help("add --map FILE.geojson, or leave out --key"));
    }
    // The map and the neighbours are read first: a wrong file fails before any scoring.
    let map = args
        .map
        .as_deref()
        .map(|path| crate::shapes::read(path, args.key.as_deref()))
        .transpose()?;
    let neighbours = args
        .neighbours
        .as_deref()
        .map(|path| {
            let source = crate::spatial::Source::from_path(path, false, args.key.as_deref(), false)?;
            crate::spatial::load(&source)
        })
        .transpose()?;
    if is_panel(args, &rubric) {
        return run_panel(args, &rubric, &options, map, neighbours.as_ref());
    }
    let table = super::load_data(&args.data, &rubric, &options, args.strict.strict)?;
    let units = find_units(&table, &rubric, &args.unit)?;
    let mut report_options = report::Options {
        title: args.title.clone(),
        inputs: args.data.clone(),
        previous: args.previous.clone(),
        units,
        movers: args.top,
        map,
        ..report::Options::default()
    };
    let page = match &args.previous {
        None => {
            let params = engine::fit(&rubric, &[&table])?;
            let scored = engine::apply(&rubric, &table, &params)?;
            let robustness = super::uncertainty(&scored, &[&table], &params, args.uncertainty, &args.vary)?;
            report_options.uncertainty = robustness.map(|r| (r.settings.runs, r.intervals));
            let map_warnings = places(&scored, &mut report_options, neighbours.as_ref())?;
            let page = report::render(&scored, None, &report_options);
            super::warn_all(&scored.warnings);
            super::warn_all(&map_warnings);
            page
        }
        Some(previous) => {
            let old = super::load_data(std::slice::from_ref(previous), &rubric, &options, args.strict.strict)?;
            let names = args.data.join(", ");
            // The years are pooled as `diff` pools them.
            let scales = pooling::year_scales(&rubric, (&old, previous), (&table, &names), None, false)?;
            if let Some(message) = &scales.message {
                eprintln!("{message}");
            }
            let old_scored = engine::apply(&rubric, &old, &scales.old)?;
            let new_scored = engine::apply(&rubric, &table, &scales.new)?;
            let mut comparison = Comparison::new(&old_scored, &new_scored);
            let robustness = super::uncertainty(&new_scored, &scales.pool, &scales.new, args.uncertainty, &args.vary)?;
            if let Some(r) = robustness {
                comparison.uncertainty = Some(r.intervals.clone());
                report_options.uncertainty = Some((r.settings.runs, r.intervals));
            }
            let map_warnings = places(&new_scored, &mut report_options, neighbours.as_ref())?;
            let page = report::render(&new_scored, Some(&comparison), &report_options);
            let mut warnings: Vec<String> = old_scored.warnings.iter().map(|w| format!("{previous}: {w}")).collect();
            warnings.extend(new_scored.warnings.iter().cloned());
            warnings.extend(map_warnings);
            super::warn_all(&warnings);
            page
        }
    };
    super::emit(page.as_bytes(), Some(&args.output))
}

/// The map checked against the reported scores, and with neighbours the
/// spatial statistics of those scores (into `options`); the warnings of both.
fn places(
    scored: &engine::Scored,
    options: &mut report::Options,
    neighbours: Option<&crate::spatial::Graph>,
) -> Result<Vec<String>> {
    let mut warnings = check_map(scored, options)?;
    if let Some(graph) = neighbours {
        warnings.extend(graph.warnings.iter().cloned());
        let values = crate::panel::period_values("", scored, crate::panel::Measure::Score);
        let settings = crate::spatial::Settings::default();
        let period = crate::spatial::period(&values, graph, crate::spatial::Transform::Row, &settings)?;
        warnings.extend(
            period
                .warnings
                .iter()
                .map(|w| w.trim_start_matches("period : ").to_string()),
        );
        warnings.extend(period.moran.warnings.iter().cloned());
        options.spatial = Some(period);
    }
    Ok(warnings)
}

/// Whether the data is a panel: an argument labelled `LABEL=PATH`, or a
/// period column named by `--period` or the rubric.
fn is_panel(args: &ReportArgs, rubric: &crate::rubric::Rubric) -> bool {
    args.period.is_some()
        || rubric.period_column.is_some()
        || args.data.iter().any(|a| crate::panel::Source::split(a).0.is_some())
}

/// The report on a panel: its last period, scored on the panel's pooled
/// scale, compared with the period before it, with the trend over all
/// periods and the disparity of the score by period.
fn run_panel(
    args: &ReportArgs,
    rubric: &crate::rubric::Rubric,
    options: &input::ReadOptions,
    map: Option<crate::shapes::Shapes>,
    neighbours: Option<&crate::spatial::Graph>,
) -> Result<()> {
    if args.previous.is_some() {
        return Err(Error::usage(
            "--previous names the year to compare with, but the data is a panel: the report compares its last two periods",
        )
        .help("leave out --previous (or give the earlier year as a period: 2023=old.csv 2024=new.csv)"));
    }
    let panel = crate::panel::load(&args.data, rubric, options, args.period.as_deref(), args.strict.strict)?;
    let scoring = crate::panel::score(rubric, &panel, crate::pooling::Scale::Pooled)?;
    let (Some(last), Some(last_period)) = (scoring.periods.last(), panel.periods.last()) else {
        return Err(Error::data("the panel has no period: the data has no unit"));
    };
    let before = scoring
        .periods
        .len()
        .checked_sub(2)
        .and_then(|p| scoring.periods.get(p));
    let mut comparison = before.map(|old| Comparison::new(old, last));
    let params = scoring
        .scales
        .of(scoring.periods.len() - 1)
        .ok_or_else(|| Error::data("internal error: the last period has no parameters"))?;
    let robustness = super::uncertainty(last, &panel.tables(), params, args.uncertainty, &args.vary)?;
    let values = scoring.values(&panel, crate::panel::Measure::Score);
    let mut disparity = crate::disparity::panel::panel(&values, rubric.group_column.is_some())?;
    let disparity_warnings = std::mem::take(&mut disparity.warnings);
    let summaries = panel
        .periods
        .iter()
        .zip(&scoring.periods)
        .map(|(period, scored)| crate::panel::summary(&period.label, scored))
        .collect();
    let mut report_options = report::Options {
        title: args.title.clone(),
        inputs: args.data.clone(),
        previous: before.and(panel.periods.iter().rev().nth(1)).map(|p| p.label.clone()),
        units: find_units(&last_period.table, rubric, &args.unit)?,
        movers: args.top,
        map,
        ..report::Options::default()
    };
    if let Some(r) = robustness {
        if let Some(c) = &mut comparison {
            c.uncertainty = Some(r.intervals.clone());
        }
        report_options.uncertainty = Some((r.settings.runs, r.intervals));
    }
    // Dynamics need two periods and enough data; what they cannot say is left
    // out of the page with a warning rather than failing the report.
    let dynamics = if panel.periods.len() < 2 {
        None
    } else {
        let all = crate::dynamics::Part::ALL;
        match crate::dynamics::analyse(&values, &all, &crate::dynamics::Settings::default()) {
            Ok(d) => Some(d),
            Err(e) => {
                eprintln!("warning: the report leaves out the dynamics section: {}", e.headline());
                None
            }
        }
    };
    let dynamics_warnings = dynamics.as_ref().map(|d| d.warnings.clone()).unwrap_or_default();
    report_options.panel = Some(report::PanelFigures {
        summaries,
        disparity: Some(disparity),
        dynamics,
    });
    let map_warnings = places(last, &mut report_options, neighbours)?;
    let page = report::render(last, comparison.as_ref(), &report_options);
    let mut warnings = scoring.warnings(&panel);
    warnings.extend(map_warnings);
    warnings.extend(disparity_warnings);
    warnings.extend(dynamics_warnings);
    super::warn_all(&warnings);
    super::emit(page.as_bytes(), Some(&args.output))
}

/// With `--map`: the map matched against the units the page maps (an
/// error when none matches), and its warnings.
fn check_map(scored: &engine::Scored, options: &report::Options) -> Result<Vec<String>> {
    options
        .map
        .as_ref()
        .map_or(Ok(Vec::new()), |shapes| report::check_map(scored, shapes))
}

/// The report is a web page: `-o` must name an `.html` or `.htm` file.
fn check_output(path: &str) -> Result<()> {
    let html = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    if html {
        return Ok(());
    }
    let stem = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && *s != "-")
        .unwrap_or("report");
    Err(Error::usage(format!(
        "the report is an HTML page, but -o {path} does not end in .html or .htm"
    ))
    .help(format!("use -o {stem}.html")))
}

/// The indices of the units named by `--unit` (an id or a label), each
/// once, in the order given.
fn find_units(table: &input::Table, rubric: &crate::rubric::Rubric, wanted: &[String]) -> Result<Vec<usize>> {
    let mut found = Vec::new();
    for name in wanted {
        let u = super::find_unit(table, rubric, name)?;
        if !found.contains(&u) {
            found.push(u);
        }
    }
    Ok(found)
}
