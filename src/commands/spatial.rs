//! `linkscore spatial PANEL... (--neighbours SOURCE | --coords LON,LAT)`:
//! whether neighbouring units have similar values (SPEC "Spatial").

use crate::cli::{Contiguity, SpatialArgs, TransformArg};
use crate::error::{Error, Result};
use crate::output::spatial::SpatialView;
use crate::spatial::{self, Nearest, Source, Transform};

pub fn run(all: &SpatialArgs) -> Result<()> {
    let args = &all.analysis;
    let super::Analysis {
        format,
        rubric,
        measure,
        scale,
        options,
    } = super::analysis(args, None)?;
    let settings = settings(all)?;
    let nearest = nearest(all)?;
    let (source, described) = match (&all.neighbours, nearest) {
        (Some(path), _) => {
            let rook = all.contiguity == Contiguity::Rook;
            let source = Source::from_path(path, all.symmetric, all.key.as_deref(), rook)?;
            let rule = match &source {
                Source::GeoJson { .. } if rook => " (rook)",
                Source::GeoJson { .. } => " (queen)",
                _ => "",
            };
            (source, format!("{path}{rule}"))
        }
        (None, Some(nearest)) => {
            let units = coordinates(all, &rubric, &options)?;
            let described = match nearest {
                Nearest::Knn(k) => format!("{} nearest by {}", k, all.coords.join(",")),
                Nearest::Band(km) => format!("within {km} km by {}", all.coords.join(",")),
            };
            (Source::Coords { units, nearest }, described)
        }
        (None, None) => {
            return Err(Error::usage(
                "name the neighbours: --neighbours FILE, or --coords LON,LAT",
            ));
        }
    };
    let graph = spatial::load(&source)?;
    let panel = super::load_panel(&args.panel, &rubric, &options, args.strict.strict)?;
    let scoring = crate::panel::score(&rubric, &panel, scale)?;
    let values = scoring.values(&panel, measure);
    let transform = match all.transform {
        TransformArg::Row => Transform::Row,
        TransformArg::Binary => Transform::Binary,
    };
    let periods = values
        .iter()
        .map(|v| spatial::period(v, &graph, transform, &settings))
        .collect::<Result<Vec<_>>>()?;
    let tables = panel.tables();
    let view = SpatialView::new(&periods, &tables, &rubric, measure.id(&rubric), all.global, &described);
    super::show(&view, format, &args.output, Vec::new())?;
    let mut warnings = scoring.warnings(&panel);
    warnings.extend(graph.warnings.iter().cloned());
    for p in &periods {
        warnings.extend(p.warnings.iter().cloned());
        warnings.extend(p.moran.warnings.iter().map(|w| format!("period {}: {w}", p.label)));
    }
    super::warn_all(&warnings);
    Ok(())
}

/// The permutation settings, `--alpha` in (0, 1).
fn settings(all: &SpatialArgs) -> Result<spatial::Settings> {
    if !(all.alpha > 0.0 && all.alpha < 1.0) {
        return Err(
            Error::usage(format!("--alpha {} must be between 0 and 1", all.alpha)).help("for example --alpha 0.05")
        );
    }
    Ok(spatial::Settings {
        permutations: usize::try_from(all.permutations).unwrap_or(usize::MAX),
        seed: all.seed,
        alpha: all.alpha,
    })
}

/// How coordinates make neighbours (`--knn`, default 6, or `--distance`),
/// when `--coords` is given; the flags without it are usage errors.
fn nearest(all: &SpatialArgs) -> Result<Option<Nearest>> {
    if all.coords.is_empty() {
        if all.knn.is_some() || all.distance.is_some() {
            return Err(Error::usage(
                "--knn and --distance find neighbours by coordinates: they need --coords LON,LAT",
            ));
        }
        return Ok(None);
    }
    if all.coords.len() != 2 {
        return Err(Error::usage(format!(
            "--coords names two columns, longitude then latitude, not {}",
            all.coords.len()
        ))
        .help("for example --coords lon,lat"));
    }
    Ok(Some(match all.distance {
        Some(km) if km.is_finite() && km > 0.0 => Nearest::Band(km),
        Some(km) => {
            return Err(Error::usage(format!(
                "--distance {km} must be a positive number of kilometres"
            )));
        }
        None => Nearest::Knn(usize::try_from(all.knn.unwrap_or(6)).unwrap_or(usize::MAX)),
    }))
}

/// Each unit's longitude and latitude from the data's `--coords` columns:
/// the panel read a second time for those two columns only (as raw
/// numbers), the first value an id has in the panel's periods.
fn coordinates(
    all: &SpatialArgs,
    rubric: &crate::rubric::Rubric,
    options: &crate::input::ReadOptions,
) -> Result<Vec<(String, f64, f64)>> {
    let (Some(lon), Some(lat), Some(first)) = (all.coords.first(), all.coords.get(1), rubric.indicators.first()) else {
        return Ok(Vec::new());
    };
    let mut reader = rubric.clone();
    reader.indicators = [lon, lat]
        .iter()
        .map(|column| crate::rubric::Indicator {
            id: column.to_string(),
            column: column.to_string(),
            name: column.to_string(),
            ..first.clone()
        })
        .collect();
    let panel = super::load_panel(&all.analysis.panel, &reader, options, false)?;
    let mut seen = std::collections::HashSet::new();
    let mut units = Vec::new();
    for period in &panel.periods {
        let table = &period.table;
        for u in 0..table.len() {
            if let (Some(x), Some(y)) = (table.value(0, u), table.value(1, u))
                && seen.insert(table.id(u).to_string())
            {
                units.push((table.id(u).to_string(), x, y));
            }
        }
    }
    Ok(units)
}
