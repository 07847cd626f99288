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
pub fn code<T>(
    column: &str,
    value: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> StorageResult<T> {
    parse(value).map_err(|_| StorageError::Corrupt(format!("{column}: unknown code {value:?}")))
}
