//! Form bodies and the errors shown beside their fields.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};

use super::error::PageError;
use crate::domain::ValidationErrors;
use crate::services::ServiceError;

/// A posted form (`application/x-www-form-urlencoded`), size-limited like every body; a
/// field may repeat, as checkboxes send it.
pub struct Form(Vec<(String, String)>);

impl Form {
    /// The field's value with surrounding spaces removed; `None` when missing or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.raw(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The field's value exactly as sent (passwords).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every non-blank value of a repeated field, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A date typed as 令和8年4月1日, R8.4.1 or 2026-04-01, as the API's `YYYY-MM-DD`; `None`
    /// when blank, and also when unreadable, with the reason recorded under `field`.
    pub fn era_date(
        &self,
        name: &str,
        field: &str,
        errors: &mut ValidationErrors,
    ) -> Option<String> {
        match crate::domain::era::parse_date(self.text(name)?) {
            Ok(date) => Some(date.to_string()),
            Err(message) => {
                errors.push(field, message);
                None
            }
        }
    }

    /// The record version the form was opened on (0 when missing: the service then answers
    /// with a conflict, never a silent overwrite).
    pub fn version(&self, name: &str) -> i64 {
        self.text(name).and_then(|v| v.parse().ok()).unwrap_or(0)
    }

    /// Whether a checkbox was ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.text(name).is_some()
    }
}

impl FromRequest for Form {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|_| {
                PageError::Service(ServiceError::Invalid(ValidationErrors::one(
                    "form",
                    "送られた内容が大きすぎるか、読み取れませんでした",
                )))
            })?;
            Ok(Self(
                form_urlencoded::parse(&bytes)
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ))
        })
    }
}

/// The errors of a form, by field, for the template to show beside each one, and as a list
/// for the summary above the form.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    by_field: BTreeMap<String, Vec<String>>,
    summary: Vec<String>,
}

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: &str) {
        self.by_field
            .entry(field.to_owned())
            .or_default()
            .push(message.to_owned());
        self.summary.push(message.to_owned());
    }

    /// As [`Self::add`], the summary line naming the field (「生年月日：…」).
    pub fn add_labelled(&mut self, field: &str, label: &str, message: &str) {
        self.by_field
            .entry(field.to_owned())
            .or_default()
            .push(message.to_owned());
        self.summary.push(format!("{label}：{message}"));
    }

    /// The messages for `field` and the fields under it (`dwelling.bedroom_floor` under
    /// `dwelling`), joined.
    pub fn get(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .by_field
            .iter()
            .filter(|(k, _)| {
                k.as_str() == field
                    || k.strip_prefix(field)
                        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            })
            .flat_map(|(_, v)| v.iter().map(String::as_str))
            .collect();
        (!messages.is_empty()).then(|| messages.join("。"))
    }

    pub fn has(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty()
    }

    /// Every message, for the summary at the top of a form.
    pub fn all(&self) -> &[String] {
        &self.summary
    }
}

impl From<&ValidationErrors> for FieldErrors {
    fn from(errors: &ValidationErrors) -> Self {
        let mut out = Self::default();
        for e in errors.errors() {
            out.add(&e.field, &e.message);
        }
        out
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_under_a_field_show_beside_it() {
        let mut errors = FieldErrors::default();
        errors.add("dwelling.bedroom_floor", "1以上の数を入力してください");
        errors.add("dwellingx", "別の項目");
        assert_eq!(
            errors.get("dwelling").as_deref(),
            Some("1以上の数を入力してください")
        );
        assert!(errors.has("dwellingx"));
        assert_eq!(errors.get("name"), None);
    }

    #[test]
    fn a_repeated_field_gives_every_value() {
        let form = Form(vec![
            ("r".into(), "care_level".into()),
            ("r".into(), " ".into()),
            ("r".into(), "other".into()),
        ]);
        assert_eq!(form.all("r"), ["care_level", "other"]);
        assert_eq!(form.text("missing"), None);
    }
}
