//! Thin entry point: parse the command line, start logging, dispatch.

use clap::Parser;

fn main() -> std::process::ExitCode {
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("SASAEAI_LOG", "info")).init();
    match sasaeai::cli::Cli::parse().run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            log::error!("{e}");
            eprintln!("sasaeai: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
