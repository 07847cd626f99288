//! Districts (校区) and hazard zones: the polygons that place people.

use diesel::Connection;

use super::{AppContext, ServiceResult};
use crate::domain::district::{DistrictSummary, NewDistrict};
use crate::domain::hazard::NewHazardZone;
use crate::storage::{self, districts, hazard_zones};

/// Every district, in code order.
///
/// # Errors
/// [`super::ServiceError::Unavailable`] when the database is down.
pub fn list(ctx: &AppContext) -> ServiceResult<Vec<DistrictSummary>> {
    Ok(districts::summaries(&mut *ctx.conn()?)?)
}

/// Stores districts and hazard zones in one transaction, then rebuilds the district index.
///
/// # Errors
/// [`super::ServiceError::Duplicate`] for a district code already stored; nothing is written then.
pub fn add_geodata(
    ctx: &AppContext,
    new_districts: &[NewDistrict],
    zones: &[NewHazardZone],
) -> ServiceResult<()> {
    let mut conn = ctx.conn()?;
    let now = storage::now();
    let all = conn.transaction(|conn| {
        for district in new_districts {
            districts::insert(conn, district, now)?;
        }
        for zone in zones {
            hazard_zones::insert(conn, zone, now)?;
        }
        districts::all(conn)
    })?;
    ctx.spatial_mut().replace_districts(&all);
    Ok(())
}
