//! Settings an admin changes at run time: stored in the database (shared by every
//! instance, effective without a restart), falling back to the configuration's value.

use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::emv::EmvRates;
use crate::store::{settings, StoreError};

const EMV_RATES: &str = "emv_rates";

/// Where an effective setting comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// `chorus.toml` or the environment (the default).
    Config,
    /// Set through the API or a page; replaces the configured value.
    Database,
}

/// The earned-media rates in effect: the stored ones, else the configured ones.
pub fn emv_rates(
    conn: &mut DbConnection,
    configured: &EmvRates,
) -> Result<(EmvRates, Origin), StoreError> {
    let Some(text) = settings::get(conn, EMV_RATES)? else {
        return Ok((configured.clone(), Origin::Config));
    };
    match serde_json::from_str(&text).map(EmvRates::new) {
        Ok(Ok(rates)) => Ok((rates, Origin::Database)),
        // Written by this module only, so this is a damaged row: say so, keep reporting.
        _ => {
            tracing::warn!(
                setting = EMV_RATES,
                "stored earned-media rates are unreadable; using the configured ones"
            );
            Ok((configured.clone(), Origin::Config))
        }
    }
}

/// Replaces the earned-media rates for every instance.
pub fn set_emv_rates(conn: &mut DbConnection, rates: &EmvRates) -> Result<(), StoreError> {
    let text = serde_json::to_string(rates).expect("rates serialise");
    settings::put(conn, EMV_RATES, &text)
}

/// Forgets the stored rates: the configured ones apply again.
pub fn reset_emv_rates(conn: &mut DbConnection) -> Result<(), StoreError> {
    settings::remove(conn, EMV_RATES)
}
