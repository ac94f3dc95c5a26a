//! Builds the running application from settings: database, migrations, secrets, state,
//! routes and the HTTP server. `main` and the integration tests both use it, so tests
//! run exactly what production runs.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, Logger};
use actix_web::{web, App, HttpServer};
use rand::RngCore;

use crate::config::Settings;
use crate::db::{self, Connector, Db};
use crate::store;
use crate::web::{pages, AppState};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("cannot prepare the database: {0}")]
    Store(#[from] store::StoreError),
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
}

/// Opens the pool and applies migrations: the part of start-up the CLI commands share.
pub fn open_database(settings: &Settings) -> Result<Db, StartError> {
    let connector = Connector::new(settings.database_url.clone(), settings.sqlite_synchronous);
    let applied = db::migrate(&connector)?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "applied database migrations");
    }
    Ok(Db::open(connector, settings.pool_size)?)
}

impl Application {
    pub fn build(settings: Settings) -> Result<Application, StartError> {
        let db = open_database(&settings)?;
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
        let setup_url = setup_token.as_ref().map(|t| {
            let base = if settings.bind.port() == 0 {
                format!("http://{}:{port}", addr.ip())
            } else {
                settings.public_base().to_string()
            };
            format!("{base}/setup?token={t}")
        });

        let settings = Arc::new(settings);
        let state = web::Data::new(AppState::new(db, settings.clone(), &secret, setup_token));
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
                // No %a and no user agent: visitors' addresses never reach the logs.
                .wrap(Logger::new("%r %s %b %Dms"))
                .configure(crate::web::routes)
                .default_service(web::to(pages::errors::not_found))
        })
        .listen(listener)
        .map_err(|source| StartError::Bind {
            addr: addr.to_string(),
            source,
        })?
        .shutdown_timeout(30)
        .run();
        Ok(Application {
            port,
            server,
            setup_url,
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

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
