//! Authentication and authorisation for every `/api/v1` route, in one place.
//!
//! Deny by default: a route missing from [`ROUTE_ROLES`] is refused to every role. A request
//! without a live bearer token is 401; a role not listed for the route is 403. `POST
//! /api/v1/sessions`, `GET /healthz` and the API documentation stay open. Every change
//! (a request other than GET that is not a search) is written to the audit log with its status.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, ResponseError, web};

use super::ApiError;
use crate::domain::RegistrantId;
use crate::domain::codes::Role;
use crate::services::AppContext;
use crate::services::access::{self, Caller};

use Role::{Admin, Auditor, District, Staff, VolunteerCentre};

const ALL: &[Role] = &[Admin, Staff, District, VolunteerCentre, Auditor];
const REGISTER: &[Role] = &[Admin, Staff];
const REGISTER_AND_DISTRICTS: &[Role] = &[Admin, Staff, District];
const GEODATA_READERS: &[Role] = &[Admin, Staff, District, VolunteerCentre];
const VOLUNTEER_CENTRE: &[Role] = &[Admin, Staff, VolunteerCentre];

/// Who may call each route: (method, route pattern, roles).
const ROUTE_ROLES: &[(&str, &str, &[Role])] = &[
    ("DELETE", "/api/v1/sessions/current", ALL),
    ("GET", "/api/v1/users", &[Admin]),
    ("POST", "/api/v1/users", &[Admin]),
    ("GET", "/api/v1/audit", &[Auditor]),
    ("GET", "/api/v1/incidents", REGISTER_AND_DISTRICTS),
    ("POST", "/api/v1/incidents", REGISTER),
    ("POST", "/api/v1/incidents/{id}/close", REGISTER),
    ("GET", "/api/v1/readiness", REGISTER),
    ("GET", "/api/v1/districts", GEODATA_READERS),
    (
        "GET",
        "/api/v1/districts/{id}/plans.pdf",
        REGISTER_AND_DISTRICTS,
    ),
    (
        "GET",
        "/api/v1/districts/{id}/safety-check-sheet.pdf",
        REGISTER_AND_DISTRICTS,
    ),
    ("GET", "/api/v1/hazard-zones", GEODATA_READERS),
    (
        "GET",
        "/api/v1/hazard-zones/{id}/registrants",
        REGISTER_AND_DISTRICTS,
    ),
    ("GET", "/api/v1/imports/hazard-codes", REGISTER),
    ("POST", "/api/v1/imports/{kind}", REGISTER),
    ("GET", "/api/v1/matching/runs/{id}", REGISTER),
    ("GET", "/api/v1/matching/runs/{id}/proposals", REGISTER),
    ("POST", "/api/v1/matching/runs", REGISTER),
    ("POST", "/api/v1/proposals/{id}/confirm", REGISTER),
    ("POST", "/api/v1/proposals/{id}/reject", REGISTER),
    ("GET", "/api/v1/reports/supporter-gaps", REGISTER),
    ("GET", "/api/v1/reports/supporter-gaps.csv", REGISTER),
    ("GET", "/api/v1/prints", REGISTER),
    ("POST", "/api/v1/prints/{serial}/return", REGISTER),
    ("GET", "/api/v1/registrants", REGISTER_AND_DISTRICTS),
    ("POST", "/api/v1/registrants", REGISTER),
    (
        "POST",
        "/api/v1/registrants/within-area",
        REGISTER_AND_DISTRICTS,
    ),
    ("GET", "/api/v1/registrants/{id}", REGISTER_AND_DISTRICTS),
    ("PATCH", "/api/v1/registrants/{id}", REGISTER),
    ("GET", "/api/v1/registrants/{id}/history", REGISTER),
    ("GET", "/api/v1/registrants/{id}/consents", REGISTER),
    ("POST", "/api/v1/registrants/{id}/consents", REGISTER),
    ("POST", "/api/v1/registrants/{id}/status", REGISTER),
    (
        "GET",
        "/api/v1/registrants/{id}/plan",
        REGISTER_AND_DISTRICTS,
    ),
    ("PUT", "/api/v1/registrants/{id}/plan", REGISTER),
    ("GET", "/api/v1/registrants/{id}/plan/history", REGISTER),
    (
        "GET",
        "/api/v1/registrants/{id}/plan/check",
        REGISTER_AND_DISTRICTS,
    ),
    (
        "GET",
        "/api/v1/registrants/{id}/plan.pdf",
        REGISTER_AND_DISTRICTS,
    ),
    ("GET", "/api/v1/supporters", REGISTER),
    ("POST", "/api/v1/supporters", REGISTER),
    ("GET", "/api/v1/supporters/within", REGISTER),
    ("GET", "/api/v1/supporters/{id}", REGISTER),
    ("PATCH", "/api/v1/supporters/{id}", REGISTER),
    ("GET", "/api/v1/supporters/{id}/history", REGISTER),
    ("GET", "/api/v1/shelters", GEODATA_READERS),
    ("POST", "/api/v1/shelters", REGISTER),
    ("GET", "/api/v1/shelters/nearest", GEODATA_READERS),
    ("GET", "/api/v1/shelters/{id}", GEODATA_READERS),
    ("PATCH", "/api/v1/shelters/{id}", REGISTER),
    ("GET", "/api/v1/shelters/{id}/history", REGISTER),
    ("POST", "/api/v1/imports/registrants", REGISTER),
    ("POST", "/api/v1/imports/supporters", REGISTER),
    ("GET", "/api/v1/exports/registrants.csv", REGISTER),
    ("GET", "/api/v1/exports/supporters.csv", REGISTER),
    ("GET", "/api/v1/exports/{layer}.geojson", REGISTER),
    ("GET", "/api/v1/registrants/duplicates", REGISTER),
    ("POST", "/api/v1/registrants/{id}/merge", REGISTER),
];

/// Route prefixes whose every route has the same roles.
const PREFIX_ROLES: &[(&str, &[Role])] = &[("/api/v1/volunteer-centre/", VOLUNTEER_CENTRE)];

/// How well `path` fits `pattern` (`{…}` matches one segment): the number of literal
/// segments, or None when it does not fit.
fn fit(pattern: &str, path: &str) -> Option<usize> {
    let (pattern, path): (Vec<&str>, Vec<&str>) =
        (pattern.split('/').collect(), path.split('/').collect());
    if pattern.len() != path.len() {
        return None;
    }
    let mut literal = 0;
    for (p, s) in pattern.iter().zip(&path) {
        if let Some(rest) = p.strip_prefix('{')
            && let Some((_, suffix)) = rest.split_once('}')
        {
            // `{id}` or `{layer}.geojson`: any non-empty value with that suffix.
            if s.len() <= suffix.len() || !s.ends_with(suffix) {
                return None;
            }
        } else if p == s {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal)
}

/// The route pattern a request is for and the roles allowed on it: the most specific listed
/// pattern for this method (so `/supporters/within` is not taken for `/supporters/{id}`).
/// None when the route is not listed, which no role may call.
pub fn route_for(method: &Method, path: &str) -> Option<(&'static str, &'static [Role])> {
    let listed = ROUTE_ROLES
        .iter()
        .filter(|(m, _, _)| *m == method.as_str())
        .filter_map(|(_, p, roles)| Some((fit(p, path)?, *p, *roles)))
        .max_by_key(|(score, _, _)| *score)
        .map(|(_, p, roles)| (p, roles));
    listed.or_else(|| {
        PREFIX_ROLES
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map(|(prefix, roles)| (*prefix, *roles))
    })
}

fn is_open(req: &ServiceRequest) -> bool {
    let path = req.path();
    !path.starts_with("/api/v1/")
        || path.starts_with("/api/v1/docs")
        || path == "/api/v1/openapi.json"
        || (path == "/api/v1/sessions" && req.method() == Method::POST)
}

/// The bearer token of a request, if any.
pub(super) fn bearer(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
}

fn refuse(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    let response = error.error_response();
    req.into_response(response)
}

/// The middleware: authenticate, check the role, run the handler, audit a change.
pub async fn authorize(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if is_open(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some(ctx) = req.app_data::<web::Data<AppContext>>().cloned() else {
        return Ok(refuse(req, ApiError::Internal("no context".into())));
    };
    let Some(token) = bearer(req.request()) else {
        return Ok(refuse(
            req,
            crate::services::ServiceError::Unauthenticated.into(),
        ));
    };
    let lookup = ctx.clone();
    let caller = match web::block(move || access::authenticate(&lookup, &token)).await {
        Ok(Ok(Some(caller))) => caller,
        Ok(Ok(None)) => {
            return Ok(refuse(
                req,
                crate::services::ServiceError::Unauthenticated.into(),
            ));
        }
        Ok(Err(e)) => return Ok(refuse(req, e.into())),
        Err(e) => return Ok(refuse(req, ApiError::Internal(e.to_string()))),
    };
    let method = req.method().clone();
    let (_, roles) = match route_for(&method, req.path()) {
        Some(found) => found,
        // Nothing is served here: say so. A served route missing from the table: deny.
        None if req.match_pattern().is_none() => return Ok(refuse(req, ApiError::NoRoute)),
        None => ("", &[][..]),
    };
    if !roles.contains(&caller.role()) {
        return Ok(refuse(req, crate::services::ServiceError::Forbidden.into()));
    }
    req.extensions_mut().insert(caller);
    // Every service records what it read or changed in its own transaction; nothing is
    // audited here after the fact.
    Ok(next.call(req).await?.map_into_boxed_body())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .ok_or(crate::services::ServiceError::Unauthenticated.into()),
        )
    }
}

/// A request that reads one person's record (`/registrants/{id}…`): the caller, the person and
/// the path, extracted together so that every such handler checks and audits the read the
/// same way through [`PersonRead::run`].
pub struct PersonRead {
    caller: Caller,
    id: RegistrantId,
}

impl FromRequest for PersonRead {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let caller = match Caller::from_request(req, payload).into_inner() {
            Ok(caller) => caller,
            Err(e) => return std::future::ready(Err(e)),
        };
        let id = req.match_info().get("id").and_then(|id| id.parse().ok());
        std::future::ready(match id {
            Some(id) => Ok(Self {
                caller,
                id: RegistrantId(id),
            }),
            None => Err(ApiError::NoRoute),
        })
    }
}

impl PersonRead {
    /// Runs `f` on the blocking pool with the caller and the person; the service checks what
    /// the caller may see and records the read in its own transaction.
    pub async fn run<T, F>(self, ctx: &web::Data<AppContext>, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&AppContext, &Caller, RegistrantId) -> crate::services::ServiceResult<T>
            + Send
            + 'static,
        T: Send + 'static,
    {
        let Self { caller, id } = self;
        super::block(ctx, move |ctx| f(ctx, &caller, id)).await
    }
}
