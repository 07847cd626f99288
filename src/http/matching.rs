//! `/api/v1/matching`, `/api/v1/proposals`, `/api/v1/reports`: matching runs, their proposals,
//! staff decisions and the supporter-gap report.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::JsonBody;
use super::registrants::Items;
use super::{ApiError, Problem, block};
use crate::services::Proposal;
use crate::services::access::Caller;
use crate::services::matching::{
    self, Decision, ProposalQuery, RunRequest, RunSummary, SupporterGap,
};
use crate::services::{AppContext, Page};

type Ctx = web::Data<AppContext>;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(create_matching_run)
        .service(get_matching_run)
        .service(list_run_proposals)
        .service(confirm_proposal)
        .service(reject_proposal)
        .service(supporter_gaps_csv)
        .service(supporter_gaps);
}

/// Proposes supporters and shelters for every active registrant of a district (or the whole
/// city when `district_id` is omitted); confirmed links stay, rejected pairs are not proposed.
#[utoipa::path(
    tag = "matching",
    request_body = RunRequest,
    responses(
        (status = 201, body = RunSummary),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/matching/runs")]
async fn create_matching_run(
    ctx: Ctx,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let request: RunRequest = body.into_input()?;
    let summary = block(&ctx, move |ctx| matching::run(ctx, &request, &caller)).await?;
    Ok(HttpResponse::Created().json(summary))
}

/// The summary of a run.
#[utoipa::path(
    tag = "matching",
    params(("id" = i64, Path)),
    responses((status = 200, body = RunSummary), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/matching/runs/{id}")]
async fn get_matching_run(ctx: Ctx, id: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let summary = block(&ctx, move |ctx| matching::summary(ctx, id)).await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// The proposals of a run: supporters, shelters per hazard type, and open places with reasons.
#[utoipa::path(
    tag = "matching",
    params(("id" = i64, Path), ProposalQuery),
    responses((status = 200, body = Page<Proposal>), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/matching/runs/{id}/proposals")]
async fn list_run_proposals(
    ctx: Ctx,
    id: web::Path<i64>,
    query: web::Query<ProposalQuery>,
) -> Result<HttpResponse, ApiError> {
    let (id, query) = (id.into_inner(), query.into_inner());
    let page = block(&ctx, move |ctx| matching::proposals_of(ctx, id, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Confirms a proposal: the link stays fixed in later runs, and the supporter or destination
/// is written into the person's plan (a draft plan is created when there is none).
#[utoipa::path(
    tag = "matching",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Decision),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/proposals/{id}/confirm")]
async fn confirm_proposal(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let proposal = block(&ctx, move |ctx| matching::decide(ctx, id, true, &caller)).await?;
    Ok(HttpResponse::Ok().json(proposal))
}

/// Rejects a proposal: that pair is never proposed again. The plan is left as it is.
#[utoipa::path(
    tag = "matching",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Decision),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/proposals/{id}/reject")]
async fn reject_proposal(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let proposal = block(&ctx, move |ctx| matching::decide(ctx, id, false, &caller)).await?;
    Ok(HttpResponse::Ok().json(proposal))
}

/// Per district: people still needing supporters, open places, and why.
#[utoipa::path(tag = "reports", responses((status = 200, body = Items<SupporterGap>)))]
#[get("/reports/supporter-gaps")]
async fn supporter_gaps(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let items = block(&ctx, matching::supporter_gaps).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// The supporter-gap report as CSV (UTF-8 with BOM for Excel, Japanese headers).
#[utoipa::path(tag = "reports", responses((status = 200, body = String, content_type = "text/csv")))]
#[get("/reports/supporter-gaps.csv")]
async fn supporter_gaps_csv(ctx: Ctx) -> Result<HttpResponse, ApiError> {
    let items = block(&ctx, matching::supporter_gaps).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"supporter-gaps.csv\"",
        ))
        .body(matching::supporter_gaps_csv(&items)))
}
