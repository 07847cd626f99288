//! The staff pages, in Japanese, served by the same binary under `/` (the API stays under
//! `/api/v1/`).
//!
//! Server-rendered HTML: askama templates checked at compile time (in `templates/`, beside
//! these modules), htmx and Leaflet vendored in `assets/web` and served from the binary, so
//! the pages work with no internet and need no Node toolchain. Pages hold no rule: a handler
//! parses the form into the input type the API uses, calls the same service with the same
//! caller (whose reads and changes the service audits), and renders the plain view it gets
//! back. Depends on `services` and `domain`, never on `storage`.
//!
//! Security: the session is the API's session, carried in an HttpOnly, SameSite=Strict cookie
//! (see [`session`]); every form carries a CSRF token derived from it; every response carries
//! a strict Content-Security-Policy with no inline script ([`security_headers`]).

mod admin;
mod assets;
mod error;
mod forms;
mod home;
mod plans;
mod prints;
mod registrants;
mod session;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use askama::Template;

pub use error::PageError;
pub use session::{CSRF_FIELD, SESSION_COOKIE};

use crate::services::AppContext;

/// Registers every page and the static assets.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(assets::asset)
        .configure(session::routes)
        .configure(home::routes)
        .configure(registrants::routes)
        .configure(plans::routes)
        .configure(prints::routes)
        .configure(admin::routes);
}

/// Runs a service call on the blocking pool (diesel is synchronous) and hands back the
/// service's own answer, for a page that shows some refusals beside its fields; only a failure
/// of the pool itself is the page's error.
async fn attempt<T, F>(
    ctx: &web::Data<AppContext>,
    f: F,
) -> Result<crate::services::ServiceResult<T>, PageError>
where
    F: FnOnce(&AppContext) -> crate::services::ServiceResult<T> + Send + 'static,
    T: Send + 'static,
{
    let ctx = ctx.clone();
    web::block(move || f(&ctx))
        .await
        .map_err(|e| PageError::Service(crate::services::ServiceError::System(e.to_string())))
}

/// As [`attempt`], every refusal or failure being the page's error.
async fn run<T, F>(ctx: &web::Data<AppContext>, f: F) -> Result<T, PageError>
where
    F: FnOnce(&AppContext) -> crate::services::ServiceResult<T> + Send + 'static,
    T: Send + 'static,
{
    attempt(ctx, f).await?.map_err(PageError::Service)
}

/// A UTC time as Japan's clock shows it (2026年12月2日 15:04).
fn japan_time(at: chrono::NaiveDateTime) -> String {
    (at + chrono::Duration::hours(9))
        .format("%Y年%-m月%-d日 %H:%M")
        .to_string()
}

/// One choice of a select or a set of checkboxes.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Renders a template as a page (200).
fn page(template: &impl Template) -> Result<HttpResponse, PageError> {
    page_with(actix_web::http::StatusCode::OK, template)
}

/// Renders a template with a status (a form with errors is 422, so tools and tests see it).
fn page_with(
    status: actix_web::http::StatusCode,
    template: &impl Template,
) -> Result<HttpResponse, PageError> {
    let body = template.render().map_err(PageError::Render)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// A redirect after a form was handled (303: the browser follows with GET).
fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The Content-Security-Policy of every page: scripts, styles and fonts only from this server,
/// no inline script or style element, no framing, forms only to this server. Map tiles, when a
/// basemap is configured, are the one outside source.
fn content_security_policy(ctx: &AppContext) -> String {
    let tiles = ctx
        .settings
        .basemap_url
        .as_deref()
        .and_then(basemap_origin)
        .map(|origin| format!(" {origin}"))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; \
         connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; \
         base-uri 'none'"
    )
}

/// `https://host[:port]` of a tile URL template.
fn basemap_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    Some(format!("{scheme}://{host}"))
}

/// The middleware of every path outside `/api/`: the security headers, and the same-origin
/// check of every form post (a browser sends `Origin` with a POST; a form posted from another
/// site is refused before any handler runs, in addition to the CSRF token).
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path().to_owned();
    if path.starts_with("/api/") || path == "/healthz" {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    if req.method() == actix_web::http::Method::POST && !same_origin(req.request()) {
        let response = PageError::CrossSite.into_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    let csp = req
        .app_data::<web::Data<AppContext>>()
        .map(|ctx| content_security_policy(ctx));
    let mut response = next.call(req).await?;
    let headers = response.headers_mut();
    if let Some(Ok(csp)) = csp.map(|c| HeaderValue::from_str(&c)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !path.starts_with("/assets/") {
        // Pages hold personal data: no copy in the browser's or a proxy's cache.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response.map_into_left_body())
}

/// A POST with no `Origin` (old browsers, tools) or one naming this server's own host.
fn same_origin(req: &actix_web::HttpRequest) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tile_template_gives_its_origin_for_the_policy() {
        assert_eq!(
            basemap_origin("https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png").as_deref(),
            Some("https://cyberjapandata.gsi.go.jp")
        );
        assert_eq!(basemap_origin("javascript:alert(1)"), None);
        assert_eq!(basemap_origin("https:///x"), None);
    }
}
