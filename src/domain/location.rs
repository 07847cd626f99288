//! Points on the earth in WGS84 degrees.

use serde::{Deserialize, Serialize};

/// A validated WGS84 position: latitude in [-90, 90], longitude in [-180, 180] degrees.
///
/// ```
/// use sasaeai::domain::GeoPoint;
/// assert!(GeoPoint::new(33.31, 130.51).is_ok());
/// assert!(GeoPoint::new(91.0, 130.51).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

/// Which coordinate of a [`GeoPoint`] is out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoordinateError {
    Latitude,
    Longitude,
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
