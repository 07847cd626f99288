//! `/api/v1/registrants`: the register of people who need help evacuating.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder, get, patch, post, put, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::auth::PersonRead;
use super::extract::{IfMatch, JsonBody, with_etag};
use super::{ApiError, Problem, block};
use crate::domain::consent::{Consent, ConsentInput};
use crate::domain::plan::PlanInput;
use crate::domain::registrant::{RegistrantInput, StatusChangeInput};
use crate::domain::{HazardZoneId, RegistrantId};
use crate::services::HistoryEntry;
use crate::services::access::Caller;
use crate::services::nearby::{self, AreaQuery};
use crate::services::plans::{self, PlanIssue, PlanView};
use crate::services::printing;
use crate::services::registrants::{self, ListQuery, RegistrantView};
use crate::services::{AppContext, Page};

type Ctx = web::Data<AppContext>;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_registrants)
        .service(create_registrant)
        .service(get_registrant)
        .service(patch_registrant)
        .service(change_registrant_status)
        .service(registrant_history)
        .service(list_registrant_consents)
        .service(record_registrant_consent)
        .service(registrants_in_area)
        .service(get_plan)
        .service(put_plan)
        .service(plan_history)
        .service(check_plan)
        .service(plan_pdf)
        .service(registrants_in_hazard_zone);
}

/// A list of items with the same shape as every list of the API.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// Lists registrants, newest ids last, a page at a time.
#[utoipa::path(
    tag = "registrants",
    params(ListQuery),
    responses(
        (status = 200, body = Page<RegistrantView>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrants")]
async fn list_registrants(
    ctx: Ctx,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = block(&ctx, move |ctx| registrants::list(ctx, &caller, &query)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a person to the register.
#[utoipa::path(
    tag = "registrants",
    request_body = RegistrantInput,
    responses(
        (status = 201, body = RegistrantView, headers(("ETag" = String, description = "the version to send back in If-Match"))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registrants")]
async fn create_registrant(
    ctx: Ctx,
    caller: Caller,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let input: RegistrantInput = body.into_input()?;
    let registrant = block(&ctx, move |ctx| registrants::create(ctx, &input, &caller)).await?;
    Ok(with_etag(
        StatusCode::CREATED,
        &registrant,
        registrant.registrant.version,
    ))
}

/// Reads one registrant.
#[utoipa::path(
    tag = "registrants",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = RegistrantView, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrants/{id}")]
async fn get_registrant(ctx: Ctx, read: PersonRead) -> Result<HttpResponse, ApiError> {
    let (shown, version) = read
        .run(&ctx, |ctx, caller, id| {
            let seen = registrants::get(ctx, caller, id)?;
            let version = seen.record.registrant.version;
            Ok((seen, version))
        })
        .await?;
    Ok(with_etag(StatusCode::OK, &shown, version))
}

/// Corrects a registrant with a JSON merge patch (RFC 7396); requires the ETag in `If-Match`.
#[utoipa::path(
    tag = "registrants",
    params(("id" = i64, Path), ("If-Match" = String, Header, description = "ETag of the version read")),
    request_body(content = RegistrantInput, description = "only the fields to change; null clears a field"),
    responses(
        (status = 200, body = RegistrantView, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/registrants/{id}")]
async fn patch_registrant(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = RegistrantId(id.into_inner());
    let registrant = block(&ctx, move |ctx| {
        registrants::patch(ctx, id, if_match.0, &body.0, &caller)
    })
    .await?;
    Ok(with_etag(
        StatusCode::OK,
        &registrant,
        registrant.registrant.version,
    ))
}

/// Changes the lifecycle status (moved, deceased, withdrawn, in care facility, active); requires
/// `If-Match`.
#[utoipa::path(
    tag = "registrants",
    params(("id" = i64, Path), ("If-Match" = String, Header)),
    request_body = StatusChangeInput,
    responses(
        (status = 200, body = RegistrantView, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registrants/{id}/status")]
async fn change_registrant_status(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    if_match: IfMatch,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = RegistrantId(id.into_inner());
    let input: StatusChangeInput = body.into_input()?;
    let registrant = block(&ctx, move |ctx| {
        registrants::change_status(ctx, id, if_match.0, &input, &caller)
    })
    .await?;
    Ok(with_etag(
        StatusCode::OK,
        &registrant,
        registrant.registrant.version,
    ))
}

/// Every version of a registrant, oldest first.
#[utoipa::path(
    tag = "registrants",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Items<HistoryEntry>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrants/{id}/history")]
async fn registrant_history(ctx: Ctx, read: PersonRead) -> Result<HttpResponse, ApiError> {
    let items = read
        .run(&ctx, |ctx, caller, id| {
            registrants::history(ctx, caller, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Every consent recorded for a registrant, oldest first (the latest per kind is in force).
#[utoipa::path(
    tag = "registrants",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Items<Consent>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrants/{id}/consents")]
async fn list_registrant_consents(ctx: Ctx, read: PersonRead) -> Result<HttpResponse, ApiError> {
    let items = read
        .run(&ctx, |ctx, caller, id| {
            registrants::consents(ctx, caller, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Records a consent given or refused, with its date and evidence.
#[utoipa::path(
    tag = "registrants",
    params(("id" = i64, Path)),
    request_body = ConsentInput,
    responses(
        (status = 201, body = Consent),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registrants/{id}/consents")]
async fn record_registrant_consent(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = RegistrantId(id.into_inner());
    let input: ConsentInput = body.into_input()?;
    let consent = block(&ctx, move |ctx| {
        registrants::record_consent(ctx, id, &input, &caller)
    })
    .await?;
    Ok(HttpResponse::Created().json(consent))
}

/// Active registrants whose home lies inside the GeoJSON Polygon or MultiPolygon sent as the
/// body (a geometry, Feature or FeatureCollection), in id order.
#[utoipa::path(
    tag = "registrants",
    params(AreaQuery),
    request_body(content = Object, description = "GeoJSON Polygon or MultiPolygon (WGS84 lon/lat)"),
    responses(
        (status = 200, body = Page<RegistrantView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/registrants/within-area")]
async fn registrants_in_area(
    ctx: Ctx,
    caller: Caller,
    query: web::Query<AreaQuery>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = block(&ctx, move |ctx| {
        nearby::registrants_in_area(ctx, &caller, &body.0, &query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Active registrants whose home lies inside a hazard zone, in id order.
#[utoipa::path(
    tag = "hazard zones",
    params(("id" = i64, Path), AreaQuery),
    responses(
        (status = 200, body = Page<RegistrantView>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/hazard-zones/{id}/registrants")]
async fn registrants_in_hazard_zone(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    query: web::Query<AreaQuery>,
) -> Result<HttpResponse, ApiError> {
    let (zone, query) = (HazardZoneId(id.into_inner()), query.into_inner());
    let page = block(&ctx, move |ctx| {
        nearby::registrants_in_zone(ctx, &caller, zone, &query)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// The registrant's individual evacuation plan, with the consents it depends on.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = PlanView, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrants/{id}/plan")]
async fn get_plan(ctx: Ctx, read: PersonRead) -> Result<HttpResponse, ApiError> {
    let plan = read.run(&ctx, plans::get).await?;
    Ok(with_etag(StatusCode::OK, &plan, plan.plan.version))
}

/// Writes the plan: 201 for a first plan (no `If-Match`), 200 when replacing one (`If-Match`
/// required: 428 without, 412 when stale).
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path), ("If-Match" = Option<String>, Header, description = "ETag of the plan read; omit for a first plan")),
    request_body = PlanInput,
    responses(
        (status = 200, body = PlanView, headers(("ETag" = String))),
        (status = 201, body = PlanView, headers(("ETag" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 412, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 428, body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/registrants/{id}/plan")]
async fn put_plan(
    ctx: Ctx,
    caller: Caller,
    id: web::Path<i64>,
    if_match: Option<IfMatch>,
    body: JsonBody,
) -> Result<HttpResponse, ApiError> {
    let id = RegistrantId(id.into_inner());
    let input: PlanInput = body.into_input()?;
    let expected = if_match.map(|m| m.0);
    let (plan, created) = block(&ctx, move |ctx| {
        plans::put(ctx, id, expected, &input, &caller)
    })
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(with_etag(status, &plan, plan.plan.version))
}

/// Every version of the registrant's plan, oldest first.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path)),
    responses((status = 200, body = Items<HistoryEntry>), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/registrants/{id}/plan/history")]
async fn plan_history(ctx: Ctx, read: PersonRead) -> Result<HttpResponse, ApiError> {
    let items = read.run(&ctx, plans::history).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct PlanCheck {
    /// True when nothing stands in the way of printing.
    printable: bool,
    issues: Vec<PlanIssue>,
}

/// Checks the plan before printing: each supporter still active, consented and confirmed for
/// this person, and the plan consents given.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path)),
    responses((status = 200, body = PlanCheck), (status = 404, body = Problem, content_type = "application/problem+json"))
)]
#[get("/registrants/{id}/plan/check")]
async fn check_plan(ctx: Ctx, read: PersonRead) -> Result<HttpResponse, ApiError> {
    let issues = read.run(&ctx, plans::check).await?;
    Ok(HttpResponse::Ok().json(PlanCheck {
        printable: issues.is_empty(),
        issues,
    }))
}

/// Who will hold a printed copy.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(super) struct HolderQuery {
    /// The person or role who receives the copy (recorded in the print register).
    pub(super) holder: Option<String>,
}

/// Who will hold a printed plan, and whether to add the supporters' tear-off page.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub(super) struct PlanPrintQuery {
    /// The person or role who receives the copy (recorded in the print register).
    pub(super) holder: Option<String>,
    /// `true` adds a last page for the supporters to take along (default `false`).
    pub(super) tear_off: Option<bool>,
}

/// The plan as an A4 PDF for `holder`. The copy is registered and its serial printed on every
/// page; a plan whose supporter links, consents or destinations do not hold is refused (409)
/// with the reasons.
#[utoipa::path(
    tag = "plans",
    params(("id" = i64, Path), PlanPrintQuery),
    responses(
        (status = 200, content_type = "application/pdf", body = Vec<u8>, headers(("X-Print-Serial" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/registrants/{id}/plan.pdf")]
async fn plan_pdf(
    ctx: Ctx,
    read: PersonRead,
    query: web::Query<PlanPrintQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let holder = query.holder.unwrap_or_default();
    let options = printing::PrintOptions {
        tear_off: query.tear_off.unwrap_or(false),
    };
    let (bytes, serial) = read
        .run(&ctx, move |ctx, caller, id| {
            printing::plan_pdf(ctx, caller, id, &holder, options)
        })
        .await?;
    Ok(pdf_response(bytes, &serial, "plan").finish_body())
}

/// A printed copy as `application/pdf`, named after its serial, the serial in `X-Print-Serial`.
pub(super) struct PdfResponse(HttpResponseBuilder, Vec<u8>);

pub(super) fn pdf_response(bytes: Vec<u8>, serial: &str, name: &str) -> PdfResponse {
    let mut builder = HttpResponse::Ok();
    builder
        .content_type("application/pdf")
        .insert_header(("X-Print-Serial", serial.to_owned()))
        .insert_header((
            "Content-Disposition",
            format!("inline; filename=\"{name}-{serial}.pdf\""),
        ));
    PdfResponse(builder, bytes)
}

impl PdfResponse {
    pub(super) fn header(mut self, name: &'static str, value: String) -> Self {
        self.0.insert_header((name, value));
        self
    }

    pub(super) fn finish_body(mut self) -> HttpResponse {
        self.0.body(self.1)
    }
}
