//! Static files (`static/`), compiled into the binary so it runs from any directory.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    match Assets::get(&path) {
        Some(file) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, file.metadata.mimetype()))
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .insert_header((
                header::ETAG,
                format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..8])),
            ))
            .body(file.data.into_owned()),
        // In the visitor's language (Accept-Language, else the instance default).
        None => crate::web::redirect::error_page(
            &req,
            actix_web::http::StatusCode::NOT_FOUND,
            &crate::error::PageError::NotFound,
        ),
    }
}
