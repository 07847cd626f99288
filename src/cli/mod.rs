//! The command line: `serve`, `migrate`. Each command calls the same services as HTTP.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::services::{self, AppContext};

/// sasaeai: the evacuation-support register (避難行動要支援者名簿) of a city.
#[derive(Debug, Parser)]
#[command(name = "sasaeai", version, about)]
pub struct Cli {
    /// Database URL: sqlite://PATH (default sqlite://sasaeai.db) or postgres://USER:PASS@HOST/DB.
    #[arg(long, global = true, env = "SASAEAI_DATABASE_URL")]
    pub database: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API (migrations are applied first).
    Serve {
        /// Load the demo town (geodata/ and a synthetic population) into an empty database.
        #[arg(long)]
        demo: bool,
        /// Address to listen on. Until access control exists, keep the default loopback address.
        #[arg(long, env = "SASAEAI_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Largest request body in bytes.
        #[arg(long, env = "SASAEAI_BODY_LIMIT_BYTES")]
        body_limit_bytes: Option<usize>,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "SASAEAI_WORKERS")]
        workers: Option<usize>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
}

/// Errors that end a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Service(#[from] services::ServiceError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Cli {
    fn settings(&self) -> Settings {
        let mut settings = Settings::default();
        if let Some(url) = &self.database {
            settings.database_url.clone_from(url);
        }
        if let Command::Serve {
            bind,
            body_limit_bytes,
            workers,
            ..
        } = &self.command
        {
            settings.bind = *bind;
            settings.body_limit_bytes = body_limit_bytes.unwrap_or(settings.body_limit_bytes);
            settings.workers = workers.unwrap_or(settings.workers);
        }
        settings
    }

    /// Runs the command.
    ///
    /// # Errors
    /// [`CliError`] when the database cannot be opened or the server cannot start.
    pub fn run(self) -> Result<(), CliError> {
        let settings = self.settings();
        match self.command {
            Command::Migrate => {
                AppContext::open(settings)?;
                println!("migrations are up to date");
                Ok(())
            }
            Command::Serve { demo, .. } => serve(settings, demo),
        }
    }
}

fn serve(settings: Settings, demo: bool) -> Result<(), CliError> {
    let bind = settings.bind;
    let ctx = Arc::new(AppContext::open(settings)?);
    if demo {
        match services::demo::load(&ctx)? {
            Some(s) => log::info!(
                "demo town loaded: {} districts, {} hazard zones, {} shelters, {} registrants, {} supporters",
                s.districts,
                s.hazard_zones,
                s.shelters,
                s.registrants,
                s.supporters
            ),
            None => log::info!("database already holds data; demo town not loaded"),
        }
    }
    let listener = TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    if addr.ip().is_loopback() {
        log::info!(
            "listening on http://{addr} (loopback only: access control is not in place yet)"
        );
    } else {
        log::warn!(
            "listening on http://{addr}, reachable from other machines, WITHOUT access control: \
             anyone who can reach this address can read and change the register"
        );
    }
    log::info!("API documentation at http://{addr}/api/v1/docs/");
    actix_web::rt::System::new().block_on(crate::http::serve(ctx, listener)?)?;
    Ok(())
}
