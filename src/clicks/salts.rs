//! Today's visitor salt, kept in memory and shared with other instances through the
//! database; older salts are deleted when a new day's salt is first needed.

use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use rand::RngCore;

use crate::db::Db;
use crate::domain::visitor::{Salt, SALT_LEN};
use crate::store::{self, StoreError};

pub struct Salts {
    db: Db,
    current: RwLock<Option<(NaiveDate, Arc<Salt>)>>,
}

impl Salts {
    pub fn new(db: Db) -> Salts {
        Salts {
            db,
            current: RwLock::new(None),
        }
    }

    /// The salt of `day` (the local day of the click).
    pub async fn for_day(&self, day: NaiveDate) -> Result<Arc<Salt>, StoreError> {
        if let Some((d, salt)) = self
            .current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            if *d == day {
                return Ok(salt.clone());
            }
        }
        let bytes = self
            .db
            .run(move |conn| {
                let bytes = store::salts::get_or_create(conn, day, || {
                    let mut b = vec![0u8; SALT_LEN];
                    rand::rng().fill_bytes(&mut b);
                    b
                })?;
                // Older salts are useless now and must not linger: without them, stored
                // hashes cannot be recomputed from an address.
                store::salts::delete_before(conn, day)?;
                Ok(bytes)
            })
            .await?;
        let salt = Arc::new(Salt::from_slice(day.to_string(), &bytes).ok_or(StoreError::NotFound)?);
        let mut current = self.current.write().unwrap_or_else(|e| e.into_inner());
        // Clicks straddling midnight may ask for yesterday after today: keep the newer day.
        if current.as_ref().is_none_or(|(d, _)| *d <= day) {
            *current = Some((day, salt.clone()));
        }
        Ok(salt)
    }
}
