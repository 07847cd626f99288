//! `/api/v1/shelters`: emergency sites, designated shelters and welfare shelters.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, patch, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{IfMatch, JsonBody, with_etag};
use super::registrants::Items;
use super::{ApiError, Problem, block};
use crate::domain::ShelterId;
use crate::domain::shelter::{Shelter, ShelterInput};
use crate::services::HistoryEntry;
use crate::services::access::Caller;
use crate::services::nearby::{self, Nearby, NearestShelterQuery};
use crate::services::shelters::{self, ListQuery};
use crate::services::{AppContext, Page};

type Ctx = web::Data<AppContext>;

pub fn routes(cfg: &mut ServiceConfig) {
    // Before `/shelters/{id}`, which would otherwise take `nearest` for an id.
    cfg.service(nearest_shelters)
        .service(list_shelters)
        .service(create_shelter)
        .service(get_shelter)
        .service(patch_shelter)
        .service(shelter_history);
}

/// Lists shelters a page at a time.
#[utoipa::path(
    tag = "shelters",
    params(ListQuery),
    responses(
        (status = 200, body = Page<Shelter>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/shelters")]
async fn list_shelters(ctx: Ctx, query: web::Query<ListQuery>) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = block(&ctx, move |ctx| shelters::list(ctx, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a shelter.
#[utoipa::path(
    tag = "shelters",
    request_body = ShelterInput,
    responses(
        (status = 201, body = Shelter, headers(("ETag" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/shelters")]
async fn create_shelter(
    ctx: Ctx,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let input: ShelterInput = body.into_input()?;
    let shelter = block(&ctx, move |ctx| shelters::create(ctx, &input, &caller)).await?;
    Ok(with_etag(StatusCode::CREATED, &shelter, shelter.version))
}

/// Reads one shelter.
#[utoipa::path(
    tag = "shelters",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Shelter, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/shelters/{id}")]
async fn get_shelter(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = ShelterId(id.into_inner());
    let shelter = block(&ctx, move |ctx| shelters::get(ctx, id)).await?;
    Ok(with_etag(StatusCode::OK, &shelter, shelter.version))
}

/// Corrects a shelter with a JSON merge patch; requires `If-Match`.
#[utoipa::path(
    tag = "shelters",
    params(("id" = i64, Path), ("If-Match" = String, Header)),
    request_body(content = ShelterInput, description = "only the fields to change"),
    responses(
        (status = 200, body = Shelter, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/shelters/{id}")]
async fn patch_shelter(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = ShelterId(id.into_inner());
    let shelter = block(&ctx, move |ctx| {
        shelters::patch(ctx, id, if_match.0, &body.0, &caller)
    })
    .await?;
    Ok(with_etag(StatusCode::OK, &shelter, shelter.version))
}

/// Every version of a shelter, oldest first.
#[utoipa::path(
    tag = "shelters",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Items<HistoryEntry>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/shelters/{id}/history")]
async fn shelter_history(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = ShelterId(id.into_inner());
    let items = block(&ctx, move |ctx| shelters::history(ctx, id)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// The nearest shelters that may be proposed for a hazard: open, designated for it and never
/// inside a zone of it; each with `distance_m` (great-circle metres).
#[utoipa::path(
    tag = "shelters",
    params(NearestShelterQuery),
    responses(
        (status = 200, body = Items<Nearby<Shelter>>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/shelters/nearest")]
async fn nearest_shelters(
    ctx: Ctx,
    query: web::Query<NearestShelterQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let items = block(&ctx, move |ctx| nearby::nearest_shelters(ctx, &query)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
