//! The admin's changes to the sentiment lexicon (`sentiment_words`): words added or
//! re-weighted on top of the built-in lists, and words removed (polarity 0). One row per
//! `(language, word)`; saving a word again replaces its polarity.

use diesel::prelude::*;
use serde::Serialize;

use super::tx::write_transaction;
use super::StoreError;
use crate::db::schema::sentiment_words;
use crate::db::DbConnection;
use crate::domain::sentiment::{Language, WordEntry};

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredWord {
    pub id: i64,
    pub language: String,
    pub word: String,
    pub polarity: i64,
}

/// Every entry, by language then word.
pub fn list(conn: &mut DbConnection) -> Result<Vec<StoredWord>, StoreError> {
    let rows: Vec<(i64, String, String, i64)> = sentiment_words::table
        .select((
            sentiment_words::id,
            sentiment_words::language,
            sentiment_words::word,
            sentiment_words::polarity,
        ))
        .order((sentiment_words::language.asc(), sentiment_words::word.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, language, word, polarity)| StoredWord {
            id,
            language,
            word,
            polarity,
        })
        .collect())
}

/// Every entry as the scorer applies it (rows of an unknown language are skipped).
pub fn load_entries(conn: &mut DbConnection) -> Result<Vec<WordEntry>, StoreError> {
    Ok(list(conn)?
        .into_iter()
        .filter_map(|w| {
            Some(WordEntry {
                language: Language::parse(&w.language)?,
                word: w.word,
                polarity: w.polarity,
            })
        })
        .collect())
}

/// Saves `entry`, replacing the polarity of the same `(language, word)` if present.
/// Returns whether a row was added (rather than changed).
pub fn upsert(conn: &mut DbConnection, entry: &WordEntry) -> Result<bool, StoreError> {
    write_transaction(conn, |conn| {
        let existing: Option<i64> = sentiment_words::table
            .filter(sentiment_words::language.eq(entry.language.as_str()))
            .filter(sentiment_words::word.eq(&entry.word))
            .select(sentiment_words::id)
            .first(conn)
            .optional()?;
        match existing {
            Some(id) => {
                diesel::update(sentiment_words::table.find(id))
                    .set(sentiment_words::polarity.eq(entry.polarity))
                    .execute(conn)?;
                Ok(false)
            }
            None => {
                diesel::insert_into(sentiment_words::table)
                    .values((
                        sentiment_words::language.eq(entry.language.as_str()),
                        sentiment_words::word.eq(&entry.word),
                        sentiment_words::polarity.eq(entry.polarity),
                    ))
                    .execute(conn)?;
                Ok(true)
            }
        }
    })
}

/// Deletes one entry, so the built-in list (if it has the word) applies again.
///
/// # Errors
/// `StoreError::NotFound` when there is no such entry.
pub fn delete(conn: &mut DbConnection, id: i64) -> Result<(), StoreError> {
    let deleted = diesel::delete(sentiment_words::table.find(id)).execute(conn)?;
    if deleted == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
