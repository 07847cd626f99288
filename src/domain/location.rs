//! Points on the earth in WGS84 degrees.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Mean earth radius in metres (IUGG), the one radius every distance and map in the service
/// uses.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle ("as the crow flies") metres between two positions given in degrees, on the
/// mean sphere: the one distance of the service, for matching, teams, maps and the texts
/// beside them, so that a plan never says two different distances for one way.
///
/// ```
/// // One degree of latitude is about 111.2 km on the mean sphere.
/// let d = sasaeai::domain::location::distance_m((33.0, 130.5), (34.0, 130.5));
/// assert!((d - 111_195.0).abs() < 1.0);
/// ```
pub fn distance_m((lat1, lon1): (f64, f64), (lat2, lon2): (f64, f64)) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Metres along a line of `(latitude, longitude)` points: [`distance_m`] leg by leg, so that a
/// drawn route has one length on the page, on the map and in the record.
pub fn path_length_m(points: &[(f64, f64)]) -> f64 {
    points.windows(2).map(|w| distance_m(w[0], w[1])).sum()
}

/// A validated WGS84 position: latitude in [-90, 90], longitude in [-180, 180] degrees.
///
/// The domain's records hold places only as this type, so a place that exists is a valid one;
/// on the wire (and flattened into the records) it is the pair `latitude`, `longitude`, and a
/// pair out of range does not deserialize.
///
/// ```
/// use sasaeai::domain::GeoPoint;
/// assert!(GeoPoint::new(33.31, 130.51).is_ok());
/// assert!(GeoPoint::new(91.0, 130.51).is_err());
/// let p: GeoPoint = serde_json::from_str(r#"{"latitude":33.31,"longitude":130.51}"#).unwrap();
/// assert_eq!((p.lat(), p.lon()), (33.31, 130.51));
/// assert!(serde_json::from_str::<GeoPoint>(r#"{"latitude":95,"longitude":130}"#).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "RawPoint")]
#[schema(
    description = "A WGS84 position in degrees: latitude in [-90, 90], longitude in [-180, 180]."
)]
pub struct GeoPoint {
    /// WGS84 degrees.
    #[serde(rename = "latitude")]
    lat: f64,
    /// WGS84 degrees.
    #[serde(rename = "longitude")]
    lon: f64,
}

/// A pair as read, before its range is checked.
#[derive(Deserialize)]
struct RawPoint {
    latitude: f64,
    longitude: f64,
}

impl TryFrom<RawPoint> for GeoPoint {
    type Error = CoordinateError;

    fn try_from(raw: RawPoint) -> Result<Self, Self::Error> {
        Self::new(raw.latitude, raw.longitude)
    }
}

/// Which coordinate of a [`GeoPoint`] is out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinateError {
    Latitude,
    Longitude,
}

impl std::fmt::Display for CoordinateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Latitude => "latitude out of range [-90, 90]",
            Self::Longitude => "longitude out of range [-180, 180]",
        })
    }
}

/// The schema of a place that may not be located yet: `latitude` and `longitude` both numbers
/// or both null.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct OptionalPoint {
    /// WGS84 degrees; set together with `longitude` or not at all.
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// Writes an optional [`GeoPoint`] flattened into its record as `latitude` and `longitude`,
/// both null when the place is unknown (the wire keeps the keys, as clients expect).
pub mod optional_flat {
    use serde::ser::{SerializeMap, Serializer};

    use super::GeoPoint;

    /// # Errors
    /// Whatever the serializer reports.
    pub fn serialize<S: Serializer>(point: &Option<GeoPoint>, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(2))?;
        map.serialize_entry("latitude", &point.map(GeoPoint::lat))?;
        map.serialize_entry("longitude", &point.map(GeoPoint::lon))?;
        map.end()
    }
}

impl GeoPoint {
    /// # Errors
    /// Names the coordinate that is not finite or out of range.
    pub fn new(lat: f64, lon: f64) -> Result<Self, CoordinateError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(CoordinateError::Latitude);
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(CoordinateError::Longitude);
        }
        Ok(Self { lat, lon })
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Parses an optional latitude/longitude pair from input: both or neither.
    ///
    /// # Errors
    /// Records a Japanese message under `latitude` or `longitude`.
    pub fn parse_pair(
        lat: Option<f64>,
        lon: Option<f64>,
        errors: &mut crate::domain::ValidationErrors,
    ) -> Option<Self> {
        match (lat, lon) {
            (None, None) => None,
            (Some(_), None) => {
                errors.push("longitude", "緯度と経度は両方を入力してください");
                None
            }
            (None, Some(_)) => {
                errors.push("latitude", "緯度と経度は両方を入力してください");
                None
            }
            (Some(lat), Some(lon)) => match Self::new(lat, lon) {
                Ok(point) => Some(point),
                Err(CoordinateError::Latitude) => {
                    errors.push("latitude", "緯度は -90 から 90 の範囲で入力してください");
                    None
                }
                Err(CoordinateError::Longitude) => {
                    errors.push("longitude", "経度は -180 から 180 の範囲で入力してください");
                    None
                }
            },
        }
    }
}
