//! In-memory spatial indexes that mirror the database (never the source of truth).
//!
//! Points (registrants, supporters, shelters) sit in R-trees on the unit sphere (see
//! [`points`]); polygons (districts, hazard zones) in R-trees of their bounding boxes with an exact
//! point-in-polygon test after. Services build these at start-up and update them after each
//! committed write. An incident's area, tested against many homes, is a [`PreparedArea`].

mod area;
pub mod points;
mod polygons;

use std::collections::{BTreeMap, HashMap};

pub use area::PreparedArea;
pub use points::PointIndex;
pub use polygons::PolygonIndex;

use crate::domain::codes::{HazardType, ShelterKind};
use crate::domain::district::District;
use crate::domain::hazard::HazardZone;
use crate::domain::registrant::LocationFacts;
use crate::domain::shelter::ShelterData;
use crate::domain::{DistrictId, GeoPoint, HazardZoneId, RegistrantId, ShelterId, SupporterId};

/// Which district a point belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Placement {
    pub district: Option<DistrictId>,
    /// True when the point lies in no district but within the tolerance of one, and was given
    /// to the nearest: staff should check the address.
    pub needs_review: bool,
}

/// The hazards at a point: for each hazard type, the highest level of the zones containing it
/// (flood depth rank 1–6, landslide zone class 1 yellow / 2 red).
pub type Exposure = BTreeMap<HazardType, i32>;

#[derive(Debug, Clone, Copy)]
struct ZoneKey {
    id: HazardZoneId,
    hazard_type: HazardType,
    level: i32,
}

/// All spatial indexes of one running service.
#[derive(Debug, Default)]
pub struct SpatialIndex {
    districts: PolygonIndex<DistrictId>,
    hazards: PolygonIndex<usize>,
    zones: Vec<ZoneKey>,
    /// Active registrants with a known home.
    pub registrants: PointIndex<RegistrantId>,
    /// Active supporters.
    pub supporters: PointIndex<SupporterId>,
    /// Every shelter (open or not).
    pub shelters: PointIndex<ShelterId>,
    shelter_data: HashMap<ShelterId, ShelterData>,
    /// For each hazard type, the shelters that may be proposed for it: open, designated for it,
    /// and not inside a zone of it.
    eligible: BTreeMap<HazardType, PointIndex<ShelterId>>,
    /// Every welfare shelter, open or not (they open on request).
    welfare: PointIndex<ShelterId>,
    /// For each shelter, the hazard types whose zones contain it (worked out once per change:
    /// hazard polygons can have many thousands of vertices).
    shelter_zones: HashMap<ShelterId, Vec<HazardType>>,
    /// How far outside every district a point may lie and still be given to the nearest, metres.
    pub district_tolerance_m: f64,
}

impl SpatialIndex {
    /// Empty indexes with the district tolerance in metres.
    pub fn new(district_tolerance_m: f64) -> Self {
        Self {
            district_tolerance_m,
            ..Self::default()
        }
    }

    /// Replaces the district polygons.
    pub fn set_districts(&mut self, districts: &[District]) {
        self.districts = PolygonIndex::build(
            districts
                .iter()
                .map(|d| (d.id, d.boundary.clone()))
                .collect(),
        );
    }

    /// Replaces the hazard zone polygons.
    pub fn set_hazard_zones(&mut self, zones: &[HazardZone]) {
        self.zones = zones
            .iter()
            .map(|z| ZoneKey {
                id: z.id,
                hazard_type: z.hazard_type,
                level: z.level,
            })
            .collect();
        self.hazards = PolygonIndex::build(
            zones
                .iter()
                .enumerate()
                .map(|(i, z)| (i, z.area.clone()))
                .collect(),
        );
        self.rebuild_eligible();
    }

    /// Replaces every shelter.
    pub fn set_shelters(&mut self, shelters: Vec<(ShelterId, ShelterData)>) {
        self.shelters = PointIndex::build(shelters.iter().map(|(id, s)| (*id, s.location)));
        self.welfare = PointIndex::build(
            shelters
                .iter()
                .filter(|(_, s)| s.kind == ShelterKind::WelfareShelter)
                .map(|(id, s)| (*id, s.location)),
        );
        self.shelter_data = shelters.into_iter().collect();
        self.rebuild_eligible();
    }

    /// Adds, moves or changes one shelter after a committed write.
    pub fn upsert_shelter(&mut self, id: ShelterId, data: ShelterData) {
        self.shelters.set(id, Some(data.location));
        // Where the shelter was eligible comes from the old zones; where it is, from the new.
        let was: Vec<Option<GeoPoint>> = HazardType::ALL
            .iter()
            .map(|hazard| {
                self.shelter_data
                    .get(&id)
                    .and_then(|old| self.eligible_at(id, old, *hazard))
            })
            .collect();
        self.shelter_zones
            .insert(id, self.zone_types(data.location));
        for (hazard, was) in HazardType::ALL.iter().zip(was) {
            let now = self.eligible_at(id, &data, *hazard);
            if was.is_some() || now.is_some() {
                self.eligible.entry(*hazard).or_default().set(id, now);
            }
        }
        let welfare_at =
            |s: &ShelterData| (s.kind == ShelterKind::WelfareShelter).then_some(s.location);
        self.welfare.set(id, welfare_at(&data));
        self.shelter_data.insert(id, data);
    }

    /// Welfare shelters nearest first, with great-circle metres (open or not: they open on
    /// request); callers check target groups, access and hazard zones.
    pub fn nearest_welfare_shelters(
        &self,
        point: GeoPoint,
    ) -> impl Iterator<Item = (ShelterId, f64)> + '_ {
        self.welfare.nearest(point)
    }

    /// The stored data of a shelter.
    pub fn shelter(&self, id: ShelterId) -> Option<&ShelterData> {
        self.shelter_data.get(&id)
    }

    /// Where the shelter counts for `hazard`: open, designated for it, outside its zones.
    fn eligible_at(
        &self,
        id: ShelterId,
        shelter: &ShelterData,
        hazard: HazardType,
    ) -> Option<GeoPoint> {
        let point = shelter.location;
        (shelter.is_open
            && shelter.hazards.contains(&hazard)
            && !self.shelter_in_zone_of(id, hazard))
        .then_some(point)
    }

    /// Whether a shelter lies inside a zone of `hazard`.
    pub fn shelter_in_zone_of(&self, id: ShelterId, hazard: HazardType) -> bool {
        self.shelter_zones
            .get(&id)
            .is_some_and(|types| types.contains(&hazard))
    }

    /// The hazard types whose zones contain `point`.
    fn zone_types(&self, point: GeoPoint) -> Vec<HazardType> {
        let mut types: Vec<HazardType> = self
            .hazards
            .containing(point)
            .map(|i| self.zones[i].hazard_type)
            .collect();
        types.sort_unstable();
        types.dedup();
        types
    }

    fn rebuild_eligible(&mut self) {
        self.shelter_zones = self
            .shelter_data
            .iter()
            .map(|(id, s)| (*id, self.zone_types(s.location)))
            .collect();
        self.eligible = HazardType::ALL
            .iter()
            .map(|hazard| {
                let points: Vec<_> = self
                    .shelter_data
                    .iter()
                    .filter_map(|(id, s)| Some((*id, self.eligible_at(*id, s, *hazard)?)))
                    .collect();
                (*hazard, PointIndex::build(points))
            })
            .collect();
    }

    /// Whether any shelter may be proposed for `hazard`.
    pub fn has_eligible_shelters(&self, hazard: HazardType) -> bool {
        self.eligible
            .get(&hazard)
            .is_some_and(|tree| !tree.is_empty())
    }

    /// Every shelter id in ascending order, and each id's position in that list.
    pub fn shelter_ids(&self) -> (Vec<ShelterId>, HashMap<ShelterId, usize>) {
        let mut ids: Vec<ShelterId> = self.shelter_data.keys().copied().collect();
        ids.sort_unstable();
        let index = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        (ids, index)
    }

    /// The nearest shelter that may be proposed for `hazard`, with great-circle metres.
    pub fn nearest_shelter(&self, point: GeoPoint, hazard: HazardType) -> Option<(ShelterId, f64)> {
        self.eligible.get(&hazard)?.nearest_one(point)
    }

    /// Shelters that may be proposed for `hazard`, nearest first, with great-circle metres: open,
    /// designated for the hazard and never inside a zone of it.
    pub fn nearest_shelters(
        &self,
        point: GeoPoint,
        hazard: HazardType,
    ) -> impl Iterator<Item = (ShelterId, f64)> + '_ {
        self.eligible
            .get(&hazard)
            .into_iter()
            .flat_map(move |tree| tree.nearest(point))
    }

    /// The district whose boundary contains `point` (on a shared edge: the lowest id); failing
    /// that, the nearest within the tolerance, flagged for review.
    pub fn place(&self, point: GeoPoint) -> Placement {
        if let Some(district) = self.districts.containing(point).min() {
            return Placement {
                district: Some(district),
                needs_review: false,
            };
        }
        match self
            .districts
            .near(point, self.district_tolerance_m)
            .first()
        {
            Some((district, _)) => Placement {
                district: Some(*district),
                needs_review: true,
            },
            None => Placement::default(),
        }
    }

    /// The district of `point`, if any (see [`Self::place`]).
    pub fn district_of(&self, point: GeoPoint) -> Option<DistrictId> {
        self.place(point).district
    }

    /// Everything the location of a home implies; all empty for an unlocated home.
    pub fn facts(&self, point: Option<GeoPoint>) -> LocationFacts {
        let Some(point) = point else {
            return LocationFacts::default();
        };
        let placement = self.place(point);
        LocationFacts {
            district_id: placement.district,
            district_needs_review: placement.needs_review,
            hazard_exposure: self.exposure(point),
        }
    }

    /// The hazards at `point`.
    pub fn exposure(&self, point: GeoPoint) -> Exposure {
        let mut exposure = Exposure::new();
        for i in self.hazards.containing(point) {
            let zone = self.zones[i];
            let level = exposure.entry(zone.hazard_type).or_insert(zone.level);
            *level = (*level).max(zone.level);
        }
        exposure
    }

    /// Ids of the zones containing `point`.
    pub fn zones_at(&self, point: GeoPoint) -> Vec<HazardZoneId> {
        self.hazards
            .containing(point)
            .map(|i| self.zones[i].id)
            .collect()
    }

    /// Whether `point` lies inside any zone of `hazard`.
    pub fn in_zone_of(&self, point: GeoPoint, hazard: HazardType) -> bool {
        self.hazards
            .containing(point)
            .any(|i| self.zones[i].hazard_type == hazard)
    }
}

#[cfg(test)]
mod tests;
