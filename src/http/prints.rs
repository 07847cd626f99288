//! `/api/v1/prints`: the register of printed copies.

use actix_web::{HttpResponse, get, post, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::registrants::Items;
use super::{ApiError, Problem, block};
use crate::services::AppContext;
use crate::services::PrintedCopy;
use crate::services::access::Caller;
use crate::services::prints::{self, PrintQuery};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_prints).service(return_print);
}

/// Printed copies in serial order; `outstanding=true` for those not yet returned, `holder=` for
/// one holder's, so a role change can recall every copy.
#[utoipa::path(tag = "prints", params(PrintQuery), responses((status = 200, body = Items<PrintedCopy>)))]
#[get("/prints")]
async fn list_prints(
    ctx: web::Data<AppContext>,
    caller: Caller,
    query: web::Query<PrintQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let items = block(&ctx, move |ctx| prints::list(ctx, &caller, &query)).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}

/// Marks a copy returned.
#[utoipa::path(
    tag = "prints",
    params(("serial" = String, Path)),
    responses(
        (status = 200, body = PrintedCopy),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/prints/{serial}/return")]
async fn return_print(
    ctx: web::Data<AppContext>,
    caller: Caller,
    serial: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let serial = serial.into_inner();
    let copy = block(&ctx, move |ctx| {
        prints::mark_returned(ctx, &serial, &caller)
    })
    .await?;
    Ok(HttpResponse::Ok().json(copy))
}
