//! The static files of the pages, built into the binary: htmx, Leaflet, our stylesheet and
//! map script (see `assets/web/README.md` for versions and checksums).

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};

/// (path under /assets/, content type, bytes).
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "sasaeai.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/web/sasaeai.css"),
    ),
    (
        "map.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/map.js"),
    ),
    (
        "pages.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/pages.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/htmx.min.js"),
    ),
    (
        "leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/web/leaflet/leaflet.js"),
    ),
    (
        "leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/web/leaflet/leaflet.css"),
    ),
    (
        "leaflet/images/layers.png",
        "image/png",
        include_bytes!("../../assets/web/leaflet/images/layers.png"),
    ),
    (
        "leaflet/images/layers-2x.png",
        "image/png",
        include_bytes!("../../assets/web/leaflet/images/layers-2x.png"),
    ),
    (
        "leaflet/images/marker-icon.png",
        "image/png",
        include_bytes!("../../assets/web/leaflet/images/marker-icon.png"),
    ),
    (
        "leaflet/images/marker-icon-2x.png",
        "image/png",
        include_bytes!("../../assets/web/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "leaflet/images/marker-shadow.png",
        "image/png",
        include_bytes!("../../assets/web/leaflet/images/marker-shadow.png"),
    ),
];

/// The files' ETag: they change only with a new release of the binary. The browser keeps its
/// copy and asks each time whether it is still current (304), so a new release's files are
/// never shadowed by an old copy.
const ETAG: &str = concat!("\"", env!("CARGO_PKG_VERSION"), "\"");

#[get("/assets/{path:.*}")]
pub(super) async fn asset(req: actix_web::HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some((_, content_type, bytes)) = FILES.iter().find(|(p, _, _)| *p == path.as_str()) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("見つかりません");
    };
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == ETAG));
    let mut response = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::ETAG, ETAG));
    if fresh {
        response.finish()
    } else {
        response.content_type(*content_type).body(*bytes)
    }
}
