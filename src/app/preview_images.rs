//! Content preview images, fetched once by the server and served from Chorus
//! (`/content/{id}/image`), so employees' browsers never load third-party images: no
//! tracking pixel in the feed, no mixed content, no dependence on the remote CDN.
//!
//! A background task on every instance looks every few seconds for content whose image URL
//! has not been fetched yet (or changed, or failed more than six hours ago) and fetches it:
//! public addresses only, a short timeout, at most [`MAX_BYTES`], at most three redirects
//! (each one checked again), and bytes that are really an image. Two instances fetching
//! the same image at once store the same row twice; nothing worse.

use std::net::SocketAddr;
use std::time::Duration;

use crate::db::Db;
use crate::domain::preview_image::{self, MAX_BYTES};
use crate::store::content_images::StoredImage;
use crate::store::{self, StoreError};

/// How a fetch may go.
#[derive(Debug, Clone)]
pub struct FetchPolicy {
    /// Also fetch from private and loopback addresses (tests and closed intranets only).
    pub allow_private: bool,
    pub timeout: Duration,
}

impl Default for FetchPolicy {
    fn default() -> FetchPolicy {
        FetchPolicy {
            allow_private: false,
            timeout: Duration::from_secs(5),
        }
    }
}

const MAX_REDIRECTS: usize = 3;
/// Images fetched per pass and instance: a new library of hundreds fills over a few minutes
/// instead of one burst.
const PER_PASS: usize = 20;
/// A failed fetch is tried again after this long (the site may have been down).
const RETRY_FAILED_AFTER: chrono::Duration = chrono::Duration::hours(6);

/// Fetches the image at `url`: its sniffed type and bytes, or a one-line reason.
pub async fn fetch(url: &str, policy: &FetchPolicy) -> Result<StoredImage, String> {
    let mut current = url::Url::parse(url).map_err(|_| "not a URL".to_string())?;
    for _ in 0..=MAX_REDIRECTS {
        let response = request(&current, policy).await?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or_else(|| format!("{status} without a location"))?;
            current = current
                .join(location)
                .map_err(|_| "a redirect to something that is not a URL".to_string())?;
            continue;
        }
        if !status.is_success() {
            return Err(format!("the image's server answered {status}"));
        }
        return read_image(response).await;
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

/// One GET to `url`, connected to an address checked by `policy` (the name is resolved
/// here and the connection pinned to the checked address: no second lookup to rebind).
async fn request(url: &url::Url, policy: &FetchPolicy) -> Result<reqwest::Response, String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err("only http and https images are fetched".into());
    }
    let host = url
        .host_str()
        .ok_or_else(|| "a URL without a host".to_string())?
        .to_string();
    let port = url.port_or_known_default().unwrap_or(443);
    let lookup_host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let addresses: Vec<SocketAddr> = tokio::time::timeout(
        policy.timeout,
        tokio::net::lookup_host((lookup_host.as_str(), port)),
    )
    .await
    .map_err(|_| "the image's host name did not resolve in time".to_string())?
    .map_err(|_| "the image's host name does not resolve".to_string())?
    .collect();
    let address = addresses
        .into_iter()
        .find(|a| policy.allow_private || preview_image::is_public(a.ip()))
        .ok_or_else(|| "the image's address is not a public one".to_string())?;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(policy.timeout)
        .connect_timeout(policy.timeout)
        .resolve(&lookup_host, address)
        .user_agent(concat!(
            "Chorus/",
            env!("CARGO_PKG_VERSION"),
            " (preview image)"
        ))
        .build()
        .map_err(|e| format!("HTTP client: {e}"))?;
    client
        .get(url.clone())
        .header(
            reqwest::header::ACCEPT,
            "image/avif,image/webp,image/*;q=0.8",
        )
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                "the image's server did not answer in time".to_string()
            } else {
                "the image's server could not be reached".to_string()
            }
        })
}

async fn read_image(mut response: reqwest::Response) -> Result<StoredImage, String> {
    let too_big = || format!("larger than {} MiB", MAX_BYTES / (1024 * 1024));
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BYTES as u64)
    {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|_| "the download broke off".to_string())?
    {
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(too_big());
        }
        bytes.extend_from_slice(&chunk);
    }
    let content_type = preview_image::sniff(&bytes)
        .ok_or_else(|| "not a PNG, JPEG, GIF, WebP or AVIF image".to_string())?;
    Ok(StoredImage {
        content_type: content_type.to_string(),
        bytes,
    })
}

/// One pass: fetches up to [`PER_PASS`] wanted images and stores each outcome. Returns how
/// many were tried.
pub async fn fetch_wanted(db: &Db, policy: &FetchPolicy) -> Result<usize, StoreError> {
    let retry_before = store::now() - RETRY_FAILED_AFTER;
    let wanted = db
        .run(move |conn| store::content_images::wanted(conn, retry_before, PER_PASS))
        .await?;
    let tried = wanted.len();
    for (content_id, url) in wanted {
        let outcome = fetch(&url, policy).await;
        if let Err(why) = &outcome {
            tracing::info!(content_id, reason = %why, "preview image not fetched");
        }
        db.run(move |conn| store::content_images::save(conn, content_id, &url, outcome))
            .await?;
    }
    Ok(tried)
}

/// Runs [`fetch_wanted`] every `every` for the life of the server.
pub fn spawn_fetcher(db: Db, every: Duration, policy: FetchPolicy) {
    actix_web::rt::spawn(async move {
        let mut tick = actix_web::rt::time::interval(every);
        loop {
            tick.tick().await;
            if let Err(err) = fetch_wanted(&db, &policy).await {
                tracing::warn!(error = %err, "preview images: pass failed");
            }
        }
    });
}
