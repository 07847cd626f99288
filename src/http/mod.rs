//! The JSON API over actix-web: routes per resource, the problem+json error, request helpers.
//!
//! Handlers are thin: extract, call a service in `web::block` (diesel is synchronous), shape the
//! response. They never touch `storage`.

mod access;
mod auth;
mod districts;
pub mod error;
mod exchange;
mod extract;
mod health;
mod imports;
mod matching;
mod prints;
mod registrants;
mod shelters;
mod supporters;
mod volunteer_centre;

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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "sasaeai API",
        description = "避難行動要支援者名簿・個別避難計画・災害対応の API。Errors are application/problem+json with a stable `code`.",
        license(name = "MIT OR Apache-2.0")
    ),
    components(schemas(
        Problem,
        crate::exchange::Encoding,
        crate::exchange::shelters::ShelterFormat,
        crate::exchange::hazards::HazardKind
    )),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

/// Declares the bearer token, so that the browsable API's "Authorize" button takes one.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Documents on every operation the answers any route can give (a malformed request, no or
/// a wrong token, a role not allowed, an unknown id, invalid values, a body too large or not
/// JSON, an internal or database failure), so that the document lists every status the API
/// sends. Each is `application/problem+json` with a stable `code`.
struct CommonResponses;

impl utoipa::Modify for CommonResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        let common: &[(&str, &str, bool)] = &[
            (
                "400",
                "bad_request / invalid_json: a parameter or body that cannot be read",
                false,
            ),
            ("401", "unauthenticated: no live bearer token", true),
            (
                "403",
                "forbidden: the caller's role may not use this route",
                true,
            ),
            ("404", "not_found / no_route: an unknown id or path", false),
            (
                "413",
                "payload_too_large: the body is over the limit",
                false,
            ),
            (
                "415",
                "unsupported_media_type: a body not sent as JSON",
                false,
            ),
            (
                "422",
                "validation_failed: values named in errors[].field",
                false,
            ),
            (
                "500",
                "internal: anything else (the cause is in the server log)",
                false,
            ),
            (
                "503",
                "unavailable: the database does not answer; busy: it stayed locked by other writers past its timeout, nothing was changed, send again after Retry-After",
                false,
            ),
        ];
        for (path, item) in openapi.paths.paths.iter_mut() {
            let open = path == "/healthz" || path == "/api/v1/sessions";
            for operation in [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ]
            .into_iter()
            .flatten()
            {
                for (status, description, needs_login) in common {
                    if *needs_login && open {
                        continue;
                    }
                    operation
                        .responses
                        .responses
                        .entry((*status).to_owned())
                        .or_insert_with(|| problem(description).into());
                }
            }
        }
    }
}

/// Registers every documented route; used both to serve and to write the OpenAPI document, so
/// the document cannot drift from what is served.
fn routes<T>(
    app: utoipa_actix_web::UtoipaApp<T>,
    import_limit: usize,
) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
            actix_web::dev::ServiceRequest,
            Config = (),
            Error = actix_web::Error,
            InitError = (),
        >,
{
    app.service(health::healthz).service(
        utoipa_actix_web::scope("/api/v1")
            .configure(access::routes)
            .configure(districts::routes)
            .configure(imports::hazard_zone_routes)
            .configure(matching::routes)
            .configure(prints::routes)
            .service(
                utoipa_actix_web::scope("/imports")
                    .app_data(web::PayloadConfig::new(import_limit))
                    .configure(exchange::import_routes)
                    .configure(imports::routes),
            )
            // Before the registrant routes: `/registrants/duplicates` is not `/registrants/{id}`.
            .configure(exchange::routes)
            .configure(registrants::routes)
            .configure(supporters::routes)
            .configure(shelters::routes)
            .configure(volunteer_centre::routes),
    )
}

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut api = routes(App::new().into_utoipa_app().openapi(ApiDoc::openapi()), 0)
        .split_for_parts()
        .1;
    // After the routes are in: the derive's modifiers run before any path is registered.
    utoipa::Modify::modify(&CommonResponses, &mut api);
    api
}

/// Serves the API on an already bound listener (port 0 in tests).
///
/// # Errors
/// When the listener cannot be used.
pub fn serve(ctx: Arc<AppContext>, listener: TcpListener) -> std::io::Result<Server> {
    let workers = ctx.settings.workers;
    // Writes through other servers on the same database reach this one's index.
    crate::services::change_feed::follow(&ctx);
    let data = web::Data::from(ctx);
    let api = openapi();
    let mut server = HttpServer::new(move || {
        // The documentation routes come first: the /api/v1 scope would answer 404 for them.
        let app = App::new()
            // A link typed without the slash still reaches the browsable API.
            .route(
                "/api/v1/docs",
                web::get().to(|| async {
                    actix_web::HttpResponse::PermanentRedirect()
                        .insert_header((actix_web::http::header::LOCATION, "/api/v1/docs/"))
                        .finish()
                }),
            )
            .service(SwaggerUi::new("/api/v1/docs/{_:.*}").url("/api/v1/openapi.json", api.clone()))
            .into_utoipa_app()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(data.settings.body_limit_bytes))
            .app_data(
                web::QueryConfig::default()
                    .error_handler(|e, _| ApiError::BadRequest(e.to_string()).into()),
            )
            .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::NoRoute.into()));
        routes(app, data.settings.import_limit_bytes)
            .into_app()
            // The staff pages: outside /api/v1, so the bearer check passes them by; each page
            // signs its user in from the session cookie (crate::web::session).
            .configure(crate::web::routes)
            .wrap(actix_web::middleware::from_fn(crate::web::security_headers))
            .wrap(actix_web::middleware::from_fn(auth::authorize))
            .wrap(
                // Paths only: query strings may hold names being searched for.
                Logger::new("%{method}xi %U %s %Dms")
                    .custom_request_replace("method", |req| req.method().to_string()),
            )
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(ApiError::NoRoute)
            }))
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
