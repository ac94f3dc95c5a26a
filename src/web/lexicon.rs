//! The merged sentiment lexicon (built-in lists + the admin's `sentiment_words`), cached
//! in memory so scoring a batch of mentions costs no query.
//!
//! An edit on the admin page drops this instance's copy at once ([`LexiconCache::invalidate`]).
//! Other instances sharing the database notice within [`LEXICON_TTL`]: every copy is
//! reloaded when it is that old, so a multi-instance installation scores with a word list
//! at most that stale.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::Db;
use crate::domain::sentiment::Lexicon;
use crate::store::{self, StoreError};

/// How long a loaded lexicon is trusted before it is read again.
pub const LEXICON_TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct LexiconCache {
    loaded: RwLock<Option<(Instant, Arc<Lexicon>)>>,
    /// Bumped by every invalidation, so a load that started before an edit does not
    /// put its stale result back.
    generation: AtomicU64,
}

impl LexiconCache {
    /// The current lexicon: the cached one while younger than [`LEXICON_TTL`], otherwise
    /// freshly built from the database.
    pub async fn get(&self, db: &Db) -> Result<Arc<Lexicon>, StoreError> {
        if let Ok(guard) = self.loaded.read() {
            if let Some((at, lexicon)) = guard.as_ref() {
                if at.elapsed() < LEXICON_TTL {
                    return Ok(lexicon.clone());
                }
            }
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let entries = db.run(store::sentiment_words::load_entries).await?;
        let lexicon = Arc::new(Lexicon::with_entries(&entries));
        if let Ok(mut guard) = self.loaded.write() {
            if self.generation.load(Ordering::SeqCst) == generation {
                *guard = Some((Instant::now(), lexicon.clone()));
            }
        }
        Ok(lexicon)
    }

    /// Forgets the cached copy (after an edit), so the next [`LexiconCache::get`] reloads.
    pub fn invalidate(&self) {
        if let Ok(mut guard) = self.loaded.write() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            *guard = None;
        }
    }
}
