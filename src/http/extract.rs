//! Request helpers: a size-limited JSON body that reports problems as problem+json, the
//! `If-Match` version, and ETag responses.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::services::input::from_json;

/// A request body parsed as JSON: 415 when not sent as JSON, 413 over the size limit, 400 when it
/// does not parse.
pub struct JsonBody(pub serde_json::Value);

impl JsonBody {
    /// Converts into an input type; a wrong value type is a 422 naming the field.
    pub fn into_input<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        Ok(from_json(self.0)?)
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
}

impl FromRequest for JsonBody {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let limit = req
            .app_data::<web::Data<crate::services::AppContext>>()
            .map_or(usize::MAX, |ctx| ctx.settings.body_limit_bytes);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes
                .await
                .map_err(|e| match e.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => ApiError::PayloadTooLarge(limit),
                    _ if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE => {
                        ApiError::PayloadTooLarge(limit)
                    }
                    _ => ApiError::BadRequest(e.to_string()),
                })?;
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            serde_json::from_slice(&bytes)
                .map(JsonBody)
                .map_err(|e| ApiError::BadJson(e.to_string()))
        })
    }
}

/// The version a client read, from `If-Match: "3"`. Missing → 428; not a version of ours → 412.
pub struct IfMatch(pub i64);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(match req.headers().get(header::IF_MATCH) {
            None => Err(ApiError::PreconditionRequired),
            Some(value) => parse_etag(value)
                .map(IfMatch)
                .ok_or(ApiError::PreconditionMalformed),
        })
    }
}

fn parse_etag(value: &HeaderValue) -> Option<i64> {
    let text = value.to_str().ok()?.trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    text.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
}

/// The ETag of a record at `version`.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A JSON response carrying the record's ETag.
pub fn with_etag<T: Serialize>(status: StatusCode, body: &T, version: i64) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag(version)))
        .json(body)
}

/// An uploaded file as raw bytes, up to the import limit (413 beyond it).
pub struct Upload(pub web::Bytes);

impl FromRequest for Upload {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // The imports scope sets its own PayloadConfig with this limit.
        let limit = req
            .app_data::<web::Data<crate::services::AppContext>>()
            .map_or(usize::MAX, |ctx| ctx.settings.import_limit_bytes);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            bytes
                .await
                .map(Upload)
                .map_err(|e| match e.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => ApiError::PayloadTooLarge(limit),
                    _ if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE => {
                        ApiError::PayloadTooLarge(limit)
                    }
                    _ => ApiError::BadRequest(e.to_string()),
                })
        })
    }
}
