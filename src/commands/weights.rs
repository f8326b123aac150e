//! `linkscore weights`: the weights actually used (SPEC "Weights").

use crate::cli::WeightsArgs;
use crate::engine;
use crate::error::{Error, Result};
use crate::output::{self, Format};
use crate::rubric::{Rubric, Weighting};

pub fn run(args: &WeightsArgs) -> Result<()> {
    let format = super::choose_format(&args.output)?;
    let rubric = super::load_rubric(&args.rubric)?;
    let needs_data = matches!(
        rubric.weighting,
        Weighting::Entropy | Weighting::Critic | Weighting::Combined
    );
    let (weights, warnings) = if args.data.is_empty() {
        if needs_data {
            return Err(Error::usage(format!(
                "weighting = \"{}\" takes its weights from the data: name the data file(s), e.g. `linkscore weights villages.csv --rubric {}`",
                rubric.weighting.as_str(),
                rubric.source.path
            )));
        }
        (engine::rubric_weights(&rubric)?, Vec::new())
    } else {
        let table = super::load_data(&args.data, &rubric, &args.read.options(), false)?;
        let scored = engine::score(&rubric, &table)?;
        (scored.weights, scored.warnings)
    };
    let sheet = output::weights_sheet(&rubric, &weights);
    let content = match format {
        Format::Csv => output::csv::render(&sheet),
        Format::Markdown => output::markdown::render(&sheet).into_bytes(),
        Format::Table => {
            let mut out = format!("weighting: {}\n", weights.method.as_str());
            if let Some(c) = rubric.combined() {
                out.push_str(&format!(
                    "combined ({} rule, alpha = {}): {} and {}\n",
                    if c.multiplicative { "multiplicative" } else { "linear" },
                    c.alpha,
                    if c.subjective == crate::rubric::Subjective::Ahp {
                        "ahp"
                    } else {
                        "explicit"
                    },
                    c.objective.as_str()
                ));
            }
            for line in ahp_lines(&rubric) {
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str(&output::table::render(&sheet));
            out.push('\n');
            out.into_bytes()
        }
        Format::Json => output::json::pretty(&serde_json::json!({
            "method": weights.method.as_str(),
            "weights": output::json::sheet_objects(&sheet),
        }))
        .into_bytes(),
        Format::Jsonl => output::json::lines(&output::json::sheet_objects(&sheet)).into_bytes(),
        Format::Xlsx => output::xlsx::workbook(&[("weights", &sheet), ("rubric", &output::rubric_sheet(&rubric))])?,
    };
    super::emit(&content, args.output.output.as_deref())?;
    super::warn_all(&warnings);
    Ok(())
}

/// One line per AHP matrix in use: λmax, CI and CR.
fn ahp_lines(rubric: &Rubric) -> Vec<String> {
    let Some(ahp) = rubric.ahp.as_ref().filter(|_| rubric.uses_ahp()) else {
        return Vec::new();
    };
    let line = |what: String, m: &crate::rubric::AhpMatrix| {
        format!(
            "AHP {what}: n = {}, λmax = {:.4}, CI = {:.4}, CR = {:.4}",
            m.items.len(),
            m.result.lambda_max,
            m.result.ci,
            m.result.cr
        )
    };
    let mut lines = Vec::new();
    if let Some(m) = &ahp.dimensions {
        lines.push(line("dimensions".into(), m));
    }
    for (d, m) in &ahp.indicators {
        lines.push(line(format!("indicators of {}", rubric.dimensions[*d].id), m));
    }
    lines
}
