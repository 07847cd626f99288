//! Districts (校区) and hazard zones: the polygons that place people.

use super::{AppContext, ServiceError, ServiceResult};
use crate::domain::GeoPoint;
use crate::domain::district::{DistrictSummary, NewDistrict};
use crate::domain::hazard::NewHazardZone;
use crate::spatial::SpatialIndex;
use crate::storage::{
    self, DbConnection, districts, hazard_zones, registrants, shelters, supporters,
};

/// Every district, in code order.
///
/// # Errors
/// [`ServiceError::Unavailable`] when the database is down.
pub fn list(ctx: &AppContext) -> ServiceResult<Vec<DistrictSummary>> {
    Ok(districts::summaries(&mut *ctx.conn()?)?)
}

/// How many stored rows a geodata change moved to another district or exposure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Rederived {
    pub registrants: usize,
    pub supporters: usize,
    pub shelters: usize,
}

/// Recomputes, inside the caller's transaction, every registrant's district and hazard exposure
/// and every supporter's and shelter's district from the polygons now stored.
pub(super) fn rederive(conn: &mut DbConnection, tolerance_m: f64) -> ServiceResult<Rederived> {
    let mut polygons = SpatialIndex::new(tolerance_m);
    polygons.set_districts(&districts::all(conn)?);
    polygons.set_hazard_zones(&hazard_zones::all(conn)?);
    let mut changed = Rederived::default();
    for (id, home, facts) in registrants::all_facts(conn)? {
        let now = polygons.facts(home);
        if now != facts {
            registrants::set_facts(conn, id, &now)?;
            changed.registrants += 1;
        }
    }
    let district = |lat: f64, lon: f64| {
        GeoPoint::new(lat, lon)
            .ok()
            .and_then(|p| polygons.district_of(p))
    };
    for (id, lat, lon, before) in supporters::all_districts(conn)? {
        if district(lat, lon) != before {
            supporters::set_district(conn, id, district(lat, lon))?;
            changed.supporters += 1;
        }
    }
    for (id, lat, lon, before) in shelters::all_districts(conn)? {
        if district(lat, lon) != before {
            shelters::set_district(conn, id, district(lat, lon))?;
            changed.shelters += 1;
        }
    }
    Ok(changed)
}

/// Stores districts and hazard zones in one transaction, recomputes what depends on them, then
/// rebuilds the spatial index.
///
/// # Errors
/// [`ServiceError::Duplicate`] for a district code already stored; nothing is written then.
pub fn add_geodata(
    ctx: &AppContext,
    caller: &super::access::Caller,
    new_districts: &[NewDistrict],
    zones: &[NewHazardZone],
) -> ServiceResult<Rederived> {
    super::registrants::require_register(caller)?;
    let mut conn = ctx.conn()?;
    let now = storage::now();
    let changed = storage::write_transaction(&mut conn, |conn| {
        for district in new_districts {
            districts::insert(conn, district, now)?;
        }
        for zone in zones {
            hazard_zones::insert(conn, zone, "", now)?;
        }
        let rederived = rederive(conn, ctx.settings.district_tolerance_m)?;
        let target = format!(
            "geodata: {} districts, {} hazard zones added",
            new_districts.len(),
            zones.len()
        );
        super::access::audit_change(ctx, conn, caller, &target, &[])?;
        Ok::<_, ServiceError>(rederived)
    })?;
    ctx.rebuild_spatial(&mut conn)?;
    Ok::<_, ServiceError>(changed)
}

/// Every hazard zone, without geometry.
///
/// # Errors
/// [`ServiceError::Unavailable`] when the database is down.
pub fn hazard_zones(ctx: &AppContext) -> ServiceResult<Vec<hazard_zones::HazardZoneSummary>> {
    Ok(hazard_zones::summaries(&mut *ctx.conn()?)?)
}
