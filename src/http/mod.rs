//! The JSON API over actix-web: routes per resource, the problem+json error, request helpers.
//!
//! Handlers are thin: extract, call a service in `web::block` (diesel is synchronous), shape the
//! response. They never touch `storage`.

mod districts;
pub mod error;
mod extract;
mod health;
mod registrants;
mod shelters;
mod supporters;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::Logger;
use actix_web::{App, HttpServer, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

pub use error::{ApiError, Problem};

use crate::services::AppContext;

/// Who the API writes into the history until access control names the user.
const ACTOR: &str = "api";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sasaeai API",
        description = "避難行動要支援者名簿・個別避難計画・災害対応の API。Errors are application/problem+json with a stable `code`.",
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(Problem))
)]
struct ApiDoc;

/// Serves the API on an already bound listener (port 0 in tests).
///
/// # Errors
/// When the listener cannot be used.
pub fn serve(ctx: Arc<AppContext>, listener: TcpListener) -> std::io::Result<Server> {
    let workers = ctx.settings.workers;
    let data = web::Data::from(ctx);
    let mut server = HttpServer::new(move || {
        let (app, api) = App::new()
            .into_utoipa_app()
            .openapi(ApiDoc::openapi())
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(data.settings.body_limit_bytes))
            .app_data(web::QueryConfig::default().error_handler(|e, _| ApiError::BadRequest(e.to_string()).into()))
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NoRoute.into()))
            .service(health::healthz)
            .service(
                utoipa_actix_web::scope("/api/v1")
                    .configure(districts::routes)
                    .configure(registrants::routes)
                    .configure(supporters::routes)
                    .configure(shelters::routes),
            )
            .split_for_parts();
        app.wrap(
            // Paths only: query strings may hold names being searched for.
            Logger::new("%{method}xi %U %s %Dms").custom_request_replace("method", |req| req.method().to_string()),
        )
        .service(SwaggerUi::new("/api/v1/docs/{_:.*}").url("/api/v1/openapi.json", api))
        .default_service(web::to(|| async { Err::<actix_web::HttpResponse, _>(ApiError::NoRoute) }))
    })
    .listen(listener)?
    .shutdown_timeout(5);
    if workers > 0 {
        server = server.workers(workers);
    }
    Ok(server.run())
}

/// Runs a service call on the blocking thread pool.
async fn block<T, F>(ctx: &web::Data<AppContext>, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&AppContext) -> Result<T, crate::services::ServiceError> + Send + 'static,
    T: Send + 'static,
{
    let ctx = ctx.clone();
    web::block(move || f(&ctx))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::from)
}
