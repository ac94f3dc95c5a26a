//! Preview images fetched by the server (see `app::preview_images`): what is still to be
//! fetched, the fetched bytes (or why fetching failed), and which content has one to show.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{now, per_backend, StoreError};
use crate::db::schema::{content, content_images};
use crate::db::DbConnection;

/// A stored image: its type (as sniffed) and bytes.
pub struct StoredImage {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Content whose image URL has no stored fetch, a fetch of another URL, or a failed fetch
/// older than `retry_failed_before`: (content id, URL), oldest content first, at most
/// `limit`. A content library is hundreds to a few thousand rows, read in two queries.
pub fn wanted(
    conn: &mut DbConnection,
    retry_failed_before: NaiveDateTime,
    limit: usize,
) -> Result<Vec<(i64, String)>, StoreError> {
    let urls: Vec<(i64, Option<String>)> = content::table
        .filter(content::preview_image_url.is_not_null())
        .select((content::id, content::preview_image_url))
        .order(content::id.asc())
        .load(conn)?;
    let fetched: Vec<(i64, String, bool, NaiveDateTime)> = content_images::table
        .select((
            content_images::content_id,
            content_images::source_url,
            content_images::failure.is_not_null(),
            content_images::fetched_at,
        ))
        .load(conn)?;
    let done: std::collections::HashMap<i64, (String, bool, NaiveDateTime)> = fetched
        .into_iter()
        .map(|(id, url, failed, at)| (id, (url, failed, at)))
        .collect();
    Ok(urls
        .into_iter()
        .filter_map(|(id, url)| Some((id, url?)))
        .filter(|(id, url)| match done.get(id) {
            None => true,
            Some((source, failed, at)) => source != url || (*failed && *at < retry_failed_before),
        })
        .take(limit)
        .collect())
}

/// Records a fetch of `source_url` for a content item: the image, or why there is none.
pub fn save(
    conn: &mut DbConnection,
    content_id: i64,
    source_url: &str,
    outcome: Result<StoredImage, String>,
) -> Result<(), StoreError> {
    let (content_type, bytes, failure) = match outcome {
        Ok(image) => (Some(image.content_type), Some(image.bytes), None),
        Err(why) => (None, None, Some(why)),
    };
    let at = now();
    let row = (
        content_images::content_id.eq(content_id),
        content_images::source_url.eq(source_url),
        content_images::content_type.eq(&content_type),
        content_images::bytes.eq(&bytes),
        content_images::failure.eq(&failure),
        content_images::fetched_at.eq(at),
    );
    per_backend!(conn, c => diesel::insert_into(content_images::table)
        .values(row)
        .on_conflict(content_images::content_id)
        .do_update()
        .set((
            content_images::source_url.eq(source_url),
            content_images::content_type.eq(&content_type),
            content_images::bytes.eq(&bytes),
            content_images::failure.eq(&failure),
            content_images::fetched_at.eq(at),
        ))
        .execute(c))?;
    Ok(())
}

/// The image of a content item, when one was fetched from its current image URL.
pub fn load(conn: &mut DbConnection, content_id: i64) -> Result<Option<StoredImage>, StoreError> {
    let row: Option<(Option<String>, Option<Vec<u8>>)> = content_images::table
        .inner_join(content::table)
        .filter(content_images::content_id.eq(content_id))
        .filter(content::preview_image_url.eq(content_images::source_url.nullable()))
        .select((content_images::content_type, content_images::bytes))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((Some(content_type), Some(bytes))) => Some(StoredImage {
            content_type,
            bytes,
        }),
        _ => None,
    })
}

/// Which of `ids` have an image to show (fetched from their current URL).
pub fn available(conn: &mut DbConnection, ids: &[i64]) -> Result<HashSet<i64>, StoreError> {
    let mut found = HashSet::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<i64> = content_images::table
            .inner_join(content::table)
            .filter(content_images::content_id.eq_any(chunk))
            .filter(content_images::bytes.is_not_null())
            .filter(content::preview_image_url.eq(content_images::source_url.nullable()))
            .select(content_images::content_id)
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}
