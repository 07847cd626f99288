//! Use cases shared by HTTP and the command line.
//!
//! The only layer that opens transactions and updates the spatial index: a service commits to
//! the database first, then brings the in-memory index up to date. Depends on `storage`,
//! `spatial` and `domain`; nothing here knows about HTTP.

pub mod access;
pub mod audit_chain;
pub mod backup;
pub mod change_feed;
pub mod demo;
pub mod districts;
pub mod exchange;
pub mod health;
pub mod imports;
pub mod incidents;
pub mod input;
pub mod maps;
pub mod matching;
pub mod nearby;
pub mod overview;
pub mod plans;
pub mod printing;
pub mod prints;
pub mod readiness;
mod records;
pub mod registrants;
pub mod shelters;
pub mod supporters;
pub mod visibility;
pub mod volunteer_centre;

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde::Serialize;
use utoipa::ToSchema;

use crate::config::Settings;
use crate::domain::ValidationErrors;
use crate::spatial::SpatialIndex;
use crate::storage::{self, DatabaseUrl, Pool, PooledConnection, StorageError};

// The record types some services return as they are stored, re-exported so that the HTTP and
// CLI layers name them through `services` and never reach into `storage`.
pub use crate::storage::change_log::HistoryEntry;
pub use crate::storage::hazard_zones::HazardZoneSummary;
pub use crate::storage::prints::PrintedCopy;
pub use crate::storage::proposals::Proposal;
pub use crate::storage::teams::{Equipment, TeamRecord, TeamRequest};
pub use crate::storage::volunteers::CheckIn;

/// Who asks: every service that reads or changes personal data takes the caller, decides what
/// they may see from it, and writes the history and the audit log under their name.
pub type Actor<'a> = &'a access::Caller;

/// What a service call can fail with, in terms the caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The client's version is not the stored one: someone else changed the record first.
    #[error("version conflict: the record is at version {current}")]
    VersionConflict { current: i64 },
    /// A unique value (external id, GSI id, code) is already used by another record.
    #[error("duplicate value in {field}")]
    Duplicate { field: &'static str },
    /// The record exists, so a change must name the version it was based on.
    #[error("version required")]
    VersionRequired,
    /// The plan cannot be printed as it stands: (code, reason) for each problem.
    #[error("plan not printable: {}", .0.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", "))]
    NotPrintable(Vec<(String, String)>),
    /// No valid session: missing, wrong, expired or revoked token, or a wrong password.
    #[error("not authenticated")]
    Unauthenticated,
    /// Too many failed logins from this address (for this name, or for any names); try again
    /// after the given seconds.
    #[error("too many failed logins")]
    Throttled { retry_after_secs: u64 },
    /// The caller's role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// No plan of the district (or tier) can be printed; the number of plans left out.
    #[error("nothing to print ({0} plans left out)")]
    NothingToPrint(usize),
    /// The printed copy was marked returned already.
    #[error("copy already returned")]
    AlreadyReturned,
    /// The proposal was decided already or superseded by a later run.
    #[error("proposal is {0}, not proposed")]
    NotPending(String),
    /// The record is not in a state that allows this step (a team not yet confirmed cannot
    /// depart); the message says why, in Japanese.
    #[error("wrong state: {0}")]
    WrongState(String),
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// The database stayed busy past its timeout (SQLite's write lock held by others), or
    /// PostgreSQL gave up a transaction to a concurrent one (serialization failure, deadlock):
    /// nothing was changed, and the same request can be sent again.
    #[error("database busy: {0}")]
    Busy(String),
    /// The audit key or anchor file cannot be used (missing, readable by others, the wrong key,
    /// unwritable); the message says which file and what to do.
    #[error("{0}")]
    AuditFiles(String),
    /// The machine failed the service, not the client or the database: no system randomness,
    /// a hash that could not be computed, a document that could not be rendered.
    #[error("system failure: {0}")]
    System(String),
    #[error(transparent)]
    Storage(StorageError),
}

/// SQLite's "database is locked" / "database is busy" (after the busy timeout) and
/// PostgreSQL's deadlock report: transient, answered 503 with `Retry-After`, never 500.
fn is_busy(message: &str) -> bool {
    message.contains("database is locked")
        || message.contains("database is busy")
        || message.contains("deadlock detected")
}

impl crate::storage::Contended for ServiceError {
    fn contended(&self) -> bool {
        matches!(self, Self::Busy(_))
    }
}

impl From<StorageError> for ServiceError {
    fn from(error: StorageError) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as Diesel};
        match error {
            StorageError::Pool(e) => Self::Unavailable(e.to_string()),
            StorageError::Connection(e) => Self::Unavailable(e.to_string()),
            StorageError::Query(Diesel::DatabaseError(
                DatabaseErrorKind::ClosedConnection,
                info,
            )) => Self::Unavailable(info.message().to_owned()),
            StorageError::Query(Diesel::DatabaseError(
                DatabaseErrorKind::UniqueViolation,
                info,
            )) => {
                // Both backends name the column (SQLite) or the constraint (PostgreSQL).
                let message = info.message();
                let field = ["external_id", "gsi_id", "code"]
                    .into_iter()
                    .find(|f| message.contains(f))
                    .unwrap_or("id");
                Self::Duplicate { field }
            }
            StorageError::Query(Diesel::DatabaseError(
                DatabaseErrorKind::SerializationFailure,
                info,
            )) => Self::Busy(info.message().to_owned()),
            StorageError::Query(Diesel::DatabaseError(_, info)) if is_busy(info.message()) => {
                Self::Busy(info.message().to_owned())
            }
            other => Self::Storage(other),
        }
    }
}

impl From<diesel::result::Error> for ServiceError {
    fn from(error: diesel::result::Error) -> Self {
        StorageError::from(error).into()
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// One page of a list, with the cursor for the next page (`None` on the last page).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Builds the spatial indexes by bulk load from the database.
fn build_spatial_index(
    conn: &mut storage::DbConnection,
    settings: &Settings,
) -> ServiceResult<SpatialIndex> {
    let point = |lat: f64, lon: f64| crate::domain::GeoPoint::new(lat, lon).ok();
    let mut spatial = SpatialIndex::new(settings.district_tolerance_m);
    spatial.set_districts(&storage::districts::all(conn)?);
    spatial.set_hazard_zones(&storage::hazard_zones::all(conn)?);
    let registrants = storage::registrants::active_locations(conn)?;
    spatial.registrants = crate::spatial::PointIndex::build(
        registrants
            .into_iter()
            .filter_map(|(id, lat, lon)| Some((id, point(lat, lon)?))),
    );
    let supporters = storage::supporters::active_locations(conn)?;
    spatial.supporters = crate::spatial::PointIndex::build(
        supporters
            .into_iter()
            .filter_map(|(id, lat, lon)| Some((id, point(lat, lon)?))),
    );
    spatial.set_shelters(
        storage::shelters::all(conn)?
            .into_iter()
            .map(|s| (s.id, s.data))
            .collect(),
    );
    Ok(spatial)
}

/// The shared state of a running service: the database pool, the spatial index and settings.
pub struct AppContext {
    pub settings: Settings,
    pool: Pool,
    spatial: RwLock<SpatialIndex>,
    /// The key of the audit chain (`None` in a detached context, which cannot write it).
    audit_key: Option<crate::domain::access::AuditKey>,
    /// The areas of open incidents, prepared for testing homes against (see
    /// `access::Scope::of`); derived data, rebuilt from the database when missing.
    incident_areas: incidents::IncidentAreas,
    /// The one clock every "today" comes from.
    clock: Clock,
    /// Where this server is in the change log (see [`change_feed`]).
    feed: change_feed::SharedFeed,
}

impl AppContext {
    /// Connects, applies pending migrations and builds the spatial index.
    ///
    /// # Errors
    /// [`ServiceError::Unavailable`] when the database cannot be reached, or a storage error
    /// when a migration fails.
    pub fn open(settings: Settings) -> ServiceResult<Self> {
        let url = DatabaseUrl::parse(&settings.database_url)?;
        let pool = storage::pool(&url, settings.pool_size, settings.db_timeout);
        let mut conn = pool.get().map_err(StorageError::from)?;
        let applied = storage::run_migrations(&mut conn)?;
        if applied > 0 {
            log::info!("applied {applied} migration(s) on {}", url.backend());
        }
        let (audit_key, chain_started) = audit_chain::open_chain(&mut conn, &settings)?;
        let feed = change_feed::start(&mut conn)?;
        let spatial = build_spatial_index(&mut conn, &settings)?;
        drop(conn);
        let ctx = Self {
            settings,
            pool,
            spatial: RwLock::new(spatial),
            incident_areas: incidents::IncidentAreas::default(),
            clock: Clock::system(),
            audit_key: Some(audit_key),
            feed: std::sync::Mutex::new(feed),
        };
        if chain_started {
            // Anchor the start at once: from here on, a start record made anew (to pass off a
            // rehashed log as legacy entries) no longer matches the anchor file.
            let check = audit_chain::anchor_now(&ctx)?;
            if let Some((id, why)) = check.first_broken {
                log::error!(
                    "audit log does not verify as its keyed chain begins (entry {id}): {why}"
                );
            }
        }
        Ok(ctx)
    }

    /// A context over a pool that may not reach its database; nothing is read at start.
    /// Used to serve `/healthz` while the database is down.
    pub fn detached(settings: Settings) -> ServiceResult<Self> {
        let url = DatabaseUrl::parse(&settings.database_url)?;
        let pool = storage::pool(&url, settings.pool_size, settings.db_timeout);
        Ok(Self {
            settings,
            pool,
            spatial: RwLock::new(SpatialIndex::default()),
            incident_areas: incidents::IncidentAreas::default(),
            clock: Clock::system(),
            // Nothing is read at start, the key file neither: the audit log cannot be written
            // until a context is opened properly.
            audit_key: None,
            feed: std::sync::Mutex::new(change_feed::Feed::default()),
        })
    }

    /// The key the audit chain is written with.
    ///
    /// # Errors
    /// [`ServiceError::Unavailable`] in a detached context.
    pub(crate) fn audit_key(&self) -> ServiceResult<&crate::domain::access::AuditKey> {
        self.audit_key.as_ref().ok_or_else(|| {
            ServiceError::Unavailable("the audit key is not loaded (detached context)".into())
        })
    }

    /// Rebuilds every spatial index from the database (after a bulk change such as an import).
    pub(crate) fn rebuild_spatial(&self, conn: &mut storage::DbConnection) -> ServiceResult<()> {
        // Built under the write lock: a change committed meanwhile, by this server's request
        // handlers (which apply their own change after committing, under this lock) or read by
        // the change feed, is then applied after the new index is in place, never lost under it.
        let mut spatial = self.spatial_mut();
        *spatial = build_spatial_index(conn, &self.settings)?;
        Ok(())
    }

    /// A pooled connection, or [`ServiceError::Unavailable`].
    pub(crate) fn conn(&self) -> ServiceResult<PooledConnection> {
        Ok(self.pool.get().map_err(StorageError::from)?)
    }

    pub(crate) fn spatial(&self) -> RwLockReadGuard<'_, SpatialIndex> {
        // The index is derived data; a panic while writing it leaves it no worse than stale.
        self.spatial.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn spatial_mut(&self) -> RwLockWriteGuard<'_, SpatialIndex> {
        self.spatial.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Today in Japan, from the context's one clock: the date of validation (birth, consent,
    /// plan dates), of prints and of the volunteer centre's day.
    pub fn today(&self) -> chrono::NaiveDate {
        crate::domain::time::japan_date(self.clock.now())
    }

    /// Replaces the clock (tests that need a given day).
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }
}

/// Where the service reads the time: the system's, or a fixed one in tests.
#[derive(Clone)]
pub struct Clock(std::sync::Arc<dyn Fn() -> chrono::NaiveDateTime + Send + Sync>);

impl Clock {
    /// The system's clock (UTC).
    pub fn system() -> Self {
        Self(std::sync::Arc::new(crate::storage::now))
    }

    /// A clock stopped at `utc`.
    pub fn fixed(utc: chrono::NaiveDateTime) -> Self {
        Self(std::sync::Arc::new(move || utc))
    }

    /// The time now, UTC.
    pub fn now(&self) -> chrono::NaiveDateTime {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Clock({})", self.now())
    }
}

#[cfg(test)]
mod tests {
    use diesel::result::{DatabaseErrorKind, Error as Diesel};

    use super::*;

    fn database(kind: DatabaseErrorKind, message: &str) -> StorageError {
        StorageError::Query(Diesel::DatabaseError(kind, Box::new(message.to_owned())))
    }

    #[test]
    fn a_locked_or_conflicting_database_is_busy_not_broken() {
        for (kind, message) in [
            (DatabaseErrorKind::Unknown, "database is locked"),
            (DatabaseErrorKind::Unknown, "database is busy"),
            (DatabaseErrorKind::Unknown, "deadlock detected"),
            (
                DatabaseErrorKind::SerializationFailure,
                "could not serialize access",
            ),
        ] {
            let error = ServiceError::from(database(kind, message));
            assert!(
                matches!(error, ServiceError::Busy(_)),
                "{message}: {error:?}"
            );
        }
        let other = ServiceError::from(database(DatabaseErrorKind::Unknown, "no such table: x"));
        assert!(matches!(other, ServiceError::Storage(_)), "{other:?}");
    }
}
