//! Every query lives here, one file per area. Functions take `&mut DbConnection`, speak
//! in plain row structs and domain types, and return [`StoreError`]; only this layer
//! matches on the backend (for `RETURNING` and upserts).

pub mod api_keys;
pub mod brands;
pub mod breakdowns;
pub mod campaigns;
pub mod clicks;
pub mod content;
pub mod content_images;
pub mod conversions;
pub mod counts;
pub mod employees;
pub mod invitations;
pub mod mentions;
pub mod reports;
pub mod salts;
pub mod secrets;
pub mod sentiment_words;
pub mod sessions;
pub mod settings;
pub mod shares;
pub mod snapshots;
pub mod social;
pub mod support;
pub mod teams;
pub mod topics;
pub mod tx;

use diesel::result::{DatabaseErrorKind, Error as DieselError};

/// Failures of the storage layer. `Conflict` and `NotFound` are expected outcomes that the
/// web layer turns into 409/404; the rest are outages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("referenced row does not exist: {0}")]
    MissingReference(String),
    #[error("database query failed: {0}")]
    Query(DieselError),
    #[error("no database connection: {0}")]
    Pool(r2d2::Error),
    #[error("database worker unavailable")]
    Unavailable,
    /// The work given to [`crate::db::Db::run`] panicked: a bug, answered as an internal
    /// error (not as an outage); the message is the panic's.
    #[error("database call panicked: {0}")]
    Panicked(String),
}

impl From<DieselError> for StoreError {
    fn from(err: DieselError) -> StoreError {
        match err {
            DieselError::NotFound => StoreError::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                StoreError::Conflict(info.constraint_name().unwrap_or(info.message()).to_string())
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, info) => {
                StoreError::MissingReference(
                    info.constraint_name().unwrap_or(info.message()).to_string(),
                )
            }
            other => StoreError::Query(other),
        }
    }
}

/// Runs one statement written once against whichever backend the connection is:
/// `RETURNING` and `ON CONFLICT` do not compile against the connection enum, but they do
/// against each inner connection, so the expression is expanded once per backend.
macro_rules! per_backend {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Postgres($c) => $body,
        }
    };
}
pub(crate) use per_backend;

/// `INSERT … RETURNING id`.
macro_rules! insert_returning_id {
    ($conn:expr, $table:expr, $values:expr, $id:expr) => {
        $crate::store::per_backend!($conn, c => diesel::insert_into($table).values($values).returning($id).get_result::<i64>(c))
    };
}
pub(crate) use insert_returning_id;

/// The current time as stored: UTC, microsecond precision (both engines keep that much).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
        .naive_utc()
}
