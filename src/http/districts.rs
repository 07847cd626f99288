//! `/api/v1/districts`: the elementary-school districts (校区), and `/api/v1/readiness`: what
//! in the city's data stops plans from being made.

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::registrants::{Items, pdf_response};
use super::{ApiError, Problem, block};
use crate::domain::DistrictId;
use crate::domain::district::DistrictSummary;
use crate::services::access::Caller;
use crate::services::printing::{self, BatchQuery};
use crate::services::readiness::{self, Readiness};
use crate::services::{AppContext, districts};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_districts)
        .service(get_readiness)
        .service(district_plans_pdf)
        .service(safety_check_sheet_pdf);
}

/// Every district, in code order.
#[utoipa::path(tag = "districts", responses((status = 200, body = Items<DistrictSummary>)))]
#[get("/districts")]
async fn list_districts(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let items = block(&ctx, districts::list).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// What stops plans from being made as the city's data stands (districts, shelters per hazard,
/// welfare shelters, people off the map, supporters without consent, plans failing their
/// check), each finding with its fix in Japanese. `ready` is false while a blocking finding
/// remains. The same check as `sasaeai check`.
#[utoipa::path(tag = "districts", responses((status = 200, body = Readiness)))]
#[get("/readiness")]
async fn get_readiness(
    ctx: web::Data<AppContext>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let readiness = block(&ctx, move |ctx| readiness::check(ctx, &caller)).await?;
    Ok(HttpResponse::Ok().json(readiness))
}

/// Every confirmed, consistent plan of the district (or of one priority `tier`) in one PDF for
/// `holder`, after a cover page naming the plans left out and why. One registered copy; the
/// counts are in `X-Plans-Printed` and `X-Plans-Omitted`.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path), BatchQuery),
    responses(
        (status = 200, content_type = "application/pdf", body = Vec<u8>, headers(("X-Print-Serial" = String), ("X-Plans-Printed" = usize), ("X-Plans-Omitted" = usize))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/districts/{id}/plans.pdf")]
async fn district_plans_pdf(
    ctx: web::Data<AppContext>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<BatchQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = DistrictId(id.into_inner());
    let query = query.into_inner();
    let batch = block(&ctx, move |ctx| {
        printing::district_plans_pdf(ctx, id, &query, &caller, &mut |_, _| {})
    })
    .await?;
    Ok(pdf_response(batch.bytes, &batch.serial, "plans")
        .header("X-Plans-Printed", batch.printed.to_string())
        .header("X-Plans-Omitted", batch.omitted.to_string())
        .finish_body())
}

/// Who holds a printed safety-check sheet, and for which hazard.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
struct SheetQuery {
    /// The person or role who receives the copy (recorded in the print register).
    holder: Option<String>,
    /// Print only the destinations for this hazard: `flood`, `landslide`, `storm_surge`,
    /// `earthquake`, `tsunami`, `large_fire`, `inland_flood` or `volcano`. Default: every
    /// hazard of each person's plan, one line each (`洪水：○○小学校`). An unknown code is
    /// refused with 422 naming `hazard`.
    hazard: Option<String>,
}

/// The district's safety-check sheet (安否確認リスト) for `holder`, A4 landscape, to fill in
/// with a pen: every active registrant with address, phone, what to know at the door
/// (communication needs, living alone, power-dependent devices), supporters and destinations,
/// a 6 mm box for each status (無事（在宅）, 避難済, 要救助, 不在・不明) and columns for 確認者,
/// 日時 and 所在・メモ; the headings and a tally line on every page, the receipt block on the
/// first, and a district summary page (集計表) with the lines to record each report to
/// headquarters.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path), SheetQuery),
    responses(
        (status = 200, content_type = "application/pdf", body = Vec<u8>, headers(("X-Print-Serial" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/districts/{id}/safety-check-sheet.pdf")]
async fn safety_check_sheet_pdf(
    ctx: web::Data<AppContext>,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<SheetQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = DistrictId(id.into_inner());
    let SheetQuery { holder, hazard } = query.into_inner();
    let holder = holder.unwrap_or_default();
    let sheet = block(&ctx, move |ctx| {
        printing::safety_sheet_pdf(ctx, id, &holder, hazard.as_deref(), &caller, &mut |_, _| {})
    })
    .await?;
    Ok(pdf_response(sheet.bytes, &sheet.serial, "safety-check-sheet").finish_body())
}
