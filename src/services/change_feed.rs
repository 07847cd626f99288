//! Keeping this server's spatial index current with writes made through other servers on the
//! same database.
//!
//! Every change of a registrant, supporter or shelter appends to `change_log` in its own
//! transaction, whichever server makes it. Each server follows that log: every
//! `change_poll_interval` it reads the entries after the last one it applied, reloads the
//! records they name and puts them where they now belong in its R-trees (writes of its own are
//! applied again, which changes nothing). An entry id skipped over may belong to a transaction
//! that commits late (PostgreSQL hands out ids before commit): it is asked for again on the
//! following polls for a minute. Districts and hazard zones are compared by a cheap stamp; when
//! it moves the whole index is rebuilt.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use super::{AppContext, ServiceResult};
use crate::domain::codes::{RegistrantStatus, SupporterStatus};
use crate::domain::{RegistrantId, ShelterId, SupporterId};
use crate::storage::change_log::{self, Entity};
use crate::storage::{self, DbConnection};

/// How long an entry id skipped over is waited for (a rolled-back transaction never fills it).
const HOLE_PATIENCE: Duration = Duration::from_secs(60);
/// Entries read per poll; a longer backlog (a bulk import elsewhere) rebuilds the index.
const BATCH: i64 = 2_000;

/// The districts' and hazard zones' stamps.
type GeodataStamp = ((i64, Option<NaiveDateTime>), (i64, Option<i64>));

/// Where this server is in the change log.
#[derive(Debug, Default)]
pub struct Feed {
    last: i64,
    holes: BTreeMap<i64, Instant>,
    geodata: Option<GeodataStamp>,
}

fn geodata_stamp(conn: &mut DbConnection) -> ServiceResult<GeodataStamp> {
    Ok((
        storage::districts::stamp(conn)?,
        storage::hazard_zones::stamp(conn)?,
    ))
}

/// The feed's position before the index is built from the database: changes committed during
/// the build are applied again by the first poll.
pub(super) fn start(conn: &mut DbConnection) -> ServiceResult<Feed> {
    Ok(Feed {
        last: change_log::last_id(conn)?,
        holes: BTreeMap::new(),
        geodata: Some(geodata_stamp(conn)?),
    })
}

/// What one poll did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    /// Records reloaded into the index.
    pub applied: usize,
    /// Whether the whole index was rebuilt (geodata changed, or a long backlog).
    pub rebuilt: bool,
}

/// Applies the changes made since the last poll, by this server or any other.
///
/// # Errors
/// Storage errors; the feed stays where it was, and the next poll tries again.
pub fn catch_up(ctx: &AppContext) -> ServiceResult<CatchUp> {
    let mut feed = ctx.feed.lock().unwrap_or_else(PoisonError::into_inner);
    let mut conn = ctx.conn()?;
    let stamp = geodata_stamp(&mut conn)?;
    if feed.geodata.as_ref() != Some(&stamp) {
        let last = change_log::last_id(&mut conn)?;
        ctx.rebuild_spatial(&mut conn)?;
        *feed = Feed {
            last,
            holes: BTreeMap::new(),
            geodata: Some(stamp),
        };
        return Ok(CatchUp {
            applied: 0,
            rebuilt: true,
        });
    }
    let holes: Vec<i64> = feed.holes.keys().copied().collect();
    let entries = change_log::feed(&mut conn, feed.last, &holes, BATCH)?;
    if entries.len() as i64 >= BATCH {
        let last = change_log::last_id(&mut conn)?;
        ctx.rebuild_spatial(&mut conn)?;
        feed.last = last;
        feed.holes.clear();
        return Ok(CatchUp {
            applied: 0,
            rebuilt: true,
        });
    }
    if entries.is_empty() {
        forget_old_holes(&mut feed);
        return Ok(CatchUp::default());
    }
    // Under the index's write lock while reading, so that a server's own write, applied after
    // its commit, can never be overtaken by an older state read here.
    let mut spatial = ctx.spatial_mut();
    let mut applied = 0;
    let mut seen = std::collections::BTreeSet::new();
    for &(_, entity, record) in &entries {
        if !seen.insert((entity.as_str(), record)) {
            continue;
        }
        match entity {
            Entity::Registrant => {
                let at = storage::registrants::find(&mut conn, RegistrantId(record))?
                    .filter(|r| r.status == RegistrantStatus::Active)
                    .and_then(|r| r.data.location);
                spatial.registrants.set(RegistrantId(record), at);
            }
            Entity::Supporter => {
                let at = storage::supporters::find(&mut conn, SupporterId(record))?
                    .filter(|s| s.data.status == SupporterStatus::Active)
                    .map(|s| s.data.location);
                spatial.supporters.set(SupporterId(record), at);
            }
            Entity::Shelter => {
                if let Some(shelter) = storage::shelters::find(&mut conn, ShelterId(record))? {
                    spatial.upsert_shelter(shelter.id, shelter.data);
                }
            }
            Entity::Plan => continue,
        }
        applied += 1;
    }
    drop(spatial);
    let now = Instant::now();
    let newest = entries.iter().map(|e| e.0).max().unwrap_or(feed.last);
    let got: std::collections::BTreeSet<i64> = entries.iter().map(|e| e.0).collect();
    for id in feed.last + 1..newest {
        if !got.contains(&id) {
            feed.holes.entry(id).or_insert(now);
        }
    }
    feed.holes.retain(|id, _| !got.contains(id));
    feed.last = feed.last.max(newest);
    forget_old_holes(&mut feed);
    Ok(CatchUp {
        applied,
        rebuilt: false,
    })
}

fn forget_old_holes(feed: &mut Feed) {
    feed.holes
        .retain(|_, since| since.elapsed() < HOLE_PATIENCE);
}

/// Polls the feed every `change_poll_interval` on a thread of its own, for as long as the
/// context lives (a server's whole life; a test's server until it is dropped).
pub fn follow(ctx: &Arc<AppContext>) {
    let weak: Weak<AppContext> = Arc::downgrade(ctx);
    let interval = ctx.settings.change_poll_interval;
    let spawned = std::thread::Builder::new()
        .name("change-feed".into())
        .spawn(move || {
            let mut failing = false;
            loop {
                std::thread::sleep(interval);
                let Some(ctx) = weak.upgrade() else { return };
                match catch_up(&ctx) {
                    Ok(_) => failing = false,
                    Err(e) => {
                        // Once per outage, not every quarter second.
                        if !failing {
                            log::warn!("change feed: {e}; retrying");
                        }
                        failing = true;
                    }
                }
            }
        });
    if let Err(e) = spawned {
        log::error!(
            "change feed not started: {e}; writes through other servers will not reach this one's index"
        );
    }
}

/// The shared feed position of a context.
pub(super) type SharedFeed = Mutex<Feed>;
