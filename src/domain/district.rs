//! Elementary-school districts (校区), the unit of the district teams.

use geo::MultiPolygon;
use serde::Serialize;
use utoipa::ToSchema;

use super::DistrictId;

/// A district as listed: id, name and code.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DistrictSummary {
    pub id: DistrictId,
    pub name: String,
    pub code: String,
}

/// A district with its boundary (WGS84 lon/lat; several outer rings and holes are normal).
#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub id: DistrictId,
    pub code: String,
    pub name: String,
    pub boundary: MultiPolygon<f64>,
}

/// A district to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDistrict {
    pub code: String,
    pub name: String,
    pub boundary: MultiPolygon<f64>,
}
