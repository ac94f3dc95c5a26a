//! `GET /qr/{slug}.svg` and `/qr/{slug}.png`: the QR code of a short link. Like the
//! redirect, a path no slug could have is refused (by the link cache) before any lookup.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::domain::qr;
use crate::error::PageError;
use crate::web::redirect::error_page;
use crate::web::AppState;

pub async fn image(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (slug, format) = path.into_inner();
    match state.links.get(&slug).await {
        Ok(Some(_)) => {}
        Ok(None) => return error_page(&req, StatusCode::NOT_FOUND, &PageError::LinkNotFound),
        Err(_) => {
            return error_page(
                &req,
                StatusCode::SERVICE_UNAVAILABLE,
                &PageError::Unavailable,
            )
        }
    }
    let url = format!("{}/{}", state.settings.public_base(), slug);
    let (body, content_type) = match format.as_str() {
        "svg" => (qr::svg(&url).map(String::into_bytes), "image/svg+xml"),
        "png" => (qr::png(&url, 8), "image/png"),
        _ => return error_page(&req, StatusCode::NOT_FOUND, &PageError::NotFound),
    };
    match body {
        Ok(bytes) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, content_type))
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{slug}.{format}\""),
            ))
            .body(bytes),
        Err(err) => {
            tracing::warn!(error = %err, "QR code failed");
            error_page(
                &req,
                StatusCode::UNPROCESSABLE_ENTITY,
                &PageError::BadRequest(err.to_string()),
            )
        }
    }
}
