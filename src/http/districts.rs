//! `/api/v1/districts`: the elementary-school districts (校区).

use actix_web::{HttpResponse, get, web};
use utoipa_actix_web::service_config::ServiceConfig;

use super::registrants::Items;
use super::{ApiError, block};
use crate::domain::district::DistrictSummary;
use crate::services::{AppContext, districts};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(list_districts);
}

/// Every district, in code order.
#[utoipa::path(tag = "districts", responses((status = 200, body = Items<DistrictSummary>)))]
#[get("/districts")]
async fn list_districts(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    let items = block(&ctx, districts::list).await?;
    Ok(HttpResponse::Ok().json(Items { items }))
}
