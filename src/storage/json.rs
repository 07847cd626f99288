//! Lists and small objects kept as JSON text, the portable choice for both backends.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{StorageError, StorageResult};

/// Serialises a value for a JSON text column.
pub fn to_text<T: Serialize + ?Sized>(value: &T) -> String {
    // Serialising plain data structs and enums cannot fail; an empty object is never written
    // in practice, and the read side would report it.
    serde_json::to_string(value).unwrap_or_default()
}

/// Reads a JSON text column back.
///
/// # Errors
/// [`StorageError::Corrupt`] naming the column when the text does not parse.
pub fn from_text<T: DeserializeOwned>(column: &str, text: &str) -> StorageResult<T> {
    serde_json::from_str(text).map_err(|e| StorageError::Corrupt(format!("{column}: {e}")))
}

/// Parses a stored code, reporting the column when it is unknown.
///
/// # Errors
/// [`StorageError::Corrupt`] when the code is not one of the current table.
/// A stored pair of coordinates as a validated point; a pair out of range is corruption.
pub fn point(table: &str, lat: f64, lon: f64) -> StorageResult<crate::domain::GeoPoint> {
    crate::domain::GeoPoint::new(lat, lon)
        .map_err(|e| StorageError::Corrupt(format!("{table}: {e}")))
}

/// A stored optional pair: both or neither, and in range.
pub fn optional_point(
    table: &str,
    lat: Option<f64>,
    lon: Option<f64>,
) -> StorageResult<Option<crate::domain::GeoPoint>> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(lat), Some(lon)) => point(table, lat, lon).map(Some),
        _ => Err(StorageError::Corrupt(format!(
            "{table}: only one coordinate"
        ))),
    }
}

pub fn code<T>(
    column: &str,
    value: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> StorageResult<T> {
    parse(value).map_err(|_| StorageError::Corrupt(format!("{column}: unknown code {value:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_points_are_validated_on_the_way_out() {
        let p = point("shelters", 33.3, 130.5).unwrap();
        assert_eq!((p.lat(), p.lon()), (33.3, 130.5));
        assert!(
            matches!(point("shelters", 95.0, 130.5), Err(StorageError::Corrupt(m)) if m.contains("latitude"))
        );
        assert_eq!(optional_point("registrants", None, None).unwrap(), None);
        assert!(optional_point("registrants", Some(33.3), None).is_err());
        assert!(optional_point("registrants", Some(33.3), Some(f64::NAN)).is_err());
    }
}
