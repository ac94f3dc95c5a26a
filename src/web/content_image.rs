//! `GET /content/{id}/image`: a content item's preview image, as the server fetched it
//! (see `app::preview_images`), for signed-in people (the feed is not public).

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::error::PageError;
use crate::store;
use crate::web::auth::CurrentUser;
use crate::web::AppState;

pub async fn image(
    _user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let image = state
        .db
        .run(move |conn| store::content_images::load(conn, id))
        .await?
        .ok_or(PageError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, image.content_type))
        // Private: behind a sign-in. A day: the URL names the content, whose image rarely
        // changes; a changed image URL shows after the browser's copy expires.
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        // Bytes from elsewhere, served as an image and nothing else.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .body(image.bytes))
}
