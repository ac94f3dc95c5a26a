//! Today's visitor salt, kept in memory and shared with other instances through the
//! database; older salts are deleted when a new day's salt is first needed, and by the
//! minute sweep of `app::retention` (database and memory alike) when a day ends without
//! traffic.

use std::sync::{Arc, RwLock};

use chrono::NaiveDate;
use rand::RngCore;

use crate::db::Db;
use crate::domain::visitor::{Salt, SALT_LEN};
use crate::store::{self, StoreError};

/// A day's salt.
type DaySalt = (NaiveDate, Arc<Salt>);

/// The salt kept in memory, with its day; clones share it.
#[derive(Clone, Default)]
struct Memory(Arc<RwLock<Option<DaySalt>>>);

impl Memory {
    fn get(&self, day: NaiveDate) -> Option<Arc<Salt>> {
        let current = self.0.read().unwrap_or_else(|e| e.into_inner());
        match current.as_ref() {
            Some((d, salt)) if *d == day => Some(salt.clone()),
            _ => None,
        }
    }

    fn keep(&self, day: NaiveDate, salt: Arc<Salt>) {
        let mut current = self.0.write().unwrap_or_else(|e| e.into_inner());
        // Clicks straddling midnight may ask for yesterday after today: keep the newer day.
        if current.as_ref().is_none_or(|(d, _)| *d <= day) {
            *current = Some((day, salt));
        }
    }

    fn forget_before(&self, today: NaiveDate) -> bool {
        let mut current = self.0.write().unwrap_or_else(|e| e.into_inner());
        if current.as_ref().is_some_and(|(d, _)| *d < today) {
            *current = None;
            return true;
        }
        false
    }

    fn day(&self) -> Option<NaiveDate> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(d, _)| *d)
    }
}

/// Cheap to clone: clones share the salt in memory.
#[derive(Clone)]
pub struct Salts {
    db: Db,
    current: Memory,
}

impl Salts {
    pub fn new(db: Db) -> Salts {
        Salts {
            db,
            current: Memory::default(),
        }
    }

    /// Drops the salt kept in memory when it is of a day before `today`: a past day's salt
    /// must not outlive its day, clicks or not. Answers whether one was dropped.
    pub fn forget_before(&self, today: NaiveDate) -> bool {
        self.current.forget_before(today)
    }

    /// The day of the salt kept in memory, if any.
    pub fn day_in_memory(&self) -> Option<NaiveDate> {
        self.current.day()
    }

    /// The salt of `day` (the local day of the click).
    pub async fn for_day(&self, day: NaiveDate) -> Result<Arc<Salt>, StoreError> {
        if let Some(salt) = self.current.get(day) {
            return Ok(salt);
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
        self.current.keep(day, salt.clone());
        Ok(salt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_past_days_salt_leaves_memory_at_the_day_change_without_a_click() {
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let tuesday = monday.succ_opt().unwrap();
        let memory = Memory::default();
        let salt = Arc::new(Salt::from_slice(monday.to_string(), &[7u8; SALT_LEN]).unwrap());
        memory.keep(monday, salt);
        assert_eq!(memory.day(), Some(monday));
        assert!(!memory.forget_before(monday), "today's salt stays");
        assert_eq!(memory.day(), Some(monday));
        let shared = memory.clone();
        assert!(shared.forget_before(tuesday), "yesterday's salt goes");
        assert_eq!(memory.day(), None, "clones share the memory");
        assert!(!memory.forget_before(tuesday));
    }
}
