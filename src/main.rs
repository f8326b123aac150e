//! The `linkscore` executable: parse arguments, run, map errors to exit codes.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    linkscore::util::one_heap();
    let cli = match linkscore::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are not errors; everything else is bad usage.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // A linkscore error renders itself, `error: ` included; anything else gets the prefix.
        Err(e) => match e.downcast_ref::<linkscore::Error>() {
            Some(e) => {
                eprintln!("{e}");
                ExitCode::from(e.exit_code())
            }
            None => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
    }
}

fn run(cli: linkscore::cli::Cli) -> anyhow::Result<()> {
    linkscore::commands::run(cli)?;
    Ok(())
}
