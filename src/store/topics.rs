//! Topics: subjects the company tracks, each with keywords (one per line, English and
//! Korean alike) that tag content and mentions.

use diesel::prelude::*;

use super::{now, per_backend, StoreError};
use crate::db::schema::topics;
use crate::db::DbConnection;
use crate::domain::person::Label;

/// A topic's id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicRef {
    pub id: i64,
    pub name: String,
}

/// The topics of these names, in the same order, each created when missing (with its
/// own name as its only keyword). Names match existing topics ignoring case, so `ai`
/// finds `AI`; the existing spelling is returned. Call inside a transaction.
pub fn find_or_insert_all(
    conn: &mut DbConnection,
    names: &[Label],
) -> Result<Vec<TopicRef>, StoreError> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    // Topics are a short list maintained by people; comparing in Rust gives Unicode-aware
    // case folding that SQLite's lower() lacks.
    let mut existing: Vec<(i64, String)> = topics::table
        .select((topics::id, topics::name))
        .order(topics::id.asc())
        .load(conn)?;
    let mut found = Vec::with_capacity(names.len());
    for name in names {
        let key = name.as_str().to_lowercase();
        let topic = match existing.iter().find(|(_, n)| n.to_lowercase() == key) {
            Some((id, n)) => TopicRef {
                id: *id,
                name: n.clone(),
            },
            None => {
                // A concurrent request may be creating the same topic: give way on the
                // unique name and read the stored one.
                let inserted: Option<i64> = per_backend!(conn, c => diesel::insert_into(topics::table)
                    .values((
                        topics::name.eq(name.as_str()),
                        topics::keywords.eq(name.as_str()),
                        topics::created_at.eq(now()),
                    ))
                    .on_conflict(topics::name)
                    .do_nothing()
                    .returning(topics::id)
                    .get_result(c)
                    .optional())?;
                let id = match inserted {
                    Some(id) => id,
                    None => topics::table
                        .filter(topics::name.eq(name.as_str()))
                        .select(topics::id)
                        .first(conn)?,
                };
                existing.push((id, name.as_str().to_owned()));
                TopicRef {
                    id,
                    name: name.as_str().to_owned(),
                }
            }
        };
        found.push(topic);
    }
    Ok(found)
}
