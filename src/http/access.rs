//! `/api/v1/sessions`, `/api/v1/users`, `/api/v1/incidents`, `/api/v1/audit`: logging in and
//! out, accounts, declared incidents and the audit log.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use super::registrants::Items;
use super::{ApiError, Problem, block};
use crate::domain::IncidentId;
use crate::domain::access::{Incident, IncidentInput, User};
use crate::services::access::{self, AuditPage, Caller, Credentials, NewUser, Session};
use crate::services::{AppContext, incidents};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_session)
        .service(delete_session)
        .service(list_users)
        .service(create_user)
        .service(list_incidents)
        .service(create_incident)
        .service(close_incident)
        .service(list_audit);
}

/// Logs in: `{"username", "password"}` → a bearer token and when it expires. Wrong names and
/// passwords are 401 alike; after repeated failures from the client's address (for this name,
/// or for many names), 429 with `Retry-After`.
#[utoipa::path(
    tag = "access",
    request_body = Credentials,
    responses(
        (status = 201, body = Session),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sessions")]
async fn create_session(
    ctx: web::Data<AppContext>,
    req: HttpRequest,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let credentials: Credentials = body.into_input()?;
    // The peer of the TCP connection, never a Forwarded or X-Forwarded-For header: a client
    // could write any address there and so escape its own throttle.
    let client = req.peer_addr().map(|a| a.ip());
    match block(&ctx, move |ctx| access::login(ctx, &credentials, client)).await {
        Ok(session) => Ok(HttpResponse::Created().json(session)),
        Err(ApiError::Service(crate::services::ServiceError::Throttled { retry_after_secs })) => {
            let error =
                ApiError::Service(crate::services::ServiceError::Throttled { retry_after_secs });
            let mut response = actix_web::ResponseError::error_response(&error);
            if let Ok(value) =
                actix_web::http::header::HeaderValue::from_str(&retry_after_secs.to_string())
            {
                response
                    .headers_mut()
                    .insert(actix_web::http::header::RETRY_AFTER, value);
            }
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

/// Logs out: the token stops working at once.
#[utoipa::path(tag = "access", responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
#[delete("/sessions/current")]
async fn delete_session(
    ctx: web::Data<AppContext>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = super::auth::bearer(&req).unwrap_or_default();
    block(&ctx, move |ctx| access::logout(ctx, &caller, &token)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every user (admin only).
#[utoipa::path(tag = "access", responses((status = 200, body = Items<User>)))]
#[get("/users")]
async fn list_users(ctx: web::Data<AppContext>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let items = block(&ctx, move |ctx| access::list_users_for(ctx, &caller)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Adds a user (admin only): username, role, districts (codes, for `district`), password.
#[utoipa::path(
    tag = "access",
    request_body = NewUser,
    responses(
        (status = 201, body = User),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
async fn create_user(
    ctx: web::Data<AppContext>,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let new: NewUser = body.into_input()?;
    let user = block(&ctx, move |ctx| access::add_user(ctx, &caller, &new)).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(user))
}

/// Every incident, newest first, with whether it is open now.
#[utoipa::path(tag = "access", responses((status = 200, body = Items<Incident>)))]
#[get("/incidents")]
async fn list_incidents(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let items = block(&ctx, incidents::list).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Declares an incident over districts or a GeoJSON area: while it is open, district users
/// whose districts it covers see everyone in it, consent or not, and each such access is
/// marked in the audit log.
#[utoipa::path(
    tag = "access",
    request_body = IncidentInput,
    responses(
        (status = 201, body = Incident),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/incidents")]
async fn create_incident(
    ctx: web::Data<AppContext>,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let input: IncidentInput = body.into_input()?;
    let incident = block(&ctx, move |ctx| incidents::declare(ctx, &caller, &input)).await?;
    Ok(HttpResponse::Created().json(incident))
}

/// Closes an incident: the widened view ends at once.
#[utoipa::path(
    tag = "access",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Incident),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/incidents/{id}/close")]
async fn close_incident(
    ctx: web::Data<AppContext>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = IncidentId(id.into_inner());
    let incident = block(&ctx, move |ctx| incidents::close(ctx, &caller, id)).await?;
    Ok(HttpResponse::Ok().json(incident))
}

/// Audit log paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
struct AuditQuery {
    /// Entries after this id (default 0: from the start).
    after: Option<i64>,
    /// At most this many (default 200, at most 1000).
    limit: Option<i64>,
}

/// The audit log, oldest first (auditor only); `next_after` continues.
#[utoipa::path(tag = "access", params(AuditQuery), responses((status = 200, body = AuditPage)))]
#[get("/audit")]
async fn list_audit(
    ctx: web::Data<AppContext>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let (after, limit) = (query.after.unwrap_or(0), query.limit.unwrap_or(200));
    let items = block(&ctx, move |ctx| {
        access::audit_page_for(ctx, &caller, after, limit)
    })
    .await?;
    let next_after = items.last().map(|e| e.id);
    Ok(HttpResponse::Ok().json(AuditPage { items, next_after }))
}
