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
    /// Who runs the command, written into the audit log with the command. Required by every
    /// command that reads or changes personal data (import, export, match, print, check, user,
    /// audit, volunteer-centre, backup, restore).
    #[arg(long, global = true, env = "SASAEAI_OPERATOR")]
    pub operator: Option<String>,
    /// The audit chain's key file (default: beside the SQLite file, DB.audit-key; for
    /// PostgreSQL sasaeai-audit-DBNAME.key in the current folder). Back it up apart from the
    /// database.
    #[arg(long, global = true, env = "SASAEAI_AUDIT_KEY_FILE")]
    pub audit_key_file: Option<std::path::PathBuf>,
    /// The append-only file of anchored audit chain heads (default: beside the key file).
    #[arg(long, global = true, env = "SASAEAI_AUDIT_ANCHOR_FILE")]
    pub audit_anchor_file: Option<std::path::PathBuf>,
    /// Days after a plan was written when its printout gives it for review, where the plan
    /// names no review date (default 365).
    #[arg(long, global = true, env = "SASAEAI_PLAN_REVIEW_DAYS")]
    pub plan_review_days: Option<u32>,
    /// The volunteer centre's phone number, printed on the roster and dispatch slips (by
    /// `serve` and `volunteer-centre roster`); without it they leave a line to write it on.
    #[arg(long, global = true, env = "SASAEAI_CENTRE_PHONE")]
    pub centre_phone: Option<String>,
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
        /// Address to listen on. Behind a TLS proxy, or on a closed network: sessions travel as bearer tokens.
        #[arg(long, env = "SASAEAI_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Largest request body in bytes.
        #[arg(long, env = "SASAEAI_BODY_LIMIT_BYTES")]
        body_limit_bytes: Option<usize>,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "SASAEAI_WORKERS")]
        workers: Option<usize>,
        /// How district users see the register in normal times: opt_in, presumed or opt_out.
        #[arg(long, env = "SASAEAI_CONSENT_MODEL", value_parser = ["opt_in", "presumed", "opt_out"])]
        consent_model: Option<String>,
        /// Under `presumed`: days on the register without an answer before sharing.
        #[arg(long, env = "SASAEAI_PRESUMED_CONSENT_DAYS")]
        presumed_consent_days: Option<i64>,
        /// A tile URL for the pages' maps, e.g.
        /// https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png (地理院タイル); without it
        /// the maps need no internet and draw on a plain background.
        #[arg(long, env = "SASAEAI_BASEMAP_URL", value_parser = basemap_url)]
        basemap_url: Option<String>,
        /// Who the tiles are from, shown on the maps (e.g. 地理院タイル).
        #[arg(long, env = "SASAEAI_BASEMAP_ATTRIBUTION")]
        basemap_attribution: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Check whether the city's data lets plans be made: lists, in Japanese, what stops them
    /// and how to fix it. Exits 1 while a blocking finding remains.
    Check {
        /// Print the findings as JSON (the same as GET /api/v1/readiness).
        #[arg(long)]
        json: bool,
    },
    /// Propose supporters and shelters for a district's (or the whole city's) registrants;
    /// prints the summary as JSON.
    Match {
        /// District code (e.g. D01); the whole city when omitted.
        #[arg(long)]
        district: Option<String>,
    },
    /// Print a district's plans in one PDF, or its safety-check sheet; the copy is registered
    /// in the print register like one printed through the API.
    Print {
        #[command(subcommand)]
        what: PrintCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        what: AuditCommand,
    },
    /// The disaster volunteer centre: propose the day's teams, print the day's roster.
    #[command(name = "volunteer-centre")]
    VolunteerCentre {
        #[command(subcommand)]
        what: VolunteerCentreCommand,
    },
    /// Import districts (GeoJSON), hazard zones (GeoJSON), shelters (GSI CSV/GeoJSON, Digital
    /// Agency CSV) or registrants (CSV, see README "CSV exchange"); prints the report as JSON.
    Import {
        /// districts, hazards, shelters, registrants or supporters.
        #[arg(value_parser = ["districts", "hazards", "shelters", "registrants", "supporters"])]
        kind: String,
        /// Registrants: report every row's outcome and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The file to read.
        file: std::path::PathBuf,
        /// Shelters: gsi_csv, gsi_geo_json or digital_agency_csv (detected when omitted).
        #[arg(long)]
        format: Option<String>,
        /// utf8 or shift_jis (detected when omitted).
        #[arg(long)]
        encoding: Option<String>,
        /// Districts: property holding the name.
        #[arg(long)]
        name_property: Option<String>,
        /// Districts: property holding the code.
        #[arg(long)]
        code_property: Option<String>,
        /// Hazards: flood or landslide.
        #[arg(long)]
        hazard: Option<String>,
        /// Hazards: property holding the depth rank or zone class.
        #[arg(long)]
        level_property: Option<String>,
        /// Hazards: property holding the landslide phenomenon.
        #[arg(long)]
        phenomenon_property: Option<String>,
        /// Hazards: source label; re-importing a source replaces its zones (default: the file name).
        #[arg(long)]
        source: Option<String>,
    },
    /// Export the register to a file.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Write a consistent copy of the database to a new file (mode 0600), safe while the
    /// server runs: SQLite's VACUUM INTO, or pg_dump for PostgreSQL. Keep the audit key file
    /// apart from it.
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Restore a backup into an empty database (new, or without any rows of the register),
    /// then check its audit chain. Refuses a database that holds data.
    Restore {
        /// The backup file (a SQLite file or a pg_dump archive).
        file: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Every active registrant.
    Registrants {
        /// csv (Japanese headers, read back by `import registrants`) or geojson (for QGIS).
        #[arg(long, default_value = "csv", value_parser = ["csv", "geojson"])]
        format: String,
        /// CSV: utf8 (with BOM, default) or shift_jis.
        #[arg(long)]
        encoding: Option<String>,
        /// The file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PrintCommand {
    /// Every confirmed plan of a district (or of one priority tier), after a cover page.
    Plans {
        /// District code (e.g. D01).
        #[arg(long)]
        district: String,
        /// Only this priority tier: A, B, C or D.
        #[arg(long)]
        tier: Option<String>,
        /// Who receives and keeps the copy (recorded in the print register).
        #[arg(long)]
        holder: String,
        /// The PDF file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// The district's safety-check sheet (安否確認リスト).
    Sheet {
        /// District code (e.g. D01).
        #[arg(long)]
        district: String,
        /// Print only the destinations for this hazard (flood, landslide, …); default: every
        /// hazard of each person's plan.
        #[arg(long)]
        hazard: Option<String>,
        /// Who receives and keeps the copy (recorded in the print register).
        #[arg(long)]
        holder: String,
        /// The PDF file to write.
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from standard input (one line), never from a flag.
    Add {
        #[arg(long)]
        username: String,
        /// admin, staff, district, volunteer_centre or auditor.
        #[arg(long)]
        role: String,
        /// District code of a `district` user; repeat for several.
        #[arg(long = "district")]
        districts: Vec<String>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Set a new password for a user (when it is lost): read from standard input, one line.
    /// The user's open sessions end.
    Passwd {
        #[arg(long)]
        username: String,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the keyed hash chain and check it against every anchor: exit 0 when intact (the
    /// head is then appended to the anchor file), otherwise name the first problem and exit 1.
    /// Prints the head; keep it on paper too, to detect a cut tail later.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum VolunteerCentreCommand {
    /// Propose teams from the day's checked-in volunteers and open requests; prints the
    /// proposal as JSON.
    Propose {
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
    },
    /// Print the day's roster (活動者名簿) as PDF, registered in the print register.
    Roster {
        /// The day, YYYY-MM-DD.
        #[arg(long)]
        date: String,
        /// The PDF file to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// Who receives and keeps the copy (default: the centre's headquarters).
        #[arg(long, default_value = "")]
        holder: String,
    },
}

/// Errors that end a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Service(#[from] services::ServiceError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    AuditBroken(String),
    #[error("計画づくりを止めている項目があります（上の「要対応」）")]
    NotReady,
}

/// The readiness findings as lines for a person at a terminal.
fn print_readiness(readiness: &services::readiness::Readiness) {
    use services::readiness::Severity;
    if readiness.findings.is_empty() {
        println!("問題は見つかりませんでした。計画づくりを進められます。");
        return;
    }
    for f in &readiness.findings {
        let mark = match f.severity {
            Severity::Blocking => "要対応",
            Severity::Warning => "注意",
        };
        println!("[{mark}] {}", f.message);
        println!("    対処: {}", f.fix);
        if !f.ids.is_empty() {
            let ids: Vec<String> = f.ids.iter().map(i64::to_string).collect();
            let more = if f.count > f.ids.len() { " …" } else { "" };
            println!("    id: {}{more}", ids.join(", "));
        }
    }
    if readiness.ready {
        println!("要対応の項目はありません。注意の項目は、できるところから直してください。");
    }
}

/// A snake_case code as one of the import option enums.
fn code<T: serde::de::DeserializeOwned>(
    flag: &str,
    value: Option<&String>,
) -> Result<Option<T>, CliError> {
    value
        .map(|v| serde_json::from_value(serde_json::Value::String(v.clone())))
        .transpose()
        .map_err(|_| {
            CliError::Usage(format!(
                "--{flag}: unknown value {:?}",
                value.map_or("", |v| v.as_str())
            ))
        })
}

fn import_options(
    command: &Command,
    file: &std::path::Path,
) -> Result<services::imports::ImportOptions, CliError> {
    let Command::Import {
        format,
        encoding,
        name_property,
        code_property,
        hazard,
        level_property,
        phenomenon_property,
        source,
        ..
    } = command
    else {
        return Ok(services::imports::ImportOptions::default());
    };
    let file_name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    Ok(services::imports::ImportOptions {
        format: code("format", format.as_ref())?,
        encoding: code("encoding", encoding.as_ref())?,
        name_property: name_property.clone(),
        code_property: code_property.clone(),
        hazard: code("hazard", hazard.as_ref())?,
        level_property: level_property.clone(),
        phenomenon_property: phenomenon_property.clone(),
        source: source.clone().or(file_name),
        default_kind: None,
    })
}

/// A tile URL template: http(s), with the {z}, {x} and {y} the map fills in.
fn basemap_url(value: &str) -> Result<String, String> {
    let value = value.trim();
    let scheme_ok = value.starts_with("https://") || value.starts_with("http://");
    if scheme_ok && ["{z}", "{x}", "{y}"].iter().all(|p| value.contains(p)) {
        Ok(value.to_owned())
    } else {
        Err("a tile URL such as https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png".into())
    }
}

impl Cli {
    fn settings(&self) -> Settings {
        let mut settings = Settings::default();
        if let Some(url) = &self.database {
            settings.database_url.clone_from(url);
        }
        settings.audit_key_file.clone_from(&self.audit_key_file);
        settings
            .audit_anchor_file
            .clone_from(&self.audit_anchor_file);
        settings.plan_review_days = self.plan_review_days.unwrap_or(settings.plan_review_days);
        settings.centre_phone = self
            .centre_phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        if let Command::Serve {
            bind,
            body_limit_bytes,
            workers,
            consent_model,
            presumed_consent_days,
            basemap_url,
            basemap_attribution,
            ..
        } = &self.command
        {
            settings.basemap_url.clone_from(basemap_url);
            settings.basemap_attribution.clone_from(basemap_attribution);
            if let Some(model) = consent_model
                .as_deref()
                .and_then(|m| crate::domain::codes::ConsentModel::parse(m).ok())
            {
                settings.consent_model = model;
            }
            settings.presumed_consent_days =
                presumed_consent_days.unwrap_or(settings.presumed_consent_days);
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
        let operator = self.operator.as_deref();
        match self.command {
            Command::Migrate => {
                AppContext::open(settings)?;
                println!("migrations are up to date");
                Ok(())
            }
            Command::Serve { demo, .. } => serve(settings, demo),
            Command::Check { json } => {
                let (ctx, caller) = open_as(settings, operator)?;
                let readiness = services::readiness::check(&ctx, &caller)?;
                if json {
                    println!(
                        "{}",
                        serde_json::to_string_pretty(&readiness).unwrap_or_default()
                    );
                } else {
                    print_readiness(&readiness);
                }
                if readiness.ready {
                    Ok(())
                } else {
                    Err(CliError::NotReady)
                }
            }
            Command::Match { ref district } => {
                let (ctx, caller) = open_as(settings, operator)?;
                let district_id = match district {
                    Some(code) => Some(district_id(&ctx, code)?.0),
                    None => None,
                };
                let request = services::matching::RunRequest { district_id };
                let summary = services::matching::run(&ctx, &request, &caller)?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&summary).unwrap_or_default()
                );
                Ok(())
            }
            Command::Print { what } => print(settings, operator, what),
            Command::Backup { out } => {
                let (ctx, caller) = open_as(settings, operator)?;
                let report = services::backup::backup(&ctx, &caller, &out)?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
                eprintln!(
                    "wrote {} ({} bytes); keep the audit key {} too, apart from the backups",
                    report.file, report.bytes, report.audit_key_file
                );
                Ok(())
            }
            Command::Restore { file } => {
                let caller = operator_of(operator)?;
                let report = services::backup::restore(settings, &caller, &file)?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
                match &report.audit.first_broken {
                    None => Ok(()),
                    Some((id, why)) => Err(CliError::Usage(format!(
                        "restored, but the audit log does not verify at entry {id}: {why}"
                    ))),
                }
            }
            Command::User {
                what:
                    UserCommand::Add {
                        username,
                        role,
                        districts,
                        ..
                    },
            } => {
                let password = password_from_stdin()?;
                let (ctx, caller) = open_as(settings, operator)?;
                let user = services::access::add_user(
                    &ctx,
                    &caller,
                    &services::access::NewUser {
                        username: Some(username),
                        role: Some(role),
                        districts: Some(districts),
                        password: Some(password),
                    },
                )?;
                println!("{}", serde_json::to_string(&user).unwrap_or_default());
                Ok(())
            }
            Command::User {
                what: UserCommand::Passwd { username, .. },
            } => {
                let password = password_from_stdin()?;
                let (ctx, caller) = open_as(settings, operator)?;
                services::access::set_password(&ctx, &caller, &username, &password)?;
                println!(
                    "password of {} changed; their sessions were ended",
                    username.trim()
                );
                Ok(())
            }
            Command::Audit {
                what: AuditCommand::Verify,
            } => {
                let ctx = AppContext::open(settings)?;
                let check = services::access::anchor_now(&ctx)?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&check).unwrap_or_default()
                );
                match check.first_broken {
                    None => {
                        // For the paper record: a later cut or rewrite no longer matches it.
                        eprintln!(
                            "audit log intact. Head for the record: {} entries, last id {}, hash {}, anchored {} in {}",
                            check.entries,
                            check.last_id,
                            check.head_hash,
                            check
                                .anchored_at
                                .map(crate::domain::time::rfc3339)
                                .unwrap_or_default(),
                            check.anchor_file
                        );
                        Ok(())
                    }
                    Some((0, why)) => {
                        Err(CliError::AuditBroken(format!("audit log broken: {why}")))
                    }
                    Some((id, why)) => Err(CliError::AuditBroken(format!(
                        "audit log broken at entry {id}: {why}"
                    ))),
                }
            }
            Command::VolunteerCentre { what } => volunteer_centre(settings, operator, what),
            Command::Export { what } => export(settings, operator, what),
            Command::Import {
                ref kind,
                ref file,
                dry_run,
                ref encoding,
                ..
            } if kind == "registrants" || kind == "supporters" => {
                let encoding = code("--encoding", encoding.as_ref())?;
                let bytes = std::fs::read(file)?;
                let (ctx, caller) = open_as(settings, operator)?;
                let import = if kind == "registrants" {
                    services::exchange::import_registrants
                } else {
                    services::exchange::import_supporters
                };
                let report = import(&ctx, &bytes, encoding, dry_run, &caller)?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
                Ok(())
            }
            Command::Import {
                ref kind, ref file, ..
            } => {
                let options = import_options(&self.command, file)?;
                let kind = services::imports::ImportKind::parse(kind)
                    .ok_or_else(|| CliError::Usage(format!("unknown kind {kind}")))?;
                let bytes = std::fs::read(file)?;
                let (ctx, caller) = open_as(settings, operator)?;
                let report = services::imports::import(&ctx, kind, &bytes, &options, &caller)?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
                Ok(())
            }
        }
    }
}

/// The command line runs on the server itself, with the rights of an administrator; its
/// reads and prints are audited under the operating-system user's name.
/// One line of standard input, without its line end: passwords never come from a flag, which
/// other users of the machine could read in the process list.
fn password_from_stdin() -> Result<String, CliError> {
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;
    Ok(password.trim_end_matches(['\r', '\n']).to_owned())
}

/// The named operator of a command that touches personal data, as the caller of the services
/// it runs (with an administrator's rights: the command line runs on the server itself).
///
/// # Errors
/// [`CliError::Usage`] without a name.
fn operator_of(name: Option<&str>) -> Result<services::access::Caller, CliError> {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| {
            CliError::Usage(
                "this command reads or changes personal data: name who runs it with \
             --operator NAME (or SASAEAI_OPERATOR=NAME)"
                    .to_owned(),
            )
        })?;
    Ok(services::access::Caller::local(&format!("cli:{name}")))
}

/// Creates (or empties) an output file that only its owner can read: exports and prints hold
/// personal data, and a file made with the usual umask (0644) is readable by every user of the
/// machine. A file that already existed is set to 0600 too, before anything is written to it.
fn create_private(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(file)
}

/// Opens the database for a named operator and records the command they run (its arguments;
/// passwords never come as arguments) in the audit log.
///
/// # Errors
/// [`CliError::Usage`] without an operator; the database's errors.
fn open_as(
    settings: Settings,
    operator: Option<&str>,
) -> Result<(AppContext, services::access::Caller), CliError> {
    let caller = operator_of(operator)?;
    let ctx = AppContext::open(settings)?;
    let command: Vec<String> = std::env::args().skip(1).collect();
    services::access::record(
        &ctx,
        services::access::caller_record(
            &caller,
            "command",
            &format!("sasaeai {}", command.join(" ")),
            Vec::new(),
            Vec::new(),
        ),
    )?;
    Ok((ctx, caller))
}

fn export(settings: Settings, operator: Option<&str>, what: ExportCommand) -> Result<(), CliError> {
    let ExportCommand::Registrants {
        format,
        encoding,
        out,
    } = what;
    let (ctx, caller) = open_as(settings, operator)?;
    let bytes = if format == "geojson" {
        services::exchange::export_geojson(&ctx, &caller, services::exchange::Layer::Registrants)?
    } else {
        let encoding =
            code("--encoding", encoding.as_ref())?.unwrap_or(crate::exchange::Encoding::Utf8);
        services::exchange::export_registrants_csv(&ctx, &caller, encoding)?
    };
    let mut file = create_private(&out)?;
    std::io::Write::write_all(&mut file, &bytes)?;
    file.sync_all()?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

fn district_id(ctx: &AppContext, code: &str) -> Result<crate::domain::DistrictId, CliError> {
    services::districts::list(ctx)?
        .into_iter()
        .find(|d| d.code == code)
        .map(|d| d.id)
        .ok_or_else(|| CliError::Usage(format!("no district with code {code}")))
}

/// A progress bar on standard error: `[########------------]  120/500 plans`.
fn progress_bar(what: &'static str) -> impl FnMut(usize, usize) {
    use std::io::Write;
    move |done, all| {
        const WIDTH: usize = 30;
        let filled = WIDTH * done / all.max(1);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {done:>5}/{all} {what}",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled)
        );
        if done == all {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

fn print(settings: Settings, operator: Option<&str>, what: PrintCommand) -> Result<(), CliError> {
    use std::io::Write;
    let (ctx, caller) = open_as(settings, operator)?;
    let (PrintCommand::Plans { district, out, .. } | PrintCommand::Sheet { district, out, .. }) =
        &what;
    let id = district_id(&ctx, district)?;
    // Open the output before printing: no copy is registered that could not be written.
    let mut file = create_private(out)?;
    let batch = match &what {
        PrintCommand::Plans { tier, holder, .. } => {
            let query = services::printing::BatchQuery {
                holder: Some(holder.clone()),
                tier: tier.clone(),
                tear_off: None,
            };
            services::printing::district_plans_pdf(
                &ctx,
                id,
                &query,
                &caller,
                &mut progress_bar("plans"),
            )
        }
        PrintCommand::Sheet { holder, hazard, .. } => services::printing::safety_sheet_pdf(
            &ctx,
            id,
            holder,
            hazard.as_deref(),
            &caller,
            &mut progress_bar("rows"),
        ),
    };
    let batch = match batch {
        Ok(batch) => batch,
        Err(e) => {
            drop(file);
            let _ = std::fs::remove_file(out);
            return Err(e.into());
        }
    };
    file.write_all(&batch.bytes)?;
    file.sync_all()?;
    println!(
        "{}",
        serde_json::json!({
            "serial": batch.serial,
            "printed": batch.printed,
            "omitted": batch.omitted,
            "file": out.display().to_string(),
            "bytes": batch.bytes.len(),
        })
    );
    Ok(())
}

fn volunteer_centre(
    settings: Settings,
    operator: Option<&str>,
    what: VolunteerCentreCommand,
) -> Result<(), CliError> {
    use services::volunteer_centre as centre;
    use std::io::Write;
    let day = |date: &str| {
        centre::parse_day("date", date)
            .map_err(|_| CliError::Usage(format!("--date: expected YYYY-MM-DD, got {date:?}")))
    };
    match what {
        VolunteerCentreCommand::Propose { date } => {
            let day = day(&date)?;
            let (ctx, caller) = open_as(settings, operator)?;
            let proposal = centre::propose(&ctx, &caller, day)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&proposal).unwrap_or_default()
            );
        }
        VolunteerCentreCommand::Roster { date, out, holder } => {
            let day = day(&date)?;
            let (ctx, caller) = open_as(settings, operator)?;
            // Open the output first: no copy is registered that could not be written.
            let mut file = create_private(&out)?;
            let printed = match centre::roster_pdf(&ctx, day, &holder, &caller) {
                Ok(p) => p,
                Err(e) => {
                    drop(file);
                    let _ = std::fs::remove_file(&out);
                    return Err(e.into());
                }
            };
            file.write_all(&printed.bytes)?;
            file.sync_all()?;
            println!(
                "{}",
                serde_json::json!({
                    "serial": printed.serial,
                    "file": out.display().to_string(),
                    "bytes": printed.bytes.len(),
                })
            );
        }
    }
    Ok(())
}

fn serve(settings: Settings, demo: bool) -> Result<(), CliError> {
    let bind = settings.bind;
    let ctx = Arc::new(AppContext::open(settings)?);
    if demo {
        match services::demo::load(&ctx)? {
            Some(s) => log::info!(
                "demo town loaded: {} districts, {} hazard zones, {} shelters, {} registrants, {} supporters, {} confirmed plans",
                s.districts,
                s.hazard_zones,
                s.shelters,
                s.registrants,
                s.supporters,
                s.plans
            ),
            None => log::info!("database already holds data; demo town not loaded"),
        }
        let users = services::demo::users(&ctx)?;
        if !users.is_empty() {
            // Shown once, on the console, never in the log: store them or add your own users
            // with `sasaeai user add`.
            eprintln!("demo users (passwords are shown only now):");
            for (name, role, password) in users {
                eprintln!("  {name:<16} {:<17} {password}", role.as_str());
            }
        }
    }
    let listener = TcpListener::bind(bind)?;
    let addr = listener.local_addr()?;
    anchor_daily(ctx.clone())?;
    if addr.ip().is_loopback() {
        log::info!(
            "listening on http://{addr} (loopback only; --bind 0.0.0.0:8080 serves the network)"
        );
    } else {
        log::info!(
            "listening on http://{addr}, reachable from other machines; every API call needs a login. \
             Put TLS in front (a reverse proxy) before exposing it beyond a trusted network"
        );
    }
    log::info!("API documentation at http://{addr}/api/v1/docs/");
    actix_web::rt::System::new().block_on(crate::http::serve(ctx, listener)?)?;
    Ok(())
}

/// Anchors the audit chain's head now and then every `audit_anchor_interval`, on a thread of
/// its own (checking a long log takes a while; requests are served meanwhile). A broken chain
/// is logged, not anchored, and the server goes on: the register is needed in a disaster.
fn anchor_daily(ctx: Arc<AppContext>) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("audit-anchor".into())
        .spawn(move || {
            loop {
                match services::access::anchor_now(&ctx) {
                    Ok(check) => match check.first_broken {
                        None => log::info!(
                            "audit log intact and anchored: {} entries, head {}",
                            check.entries,
                            check.head_hash
                        ),
                        Some((id, why)) => log::error!(
                            "audit log broken (entry {id}): {why}; not anchored. Run sasaeai audit verify"
                        ),
                    },
                    Err(e) => log::error!("audit log not anchored: {e}"),
                }
                std::thread::sleep(ctx.settings.audit_anchor_interval);
            }
        })
        .map(drop)
}
