//! bare302 — the baseline of `bench/redirect.sh`.
//!
//! `bare302 SLUGS_FILE [BIND] [WORKERS]` serves `GET /{slug}` with a 302 to
//! `https://example.com/landing?utm_source=linkedin&chorus_click=<16 random chars>` for each
//! slug in SLUGS_FILE (one per line), 404 for any other path. Nothing is logged or stored:
//! it is the upper bound a redirect server on actix-web can reach on this machine.
//! BIND defaults to 127.0.0.1:8081; WORKERS to actix's default (one per core), as in Chorus.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::http::header::{CACHE_CONTROL, LOCATION};
use actix_web::{get, web, App, HttpResponse, HttpServer};
use rand::distr::{Alphanumeric, SampleString};

type Slugs = Arc<HashMap<String, String>>;

#[get("/{slug}")]
async fn redirect(slugs: web::Data<Slugs>, slug: web::Path<String>) -> HttpResponse {
    match slugs.get(slug.as_str()) {
        Some(dest) => {
            let id = Alphanumeric.sample_string(&mut rand::rng(), 16);
            let mut location = String::with_capacity(dest.len() + 14 + id.len());
            location.push_str(dest);
            location.push_str("&chorus_click=");
            location.push_str(&id);
            HttpResponse::Found()
                .insert_header((LOCATION, location))
                .insert_header((CACHE_CONTROL, "private, no-store"))
                .finish()
        }
        None => HttpResponse::NotFound().finish(),
    }
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: bare302 SLUGS_FILE [BIND] [WORKERS]");
        std::process::exit(2);
    };
    let bind = args.next().unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let workers: Option<usize> = args
        .next()
        .map(|w| w.parse().expect("WORKERS must be a number"));

    let text = std::fs::read_to_string(&path)?;
    let slugs: HashMap<String, String> = text
        .lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            (
                s.to_string(),
                "https://example.com/landing?utm_source=linkedin".to_string(),
            )
        })
        .collect();
    eprintln!("bare302: {} slugs, listening on {bind}", slugs.len());
    let slugs: Slugs = Arc::new(slugs);

    actix_web::rt::System::new().block_on(async move {
        let data = web::Data::new(slugs);
        let mut server =
            HttpServer::new(move || App::new().app_data(data.clone()).service(redirect));
        if let Some(w) = workers {
            server = server.workers(w);
        }
        server.bind(bind)?.run().await
    })
}
