//! Registrant files: `POST /imports/registrants` (CSV, dry run by default),
//! `GET /exports/registrants.csv`, and `GET /registrants/duplicates` for review.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::extract::{IfMatch, JsonBody, Upload, with_etag};
use super::{ApiError, Problem, block};
use crate::exchange::Encoding;
use crate::services::AppContext;
use crate::services::access::Caller;
use crate::services::exchange::{
    self, DuplicatePair, ExchangeReport, ExportOptions, MergeInput, RegistrantImportOptions,
};

/// Routes outside `/imports` (which has its own body limit).
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(export_registrants_csv)
        .service(export_supporters_csv)
        .service(export_geojson)
        .service(list_registrant_duplicates)
        .service(merge_registrants);
}

/// Routes inside `/imports`; registered before `/imports/{kind}`.
pub fn import_routes(cfg: &mut ServiceConfig) {
    cfg.service(import_registrants).service(import_supporters);
}

/// Imports registrants from CSV (UTF-8 with or without BOM, or CP932), matched to stored people
/// by 宛名番号 (then 登録番号). Without `dry_run=false` nothing is written: the report gives
/// every row's outcome. With `dry_run=false` every row is written in one transaction, or none
/// when any row is rejected (then 200 with `"applied": false` and a `message`).
#[utoipa::path(
    tag = "imports",
    params(RegistrantImportOptions),
    request_body(content = String, description = "the CSV file", content_type = "application/octet-stream"),
    responses(
        (status = 200, body = ExchangeReport),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registrants")]
async fn import_registrants(
    ctx: web::Data<AppContext>,
    caller: Caller,
    options: web::Query<RegistrantImportOptions>,
    file: Upload,
) -> Result<HttpResponse, ApiError> {
    let options = options.into_inner();
    let dry_run = options.dry_run.unwrap_or(true);
    let report = block(&ctx, move |ctx| {
        exchange::import_registrants(ctx, &file.0, options.encoding, dry_run, &caller)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Imports supporters from CSV, like `/imports/registrants` (dry run by default, all rows or
/// none).
#[utoipa::path(
    tag = "imports",
    params(RegistrantImportOptions),
    request_body(content = String, description = "the CSV file", content_type = "application/octet-stream"),
    responses(
        (status = 200, body = ExchangeReport),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/supporters")]
async fn import_supporters(
    ctx: web::Data<AppContext>,
    caller: Caller,
    options: web::Query<RegistrantImportOptions>,
    file: Upload,
) -> Result<HttpResponse, ApiError> {
    let options = options.into_inner();
    let dry_run = options.dry_run.unwrap_or(true);
    let report = block(&ctx, move |ctx| {
        exchange::import_supporters(ctx, &file.0, options.encoding, dry_run, &caller)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Every supporter as CSV with Japanese headers that `/imports/supporters` reads back.
#[utoipa::path(
    tag = "exports",
    params(ExportOptions),
    responses(
        (status = 200, content_type = "text/csv", body = String),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exports/supporters.csv")]
async fn export_supporters_csv(
    ctx: web::Data<AppContext>,
    caller: Caller,
    options: web::Query<ExportOptions>,
) -> Result<HttpResponse, ApiError> {
    let encoding = options.into_inner().encoding.unwrap_or(Encoding::Utf8);
    let bytes = block(&ctx, move |ctx| {
        exchange::export_supporters_csv(ctx, &caller, encoding)
    })
    .await?;
    Ok(csv_response(bytes, encoding, "supporters"))
}

fn csv_response(bytes: Vec<u8>, encoding: Encoding, name: &str) -> HttpResponse {
    let charset = match encoding {
        Encoding::Utf8 => "utf-8",
        Encoding::ShiftJis => "shift_jis",
    };
    HttpResponse::Ok()
        .content_type(format!("text/csv; charset={charset}"))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(bytes)
}

/// Every active registrant as CSV with Japanese headers that the import reads back: UTF-8 with
/// a byte-order mark (for Excel) or CP932 (`encoding=shift_jis`; 422 naming the row when a
/// character has no CP932 form).
#[utoipa::path(
    tag = "exports",
    params(ExportOptions),
    responses(
        (status = 200, content_type = "text/csv", body = String),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exports/registrants.csv")]
async fn export_registrants_csv(
    ctx: web::Data<AppContext>,
    caller: Caller,
    options: web::Query<ExportOptions>,
) -> Result<HttpResponse, ApiError> {
    let encoding = options.into_inner().encoding.unwrap_or(Encoding::Utf8);
    let bytes = block(&ctx, move |ctx| {
        exchange::export_registrants_csv(ctx, &caller, encoding)
    })
    .await?;
    let charset = match encoding {
        Encoding::Utf8 => "utf-8",
        Encoding::ShiftJis => "shift_jis",
    };
    Ok(HttpResponse::Ok()
        .content_type(format!("text/csv; charset={charset}"))
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"registrants.csv\"",
        ))
        .body(bytes))
}

/// One layer (`registrants`, `supporters`, `shelters` or `districts`) as a GeoJSON
/// FeatureCollection for QGIS: Points, or MultiPolygons for districts; properties = the fields.
#[utoipa::path(
    tag = "exports",
    params(("layer" = String, Path, description = "registrants, supporters, shelters or districts")),
    responses(
        (status = 200, content_type = "application/geo+json", body = Object),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/exports/{layer}.geojson")]
async fn export_geojson(
    ctx: web::Data<AppContext>,
    caller: Caller,
    layer: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let layer = exchange::Layer::parse(&layer).ok_or(ApiError::NoRoute)?;
    let bytes = block(&ctx, move |ctx| {
        exchange::export_geojson(ctx, &caller, layer)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/geo+json")
        .body(bytes))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Duplicates {
    items: Vec<DuplicatePair>,
}

/// Pairs of active registrants that may be one person (same name and birth date, same kana,
/// birth date and address, or same phone and birth date, after folding width and variant
/// kanji), for staff to review. Nothing is merged here.
#[utoipa::path(tag = "registrants", responses((status = 200, body = Duplicates)))]
#[get("/registrants/duplicates")]
async fn list_registrant_duplicates(
    ctx: web::Data<AppContext>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    let items = block(&ctx, move |ctx| exchange::duplicates(ctx, &caller)).await?;
    Ok(HttpResponse::Ok().json(Duplicates { items }))
}

/// Merges a duplicate (body `{"duplicate_id": …}`) into this registrant, which stays; requires
/// the kept record's ETag in `If-Match`. The duplicate becomes `merged` and points here; its
/// consents, plan and proposals move here where this record has none; both histories record it.
#[utoipa::path(
    tag = "registrants",
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "ETag of the kept record")),
    request_body = MergeInput,
    responses(
        (status = 200, body = crate::services::registrants::RegistrantView, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registrants/{id}/merge")]
async fn merge_registrants(
    ctx: web::Data<AppContext>,
    caller: Caller,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = crate::domain::RegistrantId(id.into_inner());
    let input: MergeInput = body.into_input()?;
    let kept = block(&ctx, move |ctx| {
        exchange::merge(ctx, id, if_match.0, &input, &caller)
    })
    .await?;
    let version = kept.registrant.version;
    Ok(with_etag(actix_web::http::StatusCode::OK, &kept, version))
}
