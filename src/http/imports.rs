//! `/api/v1/imports`: districts, hazard zones and shelters from files.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::Upload;
use super::{ApiError, Problem, block};
use crate::services::AppContext;
use crate::services::HazardZoneSummary;
use crate::services::access::Caller;
use crate::services::imports::{self, ImportKind, ImportOptions, ImportReport};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(hazard_code_table).service(import_file);
}

pub fn hazard_zone_routes(cfg: &mut ServiceConfig) {
    cfg.service(list_hazard_zones);
}

/// How hazard files are read: the A31 depth ranks and A33 zone classes and phenomena.
#[utoipa::path(tag = "imports", responses((status = 200, body = Object)))]
#[get("/hazard-codes")]
async fn hazard_code_table() -> HttpResponse {
    HttpResponse::Ok().json(imports::hazard_code_table())
}

/// Imports a file (`districts`, `hazards` or `shelters`) sent as the request body. Accepted
/// rows are stored together; rejected rows are listed with their number and reason.
#[utoipa::path(
    tag = "imports",
    params(("kind" = String, Path, description = "districts, hazards or shelters"), ImportOptions),
    request_body(content = String, description = "the file: GeoJSON, or CSV in UTF-8 (with or without BOM) or CP932", content_type = "application/octet-stream"),
    responses(
        (status = 200, body = ImportReport),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/{kind}")]
async fn import_file(
    ctx: web::Data<AppContext>,
    caller: Caller,
    kind: web::Path<String>,
    options: web::Query<ImportOptions>,
    file: Upload,
) -> Result<HttpResponse, ApiError> {
    let kind = ImportKind::parse(&kind).ok_or(ApiError::NoRoute)?;
    let options = options.into_inner();
    let report = block(&ctx, move |ctx| {
        imports::import(ctx, kind, &file.0, &options, &caller)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct HazardZones {
    items: Vec<HazardZoneSummary>,
}

/// Every hazard zone (without its polygon).
#[utoipa::path(tag = "hazard zones", responses((status = 200, body = HazardZones)))]
#[get("/hazard-zones")]
async fn list_hazard_zones(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let items = block(&ctx, crate::services::districts::hazard_zones).await?;
    Ok(HttpResponse::Ok().json(HazardZones { items }))
}
