//! Whether the service can do its work: the database answers.

use diesel::RunQueryDsl;

use super::{AppContext, ServiceResult};

/// Runs `SELECT 1` on a pooled connection.
///
/// # Errors
/// [`super::ServiceError::Unavailable`] when no connection can be had in the configured time.
pub fn check(ctx: &AppContext) -> ServiceResult<()> {
    diesel::sql_query("SELECT 1").execute(&mut *ctx.conn()?)?;
    Ok(())
}

/// How far the in-memory indexes have drifted from the database: entries missing from or extra
/// in each point index (all zero when they mirror it exactly).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexDrift {
    pub registrants: usize,
    pub supporters: usize,
    pub shelters: usize,
}

/// Compares every point index with what the database says it should hold.
///
/// # Errors
/// [`super::ServiceError::Unavailable`] when the database is down.
pub fn index_drift(ctx: &AppContext) -> ServiceResult<IndexDrift> {
    use std::collections::BTreeSet;

    use crate::domain::GeoPoint;
    use crate::spatial::points::unit_vector;
    use crate::storage::{registrants, shelters, supporters};

    fn differ<K: Ord + Copy>(
        expected: Vec<(K, f64, f64)>,
        actual: impl Iterator<Item = (K, [f64; 3])>,
    ) -> usize {
        let key = |k: K, v: [f64; 3]| (k, v.map(f64::to_bits));
        let expected: BTreeSet<_> = expected
            .into_iter()
            .filter_map(|(k, lat, lon)| Some(key(k, unit_vector(GeoPoint::new(lat, lon).ok()?))))
            .collect();
        let actual: BTreeSet<_> = actual.map(|(k, v)| key(k, v)).collect();
        expected.symmetric_difference(&actual).count()
    }

    let mut conn = ctx.conn()?;
    let (r, s, h) = (
        registrants::active_locations(&mut conn)?,
        supporters::active_locations(&mut conn)?,
        shelters::all(&mut conn)?
            .into_iter()
            .map(|s| (s.id, s.data.location.lat(), s.data.location.lon()))
            .collect(),
    );
    let spatial = ctx.spatial();
    Ok(IndexDrift {
        registrants: differ(r, spatial.registrants.entries()),
        supporters: differ(s, spatial.supporters.entries()),
        shelters: differ(h, spatial.shelters.entries()),
    })
}
