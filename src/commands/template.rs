//! `linkscore template --rubric FILE -o FORM`: the blank form a county office
//! sends out, with exactly the columns the rubric reads.

use crate::cli::TemplateArgs;
use crate::error::{Error, Result};
use crate::output::template::{csv, xlsx};

pub fn run(args: &TemplateArgs) -> Result<()> {
    let ext = std::path::Path::new(&args.output)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let rubric = super::load_rubric(&args.rubric)?;
    let content = match ext.as_str() {
        "xlsx" => xlsx(&rubric)?,
        "csv" => csv(&rubric),
        _ => {
            return Err(
                Error::usage(format!("the form must be .xlsx or .csv, not `{}`", args.output))
                    .help("e.g. -o 填报模板.xlsx"),
            );
        }
    };
    super::emit(&content, Some(&args.output))?;
    let rubric_arg = if rubric.source.builtin {
        String::new()
    } else {
        format!(" --rubric {}", rubric.source.path)
    };
    eprintln!(
        "wrote {} with {} indicator columns; check returned data with `linkscore check{rubric_arg} FILE`",
        args.output,
        rubric.indicators.len(),
    );
    Ok(())
}
