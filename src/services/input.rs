//! Turning client JSON into domain input, and JSON merge patches (RFC 7396) into new data.
//!
//! A patch is applied to the JSON form of the stored data and the result is validated as a whole
//! input, so a patch and a create can never disagree about what is valid.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::domain::ValidationErrors;

/// Deserialises client JSON into an input type, naming the field whose value has the wrong type.
///
/// # Errors
/// [`ValidationErrors`] with the JSON path of the offending field.
pub fn from_json<T: DeserializeOwned>(value: Value) -> Result<T, ValidationErrors> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if let Some(field) = inner
            .strip_prefix("unknown field `")
            .and_then(|s| s.split('`').next())
        {
            // The path already ends with the unknown key, except at the top level.
            let field = if path == "." { field.to_owned() } else { path };
            ValidationErrors::one(field, "この項目は使えません")
        } else if path == "." {
            ValidationErrors::one("", "JSON オブジェクトを送ってください")
        } else {
            ValidationErrors::one(path, format!("値の型が正しくありません（{inner}）"))
        }
    })
}

/// Applies an RFC 7396 merge patch: objects merge key by key, `null` removes, anything else
/// replaces. An object patched onto a value that is not an object merges into an empty object
/// (RFC 7396, section 2), so its own `null`s remove rather than being stored.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// The top-level keys whose values differ between two JSON objects, sorted.
pub fn changed_fields(before: &Value, after: &Value) -> Vec<String> {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k).unwrap_or(&Value::Null) != after.get(*k).unwrap_or(&Value::Null))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Merges `patch` into the JSON form of `current`, refusing server-kept fields, and returns the
/// merged input and the names of the fields that changed.
///
/// # Errors
/// [`ValidationErrors`] when the patch is not an object, names a server field, or holds a value of
/// the wrong type.
pub fn apply_patch<D: Serialize, I: DeserializeOwned>(
    current: &D,
    patch: &Value,
    server_fields: &[&str],
) -> Result<(I, Vec<String>), ValidationErrors> {
    let Some(object) = patch.as_object() else {
        return Err(ValidationErrors::one(
            "",
            "変更する項目を JSON オブジェクトで送ってください",
        ));
    };
    let mut errors = ValidationErrors::new();
    for key in object
        .keys()
        .filter(|k| server_fields.contains(&k.as_str()))
    {
        errors.push(key.clone(), "この項目は変更できません");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let before = serde_json::to_value(current).unwrap_or(Value::Null);
    let mut merged = before.clone();
    merge_patch(&mut merged, patch);
    let fields = changed_fields(&before, &merged);
    Ok((from_json(merged)?, fields))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn an_object_patched_onto_null_drops_its_nulls_as_rfc_7396_says() {
        // Found by the json_bodies fuzz target: patching twice gave another result than once,
        // because the nested null was copied into the record instead of removing.
        let mut doc = json!({"dwelling": null, "name": "a"});
        merge_patch(
            &mut doc,
            &json!({"dwelling": {"bedroom_floor": null, "floor": {"x": null}}}),
        );
        assert_eq!(doc, json!({"dwelling": {"floor": {}}, "name": "a"}));
        let once = doc.clone();
        merge_patch(
            &mut doc,
            &json!({"dwelling": {"bedroom_floor": null, "floor": {"x": null}}}),
        );
        assert_eq!(doc, once, "a merge patch is idempotent");
        // The RFC's own appendix A example: {"a": "b"} patched with {"a": {"bb": {"ccc": null}}}.
        let mut doc = json!({"a": "b"});
        merge_patch(&mut doc, &json!({"a": {"bb": {"ccc": null}}}));
        assert_eq!(doc, json!({"a": {"bb": {}}}));
    }

    #[test]
    fn changed_fields_lists_added_removed_and_changed_keys() {
        let fields = changed_fields(
            &json!({"a": 1, "b": 2, "c": 3}),
            &json!({"a": 1, "b": 5, "d": 4}),
        );
        assert_eq!(fields, vec!["b", "c", "d"]);
    }

    #[test]
    fn type_errors_name_the_field_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            n: Option<i64>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Outer {
            inner: Option<Vec<Inner>>,
        }
        let err = from_json::<Outer>(json!({"inner": [{"n": 1}, {"n": "x"}]})).unwrap_err();
        assert_eq!(err.fields(), vec!["inner[1].n"]);
        let err = from_json::<Outer>(json!({"other": 1})).unwrap_err();
        assert_eq!(err.fields(), vec!["other"]);
    }
}
