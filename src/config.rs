//! Settings: defaults, then `SASAEAI_*` environment variables, then command-line flags.
//!
//! Built once in `main` (or by a test) and passed down; nothing reads the environment later.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Everything a running service needs to know about its deployment.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit_bytes: usize,
    /// Largest uploaded file (imports), in bytes.
    pub import_limit_bytes: usize,
    /// Items per page when a list request names no limit.
    pub list_limit_default: i64,
    /// Largest page a list request may ask for; larger limits are capped to it.
    pub list_limit_max: i64,
    /// Database connections kept open.
    pub pool_size: u32,
    /// How long a request waits for a database connection before answering 503.
    pub db_timeout: Duration,
    /// HTTP worker threads (0: one per core).
    pub workers: usize,
    /// A home outside every district but within this many metres of one belongs to the nearest
    /// and is flagged for review (slivers between neighbouring polygons are normal).
    pub district_tolerance_m: f64,
    /// Points of each factor of the plan-making priority.
    pub priority_weights: crate::domain::priority::PriorityWeights,
    /// How register data reaches district users in normal times (docs/domain.md).
    pub consent_model: crate::domain::codes::ConsentModel,
    /// Under `presumed`, days on the register without an answer after which consent is presumed.
    pub presumed_consent_days: i64,
    /// How long a login session lasts.
    pub session_ttl: Duration,
    /// Failed logins for one user name from one client address within `login_window` (default
    /// 5) after which that address must wait before trying that name again. Only that address
    /// waits: the real user logging in from elsewhere is not locked out.
    pub login_max_failures: usize,
    /// Failed logins from one client address within `login_window`, for any names (default
    /// 20), after which that address must wait before trying any name: one client guessing
    /// many names is slowed too. Behind a reverse proxy every client has the proxy's address,
    /// so this then slows everyone; raise it there.
    pub login_client_max_failures: usize,
    /// How far back failures count (default 15 minutes).
    pub login_window: Duration,
    /// The wait after the failure that reaches a limit (default 2 s); each further failure
    /// doubles it, up to `login_max_delay`.
    pub login_first_delay: Duration,
    /// The longest wait (default 15 minutes).
    pub login_max_delay: Duration,
    /// How long failed logins are kept before they are purged (default a day; never less than
    /// `login_window`).
    pub login_failures_kept: Duration,
    /// Volunteers must hold volunteer activity insurance (天災タイプ) to register. A centre
    /// that enrols people on the spot may turn this off.
    pub volunteer_insurance_required: bool,
    /// The secret key of the audit chain, kept outside the database. `None`: beside the SQLite
    /// file (`sasaeai.db` → `sasaeai.db.audit-key`), or `sasaeai-audit-DBNAME.key` in the
    /// current folder for PostgreSQL (`services::audit_chain::key_path`).
    pub audit_key_file: Option<PathBuf>,
    /// The append-only file of anchored chain heads. `None`: beside the key file, its name
    /// ending in `anchors` instead of `key` (`services::audit_chain::anchor_path`).
    pub audit_anchor_file: Option<PathBuf>,
    /// How often a running server anchors the audit chain's head (it also does at start).
    pub audit_anchor_interval: Duration,
    /// How often a running server reads the change log for writes made through other servers
    /// on the same database, to keep its spatial index current.
    pub change_poll_interval: Duration,
    /// Days after a plan was written (its last confirmation) when it is due for review, where
    /// the plan names no review date itself (default 365).
    pub plan_review_days: u32,
    /// The volunteer centre's phone number, printed on the roster and every dispatch slip so
    /// that a team can call headquarters. `None` prints a blank line to write it on.
    pub centre_phone: Option<String>,
    /// A tile URL template for the pages' maps (`https://…/{z}/{x}/{y}.png`, e.g. 地理院タイル);
    /// without it the maps draw their layers on a plain background and need no internet.
    pub basemap_url: Option<String>,
    /// Who the tiles are from, shown on the maps (e.g. 「地理院タイル」).
    pub basemap_attribution: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://sasaeai.db".to_owned(),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: 1024 * 1024,
            import_limit_bytes: 64 * 1024 * 1024,
            list_limit_default: 50,
            list_limit_max: 200,
            pool_size: 8,
            db_timeout: Duration::from_secs(5),
            workers: 0,
            district_tolerance_m: 10.0,
            priority_weights: crate::domain::priority::PriorityWeights::default(),
            consent_model: crate::domain::codes::ConsentModel::OptIn,
            presumed_consent_days: 30,
            session_ttl: Duration::from_secs(12 * 3600),
            login_max_failures: 5,
            login_client_max_failures: 20,
            login_window: Duration::from_secs(15 * 60),
            login_first_delay: Duration::from_secs(2),
            login_max_delay: Duration::from_secs(15 * 60),
            login_failures_kept: Duration::from_secs(24 * 3600),
            volunteer_insurance_required: true,
            audit_key_file: None,
            audit_anchor_file: None,
            audit_anchor_interval: Duration::from_secs(24 * 3600),
            change_poll_interval: Duration::from_millis(250),
            plan_review_days: 365,
            centre_phone: None,
            basemap_url: None,
            basemap_attribution: None,
        }
    }
}
