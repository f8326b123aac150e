//! `linkscore weights`: the weights actually used (SPEC "Weights").

use crate::cli::WeightsArgs;
use crate::error::{Error, Result};
use crate::output::{self, Cell, Column, Format, Kind, Sheet};
use crate::rubric::{Rubric, Weighting};
use crate::{engine, input};

pub fn run(args: &WeightsArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let needs_data = matches!(
        rubric.weighting,
        Weighting::Entropy | Weighting::Critic | Weighting::Combined
    );
    let (weights, warnings) = if args.data.is_empty() {
        if needs_data {
            return Err(Error::Usage(format!(
                "weighting = \"{}\" takes its weights from the data: name the data file(s), e.g. `linkscore weights villages.csv --rubric {}`",
                rubric.weighting.as_str(),
                rubric.source.path
            )));
        }
        (engine::rubric_weights(&rubric)?, Vec::new())
    } else {
        let table = input::load(&args.data, &rubric, &args.read.options())?;
        let scored = engine::score(&rubric, &table)?;
        (scored.weights, scored.warnings)
    };
    let sheet = sheet(&rubric, &weights);
    let content = match format {
        Format::Csv => String::from_utf8_lossy(&output::csv::render(&sheet)).into_owned(),
        Format::Markdown => output::markdown::render(&sheet),
        Format::Table => format!(
            "weighting: {}\n{}\n",
            weights.method.as_str(),
            output::table::render(&sheet)
        ),
        Format::Json | Format::Jsonl => json(&sheet, &weights, format == Format::Jsonl),
    };
    super::emit(content.as_bytes(), args.output.output.as_deref())?;
    super::warn_all(&warnings);
    Ok(())
}

/// `level, id, parent, weight, global_weight`: dimensions, then indicators.
fn sheet(rubric: &Rubric, w: &engine::Weights) -> Sheet {
    let col = |key: &str, kind| Column {
        key: key.into(),
        title: key.into(),
        kind,
    };
    let columns = vec![
        col("level", Kind::Text),
        col("id", Kind::Text),
        col("parent", Kind::Text),
        col("weight", Kind::Index),
        col("global_weight", Kind::Index),
    ];
    let mut rows = Vec::new();
    for (d, dim) in rubric.dimensions.iter().enumerate() {
        rows.push(vec![
            Cell::Text("dimension".into()),
            Cell::Text(dim.id.clone()),
            Cell::Empty,
            Cell::Num(w.dimension[d]),
            Cell::Num(w.dimension[d]),
        ]);
    }
    for (i, ind) in rubric.indicators.iter().enumerate() {
        rows.push(vec![
            Cell::Text("indicator".into()),
            Cell::Text(ind.id.clone()),
            Cell::Text(rubric.dimensions[ind.dimension].id.clone()),
            Cell::Num(w.indicator[i]),
            Cell::Num(w.global[i]),
        ]);
    }
    Sheet { columns, rows }
}

fn json(sheet: &Sheet, w: &engine::Weights, lines: bool) -> String {
    let rows = output::json::sheet_objects(sheet);
    if lines {
        rows.iter().map(|r| format!("{r}\n")).collect()
    } else {
        let doc = serde_json::json!({ "method": w.method.as_str(), "weights": rows });
        format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default())
    }
}
