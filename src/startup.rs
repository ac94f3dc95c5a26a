//! Builds the running application from settings: database, migrations, secrets, state,
//! routes and the HTTP server. `main` and the integration tests both use it, so tests
//! run exactly what production runs.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, Logger};
use actix_web::{web, App, HttpServer};
use rand::RngCore;

use crate::app::settings::LiveSettings;
use crate::clicks::cache::LinkCache;
use crate::clicks::enrich::Enricher;
use crate::clicks::geo::GeoDb;
use crate::clicks::journal::{self, Journal};
use crate::clicks::spool::Spool;
use crate::clicks::writer::{ClickWriter, WriterConfig};
use crate::config::{ClickDurability, Settings};
use crate::db::checkpoint::Checkpointer;
use crate::db::{self, Connector, Db};
use crate::domain::classify::AgentClassifier;
use crate::domain::client_ip::TrustedProxies;
use crate::store;
use crate::web::{pages, AppState, ClickParts};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("cannot prepare the database: {0}")]
    Store(#[from] store::StoreError),
    #[error("CHORUS_TRUSTED_PROXIES: {0}")]
    TrustedProxies(#[from] crate::domain::client_ip::TrustedProxiesError),
    #[error("CHORUS_GEOIP_PATH: {0}")]
    Geo(#[from] crate::clicks::geo::GeoError),
    #[error("user-agent lists: {0}")]
    Classifier(#[from] crate::domain::classify::ClassifierError),
    #[error("click journal in CHORUS_SPOOL_DIR: {0}")]
    Journal(crate::clicks::journal::JournalError),
    #[error("click spool in CHORUS_SPOOL_DIR: {0}")]
    Spool(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

pub struct Application {
    port: u16,
    server: Server,
    setup_url: Option<String>,
    writer: ClickWriter,
    clicks: crate::clicks::writer::ClickSink,
    checkpointer: Option<Checkpointer>,
    shutdown_wait: std::time::Duration,
}

/// Opens the pool and applies migrations: the part of start-up the CLI commands share.
pub fn open_database(settings: &Settings) -> Result<Db, StartError> {
    let connector = Connector::new(settings.database_url.clone(), settings.sqlite_synchronous);
    let applied = db::migrate(&connector)?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied database migrations");
    }
    let db = Db::open(connector, settings.pool_size)?;
    // The backfill of a migration that SQL cannot do (keyword matching is Rust's).
    db.run_sync(store::mentions::recognise_pending)?;
    Ok(db)
}

impl Application {
    pub fn build(mut settings: Settings) -> Result<Application, StartError> {
        let db = open_database(&settings)?;
        let live = LiveSettings::load(db.clone(), &settings)?;
        let secret = match &settings.secret_key {
            Some(key) => key.clone(),
            None => db.run_sync(|conn| {
                store::secrets::get_or_create(conn, "cookie_key", || {
                    let mut bytes = vec![0u8; 64];
                    rand::rng().fill_bytes(&mut bytes);
                    bytes
                })
            })?,
        };
        let no_admin = db.run_sync(store::employees::count_admins)? == 0;

        let trusted_proxies = TrustedProxies::parse(&settings.trusted_proxies)?;
        let geo = settings
            .geoip_path
            .as_deref()
            .map(GeoDb::open)
            .transpose()?;
        // Local days follow the time zone in force, which an admin may change.
        let enricher = Enricher::new(AgentClassifier::embedded()?, geo, live.clone());
        let links = LinkCache::new(db.clone());
        let warmed = links.warm()?;
        let spool = Spool::open(&settings.spool_dir).map_err(StartError::Spool)?;
        let connector = Connector::new(settings.database_url.clone(), settings.sqlite_synchronous);
        let writer_config = WriterConfig {
            batch_max: settings.click_batch_max,
            batch_wait: settings.click_batch_wait,
            queue: settings.click_queue,
            policy: settings.click_policy,
        };
        // Opened in both modes: leftovers of an earlier journal-mode run are replayed, and
        // the directory is locked against a second process either way.
        let journal = Journal::open(&settings.spool_dir, journal::SEGMENT_BYTES)
            .map_err(StartError::Journal)?;
        let answer_from_journal = settings.click_durability == ClickDurability::Journal;
        let checkpointer = Checkpointer::start(&connector);
        let (clicks, writer) = ClickWriter::start(
            connector,
            spool,
            journal,
            answer_from_journal,
            writer_config,
        )
        .map_err(StartError::Spool)?;
        tracing::debug!(links = warmed, "link cache warmed");
        let parts = ClickParts {
            links,
            enricher,
            clicks: clicks.clone(),
            trusted_proxies,
            writer_stats: writer.stats.clone(),
        };
        let setup_token = no_admin.then(crate::web::auth::random_token);

        let addr = settings.bind;
        let listener = TcpListener::bind(addr).map_err(|source| StartError::Bind {
            addr: addr.to_string(),
            source,
        })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Bind {
                addr: addr.to_string(),
                source,
            })?
            .port();
        // Bound to port 0 (tests, ephemeral runs): the public base defaults to the bind
        // address, so it takes the port the system picked.
        if settings.base_url.port() == Some(0) {
            let _ = settings.base_url.set_port(Some(port));
        }
        let setup_url = setup_token
            .as_ref()
            .map(|t| format!("{}/setup?token={t}", settings.public_base()));

        crate::web::auth::spawn_session_sweeper(db.clone(), settings.session_idle);
        let db_for_retention = db.clone();
        crate::app::preview_images::spawn_fetcher(
            db.clone(),
            settings.image_fetch_every,
            crate::app::preview_images::FetchPolicy {
                allow_private: settings.image_fetch_private,
                ..Default::default()
            },
        );
        let settings = Arc::new(settings);
        let state = web::Data::new(AppState::new(
            db,
            settings.clone(),
            &secret,
            setup_token,
            parts,
            live.clone(),
        ));
        live.spawn_refresher();
        crate::app::retention::spawn(
            db_for_retention,
            live.clone(),
            state.salts.clone(),
            settings.retention_every,
        );
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::FormConfig::default().limit(64 * 1024))
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
                        .add(("X-Frame-Options", "DENY")),
                )
                .wrap(Compress::default())
                // No %a and no user agent: visitors' addresses never reach the logs. Short
                // links are not logged one by one: they are the clicks table.
                // Nor the one-time account links: their path is the secret. The request
                // id (`web::request_id`) ties the line to the request's other log lines.
                .wrap(
                    Logger::new("%r %s %b %Dms id=%{x-request-id}o")
                        .exclude_regex("^/[A-Za-z0-9_-]+$")
                        .exclude_regex("^/(invite|reset)/"),
                )
                .configure(crate::web::routes)
                .default_service(web::to(pages::errors::not_found))
        })
        .listen(listener)
        .map_err(|source| StartError::Bind {
            addr: addr.to_string(),
            source,
        })?
        .shutdown_timeout(settings.shutdown_wait.as_secs())
        .run();
        Ok(Application {
            port,
            server,
            setup_url,
            writer,
            clicks,
            checkpointer,
            shutdown_wait: settings.shutdown_wait,
        })
    }

    /// Stops the server (gracefully: in-flight requests finish) from elsewhere.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The one-time link that creates the first admin, while none exists.
    pub fn setup_url(&self) -> Option<&str> {
        self.setup_url.as_deref()
    }

    /// The handlers' end of the click queue (tests use it to wait for the database).
    pub fn click_sink(&self) -> crate::clicks::writer::ClickSink {
        self.clicks.clone()
    }

    /// Counters of the click writer.
    pub fn writer_stats(&self) -> std::sync::Arc<crate::clicks::writer::WriterStats> {
        self.writer.stats.clone()
    }

    /// Serves until stopped (SIGINT/SIGTERM or a handle), then lets the click writer
    /// commit what is queued before returning: in-flight requests get `shutdown_wait`, the
    /// writer as long again (clicks still queued then are replayed from the journal at the
    /// next start).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        self.writer.shutdown(self.shutdown_wait).await;
        if let Some(checkpointer) = self.checkpointer {
            let _ = actix_web::rt::task::spawn_blocking(move || checkpointer.stop()).await;
        }
        served
    }
}
