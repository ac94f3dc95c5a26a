//! The slug cache: the redirect never waits on the database for a link it has seen.
//!
//! Entries older than the refresh age are still served while one background reload checks
//! them (stale-while-revalidate), so links disabled on another instance stop within about
//! a minute without costing any redirect a round trip; while the database is away, known
//! links keep being served. Unknown slugs are remembered briefly too, so a scanner trying
//! random slugs cannot turn into a query per request.
//!
//! Both are bounded `quick_cache` caches, kept apart: found links in a large one weighed
//! in bytes ([`FOUND_BYTES`]), unknown slugs in a small one ([`MISSING_ENTRIES`]). However
//! many distinct slugs a scanner sends, it only churns the small cache: it can neither
//! push a known link out nor grow memory. Strings that no slug could be are never looked
//! up nor remembered ([`slug::is_plausible`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use quick_cache::sync::Cache;
use quick_cache::Weighter;

use crate::db::Db;
use crate::domain::slug;
use crate::store::shares::LinkRow;
use crate::store::{self, StoreError};

const REFRESH_AFTER: Duration = Duration::from_secs(60);
const MISSING_FOR: Duration = Duration::from_secs(5);
/// The most memory found links may take, as [`LinkWeight`] counts it: about 1.3 million
/// links with typical destinations (~400 bytes each, overhead included). Links come only
/// from the database, so below this the cache holds every link; above it the least used
/// ones are dropped and come back with one query each.
const FOUND_BYTES: u64 = 512 * 1024 * 1024;
/// What `quick_cache` sizes its shards and its memory of evicted keys by.
const FOUND_ESTIMATE: usize = 1_000_000;
/// Unknown slugs remembered at once. Scanners bring them in any number, so this stays
/// small (keys are at most [`slug::MAX_LEN`] bytes: well under 2 MB in all); a slug that
/// falls out early costs one more query, not a wrong answer.
const MISSING_ENTRIES: usize = 10_000;
/// The heap and table bytes of a found entry besides its slug and destination: the key's
/// box, the `Found` and `LinkRow` allocations with their `Arc` headers, the cache's slot.
const ENTRY_OVERHEAD: usize = 200;

/// A link as the cache holds it.
struct Found {
    link: Arc<LinkRow>,
    loaded: Instant,
    /// Set by the one request that starts the background reload, so the others do not.
    refreshing: AtomicBool,
}

impl Found {
    fn new(link: Arc<LinkRow>, loaded: Instant) -> Arc<Found> {
        Arc::new(Found {
            link,
            loaded,
            refreshing: AtomicBool::new(false),
        })
    }
}

/// Weighs a found link by the bytes it keeps alive, so a few long destinations cannot
/// take more memory than [`FOUND_BYTES`] says.
#[derive(Clone)]
struct LinkWeight;

impl Weighter<Box<str>, Arc<Found>> for LinkWeight {
    fn weight(&self, slug: &Box<str>, found: &Arc<Found>) -> u64 {
        (slug.len() + found.link.destination.len() + ENTRY_OVERHEAD) as u64
    }
}

enum Lookup {
    Found(Arc<Found>),
    /// Looked up less than [`MISSING_FOR`] ago and not there.
    Missing,
    /// Never looked up, forgotten, or missing long enough ago to ask again.
    Unknown,
}

/// The two caches, without the database: what the unit tests drive.
struct Slots {
    found: Cache<Box<str>, Arc<Found>, LinkWeight>,
    missing: Cache<Box<str>, Instant>,
}

impl Slots {
    fn new(found_bytes: u64, found_estimate: usize, missing_entries: usize) -> Slots {
        Slots {
            found: Cache::with_weighter(found_estimate, found_bytes, LinkWeight),
            missing: Cache::new(missing_entries),
        }
    }

    fn lookup(&self, slug: &str, now: Instant) -> Lookup {
        if let Some(found) = self.found.get(slug) {
            return Lookup::Found(found);
        }
        match self.missing.get(slug) {
            Some(at) if now.saturating_duration_since(at) < MISSING_FOR => Lookup::Missing,
            _ => Lookup::Unknown,
        }
    }

    /// Records what the database said about `slug`.
    fn remember(&self, slug: &str, link: Option<Arc<LinkRow>>, now: Instant) {
        match link {
            Some(link) => {
                self.found.insert(slug.into(), Found::new(link, now));
                self.missing.remove(slug);
            }
            None => {
                self.found.remove(slug);
                self.missing.insert(slug.into(), now);
            }
        }
    }

    /// Records a background reload's answer. A found link only replaces an entry still
    /// there, so a reload racing [`LinkCache::invalidate`] cannot bring the old link back.
    fn refreshed(&self, slug: &str, link: Option<Arc<LinkRow>>, now: Instant) {
        match link {
            // `soft`: a reload is not a use, so it must not make the link look popular.
            Some(link) => {
                let _ = self.found.replace(slug.into(), Found::new(link, now), true);
            }
            None => self.remember(slug, None, now),
        }
    }

    fn forget(&self, slug: &str) {
        self.found.remove(slug);
        self.missing.remove(slug);
    }
}

pub struct LinkCache {
    db: Db,
    slots: Arc<Slots>,
}

impl LinkCache {
    pub fn new(db: Db) -> LinkCache {
        LinkCache {
            db,
            slots: Arc::new(Slots::new(FOUND_BYTES, FOUND_ESTIMATE, MISSING_ENTRIES)),
        }
    }

    /// Loads every link ahead of the first clicks (as many as [`FOUND_BYTES`] holds).
    pub fn warm(&self) -> Result<usize, StoreError> {
        let rows = self.db.run_sync(store::shares::list_links)?;
        let now = Instant::now();
        let count = rows.len();
        for (slug, link) in rows {
            self.slots.remember(&slug, Some(Arc::new(link)), now);
        }
        Ok(count)
    }

    /// The link of `slug`, from memory when possible. `None` for a string that cannot be
    /// a slug, without a lookup.
    ///
    /// # Errors
    /// The store's error when `slug` is not in memory and the database cannot answer.
    pub async fn get(&self, slug: &str) -> Result<Option<Arc<LinkRow>>, StoreError> {
        if !slug::is_plausible(slug) {
            return Ok(None);
        }
        match self.slots.lookup(slug, Instant::now()) {
            Lookup::Found(found) => {
                if found.loaded.elapsed() > REFRESH_AFTER
                    && !found.refreshing.swap(true, Ordering::AcqRel)
                {
                    self.refresh_in_background(slug, &found.link);
                }
                Ok(Some(found.link.clone()))
            }
            Lookup::Missing => Ok(None),
            Lookup::Unknown => self.load(slug).await,
        }
    }

    /// How many links are held; unknown slugs remembered are not counted.
    pub fn len(&self) -> usize {
        self.slots.found.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.found.is_empty()
    }

    /// Forgets a slug after a change on this instance (created, disabled, expiry moved).
    pub fn invalidate(&self, slug: &str) {
        self.slots.forget(slug);
    }

    async fn load(&self, slug: &str) -> Result<Option<Arc<LinkRow>>, StoreError> {
        let key = slug.to_string();
        let found = self
            .db
            .run(move |conn| store::shares::find_link_by_slug(conn, &key))
            .await?;
        let link = found.map(Arc::new);
        self.slots.remember(slug, link.clone(), Instant::now());
        Ok(link)
    }

    fn refresh_in_background(&self, slug: &str, current: &Arc<LinkRow>) {
        let (db, slots, key, current) = (
            self.db.clone(),
            self.slots.clone(),
            slug.to_string(),
            current.clone(),
        );
        actix_web::rt::spawn(async move {
            let lookup = key.clone();
            match db
                .run(move |conn| store::shares::find_link_by_slug(conn, &lookup))
                .await
            {
                Ok(found) => slots.refreshed(&key, found.map(Arc::new), Instant::now()),
                // Keep serving the known link while the database is away; retry later.
                Err(err) => {
                    tracing::warn!(error = %err, "could not refresh a cached link");
                    slots.refreshed(&key, Some(current), Instant::now());
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(share_id: i64, destination: &str) -> Arc<LinkRow> {
        Arc::new(LinkRow {
            share_id,
            employee_id: 1,
            destination: destination.into(),
            click_param: true,
            expires_at: None,
            disabled: false,
        })
    }

    fn production() -> Slots {
        Slots::new(FOUND_BYTES, FOUND_ESTIMATE, MISSING_ENTRIES)
    }

    fn found_id(slots: &Slots, slug: &str, now: Instant) -> Option<i64> {
        match slots.lookup(slug, now) {
            Lookup::Found(found) => Some(found.link.share_id),
            Lookup::Missing | Lookup::Unknown => None,
        }
    }

    #[test]
    fn unknown_slugs_do_not_evict_known_ones() {
        let slots = production();
        let now = Instant::now();
        for i in 0..100 {
            slots.remember(
                &format!("known{i}"),
                Some(link(i, "https://example.com/")),
                now,
            );
        }
        for i in 0..(MISSING_ENTRIES * 5) {
            let slug = format!("scan{i:07}");
            assert!(matches!(slots.lookup(&slug, now), Lookup::Unknown));
            slots.remember(&slug, None, now);
        }
        for i in 0..100 {
            assert_eq!(found_id(&slots, &format!("known{i}"), now), Some(i));
        }
        assert_eq!(slots.found.len(), 100);
    }

    #[test]
    fn the_negative_cache_stays_within_its_bound() {
        let slots = production();
        let now = Instant::now();
        for i in 0..(MISSING_ENTRIES * 5) {
            slots.remember(&format!("scan{i:07}"), None, now);
            assert!(slots.missing.len() <= MISSING_ENTRIES, "after {i}");
        }
        assert!(slots.missing.len() > MISSING_ENTRIES / 2);
        assert_eq!(slots.found.len(), 0);
        // The newest unknown slug is still answered from memory.
        let last = format!("scan{:07}", MISSING_ENTRIES * 5 - 1);
        assert!(matches!(slots.lookup(&last, now), Lookup::Missing));
    }

    #[test]
    fn unknown_slugs_are_asked_again_after_a_while() {
        let slots = production();
        let now = Instant::now();
        slots.remember("nope", None, now);
        assert!(matches!(slots.lookup("nope", now), Lookup::Missing));
        let later = now + MISSING_FOR + Duration::from_millis(1);
        assert!(matches!(slots.lookup("nope", later), Lookup::Unknown));
    }

    #[test]
    fn found_links_are_bounded_by_their_weight() {
        let long = format!("https://example.com/{}", "x".repeat(2_000));
        let slots = Slots::new(100 * 1024, 100, 100);
        let now = Instant::now();
        for i in 0..1_000 {
            slots.remember(&format!("link{i:04}"), Some(link(i, &long)), now);
        }
        assert!(slots.found.weight() <= 100 * 1024);
        assert!(slots.found.len() < 100);
    }

    #[test]
    fn a_link_created_after_a_miss_is_found_at_once() {
        let slots = production();
        let now = Instant::now();
        slots.remember("fresh", None, now);
        slots.forget("fresh");
        assert!(matches!(slots.lookup("fresh", now), Lookup::Unknown));
        slots.remember("fresh", Some(link(7, "https://example.com/")), now);
        assert_eq!(found_id(&slots, "fresh", now), Some(7));
        assert_eq!(slots.missing.len(), 0);
    }

    #[test]
    fn a_reload_does_not_revive_an_invalidated_link_but_drops_a_deleted_one() {
        let slots = production();
        let now = Instant::now();
        slots.remember("gone", Some(link(1, "https://example.com/")), now);
        slots.forget("gone");
        slots.refreshed("gone", Some(link(1, "https://example.com/")), now);
        assert!(matches!(slots.lookup("gone", now), Lookup::Unknown));

        slots.remember("kept", Some(link(2, "https://example.com/a")), now);
        slots.refreshed("kept", Some(link(2, "https://example.com/b")), now);
        match slots.lookup("kept", now) {
            Lookup::Found(found) => {
                assert_eq!(found.link.destination, "https://example.com/b");
                assert!(!found.refreshing.load(Ordering::Acquire));
            }
            _ => panic!("kept should be found"),
        }

        slots.refreshed("kept", None, now);
        assert!(matches!(slots.lookup("kept", now), Lookup::Missing));
    }
}
