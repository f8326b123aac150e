//! `linkscore weights`: the weights actually used (SPEC "Weights").

use crate::cli::WeightsArgs;
use crate::engine;
use crate::error::{Error, Result};
use crate::output;
use crate::rubric::Weighting;

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
        let scores = engine::score(&rubric, &table)?.detach();
        (scores.weights, scores.warnings)
    };
    let view = output::weights::WeightsView::new(&rubric, &weights);
    super::show(&view, format, &args.output, Vec::new())?;
    super::warn_all(&warnings);
    Ok(())
}
