//! `/api/v1/supporters`: the people and groups who help registrants evacuate.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{IfMatch, JsonBody, with_etag};
use super::registrants::Items;
use super::{ApiError, Problem, block};
use crate::domain::SupporterId;
use crate::domain::supporter::{Supporter, SupporterInput};
use crate::services::HistoryEntry;
use crate::services::access::Caller;
use crate::services::nearby::{self, Nearby, WithinQuery};
use crate::services::supporters::{self, ListQuery};
use crate::services::{AppContext, Page};

type Ctx = web::Data<AppContext>;

pub fn routes(cfg: &mut ServiceConfig) {
    // Before `/supporters/{id}`, which would otherwise take `within` for an id.
    cfg.service(supporters_within)
        .service(list_supporters)
        .service(create_supporter)
        .service(get_supporter)
        .service(patch_supporter)
        .service(supporter_history);
}

/// Lists supporters a page at a time.
#[utoipa::path(
    tag = "supporters",
    params(ListQuery),
    responses(
        (status = 200, body = Page<Supporter>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/supporters")]
async fn list_supporters(
    ctx: Ctx,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = block(&ctx, move |ctx| supporters::list(ctx, &caller, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a supporter.
#[utoipa::path(
    tag = "supporters",
    request_body = SupporterInput,
    responses(
        (status = 201, body = Supporter, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/supporters")]
async fn create_supporter(
    ctx: Ctx,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let input: SupporterInput = body.into_input()?;
    let supporter = block(&ctx, move |ctx| supporters::create(ctx, &input, &caller)).await?;
    Ok(with_etag(
        StatusCode::CREATED,
        &supporter,
        supporter.version,
    ))
}

/// Reads one supporter.
#[utoipa::path(
    tag = "supporters",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Supporter, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/supporters/{id}")]
async fn get_supporter(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = SupporterId(id.into_inner());
    let supporter = block(&ctx, move |ctx| supporters::get(ctx, &caller, id)).await?;
    Ok(with_etag(StatusCode::OK, &supporter, supporter.version))
}

/// Corrects a supporter with a JSON merge patch; requires `If-Match`.
#[utoipa::path(
    tag = "supporters",
    params(("id" = i64, Path), ("If-Match" = String, Header)),
    request_body(content = SupporterInput, description = "only the fields to change"),
    responses(
        (status = 200, body = Supporter, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/supporters/{id}")]
async fn patch_supporter(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = SupporterId(id.into_inner());
    let supporter = block(&ctx, move |ctx| {
        supporters::patch(ctx, id, if_match.0, &body.0, &caller)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, &supporter, supporter.version))
}

/// Every version of a supporter, oldest first.
#[utoipa::path(
    tag = "supporters",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Items<HistoryEntry>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/supporters/{id}/history")]
async fn supporter_history(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = SupporterId(id.into_inner());
    let items = block(&ctx, move |ctx| supporters::history(ctx, &caller, id)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Active supporters within a radius (default 500 m, at most 5 km), nearest first, each with
/// `distance_m` (great-circle metres).
#[utoipa::path(
    tag = "supporters",
    params(WithinQuery),
    responses(
        (status = 200, body = Items<Nearby<Supporter>>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/supporters/within")]
async fn supporters_within(
    ctx: Ctx,
    caller: Caller,
    query: web::Query<WithinQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let items = block(&ctx, move |ctx| {
        nearby::supporters_within(ctx, &caller, &query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
