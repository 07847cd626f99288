//! `GET /healthz`: 200 when the database answers, 503 otherwise. Open to everyone.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ApiError, Problem, block};
use crate::services::{AppContext, health};

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// Liveness and readiness: the database answers a query.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, body = Health),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/healthz")]
pub async fn healthz(ctx: web::Data<AppContext>) -> Result<HttpResponse, ApiError> {
    block(&ctx, health::check).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok" }))
}
