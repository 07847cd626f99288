//! In-memory spatial indexes that mirror the database (never the source of truth).
//!
//! Polygons (districts, hazard zones) sit in an R-tree of their bounding boxes; a point's
//! containing polygons come from an exact point-in-polygon test on the candidates. Services
//! rebuild or update these after each committed write.

mod polygons;

pub use polygons::PolygonIndex;

use crate::domain::district::District;
use crate::domain::{DistrictId, GeoPoint};

/// All spatial indexes of one running service.
#[derive(Debug, Default)]
pub struct SpatialIndex {
    districts: PolygonIndex<DistrictId>,
}

impl SpatialIndex {
    /// Builds the indexes by bulk load.
    pub fn build(districts: &[District]) -> Self {
        Self {
            districts: PolygonIndex::build(
                districts
                    .iter()
                    .map(|d| (d.id, d.boundary.clone()))
                    .collect(),
            ),
        }
    }

    /// The district whose boundary contains `point` (on a shared edge: the lowest id).
    pub fn district_of(&self, point: GeoPoint) -> Option<DistrictId> {
        self.districts.containing(point).min()
    }

    /// Replaces the district polygons after a committed change.
    pub fn replace_districts(&mut self, districts: &[District]) {
        self.districts = PolygonIndex::build(
            districts
                .iter()
                .map(|d| (d.id, d.boundary.clone()))
                .collect(),
        );
    }
}
