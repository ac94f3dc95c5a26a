//! The slug cache: the redirect never waits on the database for a link it has seen.
//!
//! Entries older than the refresh age are still served while one background reload checks
//! them (stale-while-revalidate), so links disabled on another instance stop within about
//! a minute without costing any redirect a round trip. Unknown slugs are remembered
//! briefly too, so a scanner trying random slugs cannot turn into a query per request.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::Db;
use crate::store::shares::LinkRow;
use crate::store::{self, StoreError};

const REFRESH_AFTER: Duration = Duration::from_secs(60);
const MISSING_FOR: Duration = Duration::from_secs(5);
/// Beyond this many entries the cache forgets everything and refills on demand: simpler
/// than an LRU, and the slugs in use come back within one request each.
const MAX_ENTRIES: usize = 1_000_000;

#[derive(Clone)]
enum Entry {
    Found {
        link: Arc<LinkRow>,
        loaded: Instant,
        refreshing: bool,
    },
    Missing {
        loaded: Instant,
    },
}

pub struct LinkCache {
    db: Db,
    entries: Arc<RwLock<HashMap<Box<str>, Entry>>>,
}

impl LinkCache {
    pub fn new(db: Db) -> LinkCache {
        LinkCache {
            db,
            entries: Arc::new(RwLock::new(HashMap::new())),
        }
    }

    /// Loads every link ahead of the first clicks.
    pub fn warm(&self) -> Result<usize, StoreError> {
        let rows = self.db.run_sync(store::shares::list_links)?;
        let now = Instant::now();
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        for (slug, link) in &rows {
            entries.insert(
                slug.as_str().into(),
                Entry::Found {
                    link: Arc::new(link.clone()),
                    loaded: now,
                    refreshing: false,
                },
            );
        }
        Ok(rows.len())
    }

    /// The link of `slug`, from memory when possible.
    pub async fn get(&self, slug: &str) -> Result<Option<Arc<LinkRow>>, StoreError> {
        let cached = self
            .entries
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(slug)
            .cloned();
        match cached {
            Some(Entry::Found {
                link,
                loaded,
                refreshing,
            }) => {
                if loaded.elapsed() > REFRESH_AFTER && !refreshing {
                    self.refresh_in_background(slug, &link);
                }
                Ok(Some(link))
            }
            Some(Entry::Missing { loaded }) if loaded.elapsed() < MISSING_FOR => Ok(None),
            _ => self.load(slug).await,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets a slug after a change on this instance (created, disabled, expiry moved).
    pub fn invalidate(&self, slug: &str) {
        self.entries
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(slug);
    }

    async fn load(&self, slug: &str) -> Result<Option<Arc<LinkRow>>, StoreError> {
        let key = slug.to_string();
        let found = self
            .db
            .run(move |conn| store::shares::find_link_by_slug(conn, &key))
            .await?;
        let link = found.map(Arc::new);
        store_entry(&self.entries, slug, link.clone());
        Ok(link)
    }

    fn refresh_in_background(&self, slug: &str, current: &Arc<LinkRow>) {
        {
            let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
            if let Some(Entry::Found { refreshing, .. }) = entries.get_mut(slug) {
                if *refreshing {
                    return;
                }
                *refreshing = true;
            }
        }
        let (db, entries, key, current) = (
            self.db.clone(),
            self.entries.clone(),
            slug.to_string(),
            current.clone(),
        );
        actix_web::rt::spawn(async move {
            let lookup = key.clone();
            match db
                .run(move |conn| store::shares::find_link_by_slug(conn, &lookup))
                .await
            {
                Ok(found) => store_entry(&entries, &key, found.map(Arc::new)),
                // Keep serving the known link while the database is away; retry later.
                Err(err) => {
                    tracing::warn!(error = %err, "could not refresh a cached link");
                    let entry = Entry::Found {
                        link: current,
                        loaded: Instant::now(),
                        refreshing: false,
                    };
                    entries
                        .write()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(key.into(), entry);
                }
            }
        });
    }
}

fn store_entry(entries: &RwLock<HashMap<Box<str>, Entry>>, slug: &str, link: Option<Arc<LinkRow>>) {
    let now = Instant::now();
    let entry = match link {
        Some(link) => Entry::Found {
            link,
            loaded: now,
            refreshing: false,
        },
        None => Entry::Missing { loaded: now },
    };
    let mut entries = entries.write().unwrap_or_else(|e| e.into_inner());
    if entries.len() >= MAX_ENTRIES {
        entries.clear();
    }
    entries.insert(slug.into(), entry);
}
