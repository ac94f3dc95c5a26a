//! Mentions: storing a checked batch all or nothing ([`insert_batch`], shared by the API
//! and the CSV import) and reading them back for the API, the admin browser and reports
//! ([`list`], [`count`]).
//!
//! A mention with an `external_id` is stored once per channel (`UNIQUE (channel,
//! external_id)`): repeats, within a batch or of stored rows, are counted as duplicates
//! and skipped, also when two batches race (`ON CONFLICT DO NOTHING`). Mentions are tagged
//! with the topics whose keywords they contain, at write time.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::tx::write_transaction;
use super::{now, per_backend, StoreError};
use crate::db::schema::{
    brand_keywords, brands, mention_topics, mentions, recognition_pending, topics,
};
use crate::db::DbConnection;
use crate::domain::brand::KeywordKind;
use crate::domain::mention::{
    fold_keyword, matching_topics, recognises, Channel, MentionKind, Sentiment, SentimentSource,
    ValidMention,
};
use crate::domain::sentiment::{self, Lexicon};

diesel::define_sql_function! {
    /// SQL `lower(text)`: ASCII-only on SQLite, Unicode-aware on PostgreSQL.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A mention to store: checked ([`crate::domain::mention::validate`]) and with its
/// sentiment decided; the brand is still a name, resolved here ignoring case.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMention {
    pub brand: String,
    pub channel: Channel,
    pub author: String,
    pub author_reach: Option<i64>,
    pub text: String,
    pub kind: MentionKind,
    pub sentiment: Sentiment,
    pub sentiment_source: SentimentSource,
    /// UTC.
    pub occurred_at: NaiveDateTime,
    /// Local day of `occurred_at`.
    pub day: NaiveDate,
    pub url: Option<String>,
    pub external_id: Option<String>,
}

impl NewMention {
    /// A checked mention with its sentiment decided: the one it came with (`given`), or
    /// the one `lexicon` scores for its text (`computed`).
    pub fn new(valid: ValidMention, lexicon: &Lexicon) -> NewMention {
        let (sentiment, sentiment_source) = match valid.sentiment {
            Some(given) => (given, SentimentSource::Given),
            None => (
                sentiment::score(&valid.text, lexicon).sentiment,
                SentimentSource::Computed,
            ),
        };
        NewMention {
            brand: valid.brand,
            channel: valid.channel,
            author: valid.author,
            author_reach: valid.author_reach,
            text: valid.text,
            kind: valid.kind,
            sentiment,
            sentiment_source,
            occurred_at: valid.occurred_at,
            day: valid.day,
            url: valid.url,
            external_id: valid.external_id,
        }
    }
}

/// What a stored batch came to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    pub inserted: usize,
    /// Mentions skipped as repeats of an `(channel, external_id)` already stored or
    /// earlier in the batch.
    pub duplicates: usize,
}

/// Why a batch was refused; nothing of it was stored.
#[derive(Debug, thiserror::Error)]
pub enum BatchRefused {
    /// Item `index` (0-based) names no brand.
    #[error("no brand named {name:?}")]
    UnknownBrand { index: usize, name: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for BatchRefused {
    fn from(err: diesel::result::Error) -> BatchRefused {
        BatchRefused::Store(err.into())
    }
}

/// The column values of a mention (a macro: the tuple's type is unnameable).
macro_rules! mention_values {
    ($item:expr, $resolved:expr, $created_at:expr) => {{
        let item: &NewMention = $item;
        let resolved: &Resolved = $resolved;
        (
            mentions::recognised.eq(resolved.recognised),
            mentions::author_id.eq(resolved.author_id),
            mentions::brand_id.eq(resolved.brand_id),
            mentions::channel.eq(item.channel.as_str()),
            mentions::author.eq(&item.author),
            mentions::author_reach.eq(item.author_reach),
            mentions::body.eq(&item.text),
            mentions::kind.eq(item.kind.as_str()),
            mentions::sentiment.eq(item.sentiment.as_str()),
            mentions::sentiment_source.eq(item.sentiment_source.as_str()),
            mentions::occurred_at.eq(item.occurred_at),
            mentions::day.eq(item.day),
            mentions::url.eq(item.url.as_deref()),
            mentions::external_id.eq(item.external_id.as_deref()),
            mentions::created_at.eq($created_at),
        )
    }};
}

/// Mentions per multi-row insert on PostgreSQL (15 parameters each, far below its limit
/// of 65,535).
const MULTI_ROW: usize = 1_000;

/// Inserts `items[i]` for every `i` of `pending` in one statement (PostgreSQL), skipping
/// repeats of a stored `(channel, external_id)`.
fn insert_many(
    conn: &mut DbConnection,
    items: &[NewMention],
    resolved: &[Resolved],
    pending: &[usize],
    created_at: NaiveDateTime,
    outcome: &mut BatchOutcome,
) -> Result<(), BatchRefused> {
    if pending.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = pending
        .iter()
        .map(|&i| mention_values!(&items[i], &resolved[i], created_at))
        .collect();
    let inserted = match conn {
        DbConnection::Postgres(c) => diesel::insert_into(mentions::table)
            .values(&rows)
            .on_conflict((mentions::channel, mentions::external_id))
            .do_nothing()
            .execute(c)?,
        // Not called on SQLite (see `insert_rows`); one statement per row there.
        DbConnection::Sqlite(c) => {
            let mut n = 0;
            for row in rows {
                n += diesel::insert_into(mentions::table)
                    .values(row)
                    .on_conflict((mentions::channel, mentions::external_id))
                    .do_nothing()
                    .execute(c)?;
            }
            n
        }
    };
    outcome.inserted += inserted;
    outcome.duplicates += pending.len() - inserted;
    Ok(())
}

/// Rows per multi-row insert of topic tags (two parameters each, far below both engines'
/// limits).
const TAG_CHUNK: usize = 2_000;

/// Stores `items` in one write transaction: every brand is resolved first (an unknown one
/// refuses the whole batch), then each mention is inserted unless it repeats a stored
/// `(channel, external_id)`, and tagged with its topics.
///
/// # Errors
/// [`BatchRefused::UnknownBrand`] naming the first item with an unknown brand; store
/// errors otherwise. Either way nothing is stored.
pub fn insert_batch(
    conn: &mut DbConnection,
    items: &[NewMention],
) -> Result<BatchOutcome, BatchRefused> {
    write_transaction(conn, |conn| insert_rows(conn, items))
}

/// [`insert_batch`] inside a transaction the caller holds (none of its own): the CSV
/// import stores a whole file in one transaction, chunk by chunk, and a savepoint per
/// chunk would make SQLite copy every page it touches into a statement journal.
///
/// # Errors
/// As [`insert_batch`]; the caller rolls back.
pub fn insert_rows(
    conn: &mut DbConnection,
    items: &[NewMention],
) -> Result<BatchOutcome, BatchRefused> {
    let by_name: HashMap<String, i64> = super::brands::list_names(conn)?
        .into_iter()
        .map(|(id, name)| (name.trim().to_lowercase(), id))
        .collect();
    let mut brand_ids = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match by_name.get(&item.brand.trim().to_lowercase()) {
            Some(id) => brand_ids.push(*id),
            None => {
                return Err(BatchRefused::UnknownBrand {
                    index,
                    name: item.brand.clone(),
                })
            }
        }
    }
    let attributes = folded_attributes(conn, None)?;
    let authors = author_ids(conn, items)?;
    let mut resolved = Vec::with_capacity(items.len());
    for (item, brand) in items.iter().zip(&brand_ids) {
        resolved.push(Resolved {
            brand_id: *brand,
            // Every author of the batch was just added or found.
            author_id: *authors
                .get(item.author.as_str())
                .ok_or(StoreError::NotFound)?,
            recognised: attributes
                .get(brand)
                .is_some_and(|a| recognises(&item.text, a)),
        });
    }
    let topic_keywords: Vec<(i64, String)> = topics::table
        .select((topics::id, topics::keywords))
        .load(conn)?;
    let created_at = now();
    let mut outcome = BatchOutcome::default();
    let mut tags: Vec<(i64, i64)> = Vec::new();
    // Tagged mentions per (day, channel, topic, brand): added to `mention_topic_days`.
    let mut topic_days: BTreeMap<(NaiveDate, &str, i64, i64), i64> = BTreeMap::new();
    // PostgreSQL pays per round trip: mentions that need no topic tags (so no id) go in
    // multi-row statements. A mention with tags needs its own id — RETURNING of a
    // multi-row insert promises no order — so it gets a statement of its own, after the
    // pending ones, so that of two repeats the first is kept, as on SQLite. SQLite runs one
    // cached statement per mention: in-process, cheaper than parsing multi-row ones.
    let multi_row = matches!(conn, DbConnection::Postgres(_));
    let mut pending: Vec<usize> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let topics = matching_topics(&item.text, &topic_keywords);
        if multi_row && topics.is_empty() {
            pending.push(index);
            if pending.len() == MULTI_ROW {
                insert_many(conn, items, &resolved, &pending, created_at, &mut outcome)?;
                pending.clear();
            }
            continue;
        }
        insert_many(conn, items, &resolved, &pending, created_at, &mut outcome)?;
        pending.clear();
        let values = mention_values!(item, &resolved[index], created_at);
        let id: Option<i64> = per_backend!(conn, c => diesel::insert_into(mentions::table)
            .values(values)
            .on_conflict((mentions::channel, mentions::external_id))
            .do_nothing()
            .returning(mentions::id)
            .get_result(c)
            .optional())?;
        match id {
            Some(id) => {
                outcome.inserted += 1;
                for topic in &topics {
                    let key = (item.day, item.channel.as_str(), *topic, brand_ids[index]);
                    *topic_days.entry(key).or_default() += 1;
                }
                tags.extend(topics.into_iter().map(|topic| (id, topic)));
            }
            None => outcome.duplicates += 1,
        }
    }
    insert_many(conn, items, &resolved, &pending, created_at, &mut outcome)?;
    for chunk in tags.chunks(TAG_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|(mention, topic)| {
                (
                    mention_topics::mention_id.eq(*mention),
                    mention_topics::topic_id.eq(*topic),
                )
            })
            .collect();
        per_backend!(conn, c => diesel::insert_into(mention_topics::table)
            .values(&rows)
            .execute(c))?;
    }
    add_to_topic_days(conn, &topic_days)?;
    Ok(outcome)
}

/// A mention's columns that are not in [`NewMention`]: decided here from the stored
/// brands, attributes and authors.
struct Resolved {
    brand_id: i64,
    author_id: i64,
    recognised: bool,
}

/// Authors per `INSERT … ON CONFLICT DO NOTHING` and per lookup (one parameter each).
const AUTHOR_CHUNK: usize = 1_000;

/// The number of each author of `items`, adding the new ones to `mention_authors`.
fn author_ids(
    conn: &mut DbConnection,
    items: &[NewMention],
) -> Result<HashMap<String, i64>, StoreError> {
    use crate::db::schema::mention_authors;
    let names: Vec<&str> = items
        .iter()
        .map(|i| i.author.as_str())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut ids = HashMap::with_capacity(names.len());
    for chunk in names.chunks(AUTHOR_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|name| mention_authors::name.eq(*name))
            .collect();
        per_backend!(conn, c => diesel::insert_into(mention_authors::table)
            .values(&rows)
            .on_conflict(mention_authors::name)
            .do_nothing()
            .execute(c))?;
        ids.extend(
            mention_authors::table
                .filter(mention_authors::name.eq_any(chunk))
                .select((mention_authors::name, mention_authors::id))
                .load::<(String, i64)>(conn)?,
        );
    }
    Ok(ids)
}

/// The intended attributes of each brand (of one, or of all), folded: what a mention's
/// `recognised` flag is about.
fn folded_attributes(
    conn: &mut DbConnection,
    brand: Option<i64>,
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut q = brand_keywords::table
        .filter(brand_keywords::kind.eq(KeywordKind::Attribute.as_str()))
        .select((brand_keywords::brand_id, brand_keywords::keyword))
        .into_boxed();
    if let Some(brand) = brand {
        q = q.filter(brand_keywords::brand_id.eq(brand));
    }
    let mut by_brand: HashMap<i64, Vec<String>> = HashMap::new();
    for (brand, keyword) in q.load::<(i64, String)>(conn)? {
        by_brand
            .entry(brand)
            .or_default()
            .push(fold_keyword(&keyword));
    }
    Ok(by_brand)
}

/// Mentions per `UPDATE … WHERE id IN (…)` of [`recognise_brand`] (one parameter each).
const FLAG_CHUNK: usize = 1_000;

/// Recomputes the `recognised` flag of every mention of a brand from its intended
/// attributes as they are now; called in the transaction that changes them. Only the
/// flags that change are written.
pub fn recognise_brand(conn: &mut DbConnection, brand_id: i64) -> Result<(), StoreError> {
    let attributes = folded_attributes(conn, Some(brand_id))?
        .remove(&brand_id)
        .unwrap_or_default();
    let rows: Vec<(i64, String, bool)> = mentions::table
        .filter(mentions::brand_id.eq(brand_id))
        .select((mentions::id, mentions::body, mentions::recognised))
        .load(conn)?;
    let (mut set, mut unset) = (Vec::new(), Vec::new());
    for (id, body, was) in rows {
        match (recognises(&body, &attributes), was) {
            (true, false) => set.push(id),
            (false, true) => unset.push(id),
            _ => {}
        }
    }
    for (ids, value) in [(set, true), (unset, false)] {
        for chunk in ids.chunks(FLAG_CHUNK) {
            diesel::update(mentions::table.filter(mentions::id.eq_any(chunk)))
                .set(mentions::recognised.eq(value))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// Computes the flags of the brands the migration that added them left pending (its
/// backfill: the matching is Rust's), in one write transaction; nothing to do after.
pub fn recognise_pending(conn: &mut DbConnection) -> Result<(), StoreError> {
    let pending: Vec<i64> = recognition_pending::table
        .select(recognition_pending::brand_id)
        .load(conn)?;
    if pending.is_empty() {
        return Ok(());
    }
    write_transaction(conn, |conn| {
        for brand in pending {
            recognise_brand(conn, brand)?;
            diesel::delete(recognition_pending::table.find(brand)).execute(conn)?;
        }
        Ok(())
    })
}

/// Adds tagged mentions to the per-day topic rollup (in key order: neighbours in the
/// B-tree).
fn add_to_topic_days(
    conn: &mut DbConnection,
    counts: &BTreeMap<(NaiveDate, &str, i64, i64), i64>,
) -> Result<(), StoreError> {
    use crate::db::schema::mention_topic_days::dsl as d;
    use diesel::upsert::excluded;
    let counts: Vec<_> = counts.iter().collect();
    for chunk in counts.chunks(TAG_CHUNK) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|((day, channel, topic, brand), n)| {
                (
                    d::day.eq(*day),
                    d::channel.eq(*channel),
                    d::topic_id.eq(*topic),
                    d::brand_id.eq(*brand),
                    d::mentions.eq(**n),
                )
            })
            .collect();
        per_backend!(conn, c => diesel::insert_into(d::mention_topic_days)
            .values(&rows)
            .on_conflict((d::day, d::channel, d::topic_id, d::brand_id))
            .do_update()
            .set(d::mentions.eq(d::mentions + excluded(d::mentions)))
            .execute(c))?;
    }
    Ok(())
}

/// The external ids among `external_ids` already stored on `channel` (what a new mention
/// with one of them would repeat).
pub fn stored_external_ids(
    conn: &mut DbConnection,
    channel: &str,
    external_ids: &[&str],
) -> Result<HashSet<String>, StoreError> {
    let mut found = HashSet::new();
    // The unique index (channel, external_id) answers each list.
    for chunk in external_ids.chunks(500) {
        let rows: Vec<Option<String>> = mentions::table
            .filter(mentions::channel.eq(channel))
            .filter(mentions::external_id.eq_any(chunk))
            .select(mentions::external_id)
            .load(conn)?;
        found.extend(rows.into_iter().flatten());
    }
    Ok(found)
}

/// Which mentions a list or count covers; `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MentionFilter {
    pub brand_id: Option<i64>,
    pub channel: Option<String>,
    pub sentiment: Option<String>,
    /// Inclusive, UTC, on `occurred_at`.
    pub from: Option<NaiveDateTime>,
    /// Exclusive, UTC.
    pub to: Option<NaiveDateTime>,
    /// Text the body contains, ignoring case (ASCII letters only on SQLite).
    pub q: Option<String>,
}

/// A stored mention as the API and the admin browser show one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub id: i64,
    pub brand_id: i64,
    pub brand: String,
    pub channel: String,
    pub author: String,
    pub author_reach: Option<i64>,
    pub text: String,
    pub kind: String,
    pub sentiment: String,
    pub sentiment_source: String,
    pub occurred_at: DateTime<Utc>,
    pub url: Option<String>,
    pub external_id: Option<String>,
    /// Topic names, sorted.
    pub topics: Vec<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = mentions)]
struct MentionRow {
    id: i64,
    brand_id: i64,
    channel: String,
    author: String,
    author_reach: Option<i64>,
    body: String,
    kind: String,
    sentiment: String,
    sentiment_source: String,
    occurred_at: NaiveDateTime,
    url: Option<String>,
    external_id: Option<String>,
}

/// `%text%` for LIKE, with the wildcards of `text` escaped by `\`.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &MentionFilter = $filter;
        let mut query = mentions::table.inner_join(brands::table).into_boxed();
        if let Some(id) = filter.brand_id {
            query = query.filter(mentions::brand_id.eq(id));
        }
        if let Some(channel) = &filter.channel {
            query = query.filter(mentions::channel.eq(channel.clone()));
        }
        if let Some(sentiment) = &filter.sentiment {
            query = query.filter(mentions::sentiment.eq(sentiment.clone()));
        }
        if let Some(from) = filter.from {
            query = query.filter(mentions::occurred_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(mentions::occurred_at.lt(to));
        }
        if let Some(q) = &filter.q {
            query = query.filter(lower(mentions::body).like(like_pattern(q)).escape('\\'));
        }
        query
    }};
}

/// Mentions matching `filter`, newest first (by `occurred_at`, then id), `limit` from
/// `offset`, with their brand's name and topics.
pub fn list(
    conn: &mut DbConnection,
    filter: &MentionFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<Mention>, StoreError> {
    let rows: Vec<(MentionRow, String)> = filtered!(filter)
        .select((MentionRow::as_select(), brands::name))
        .order((mentions::occurred_at.desc(), mentions::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|(r, _)| r.id).collect();
    let mut topic_names = topics_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(row, brand)| Mention {
            topics: topic_names.remove(&row.id).unwrap_or_default(),
            id: row.id,
            brand_id: row.brand_id,
            brand,
            channel: row.channel,
            author: row.author,
            author_reach: row.author_reach,
            text: row.body,
            kind: row.kind,
            sentiment: row.sentiment,
            sentiment_source: row.sentiment_source,
            occurred_at: row.occurred_at.and_utc(),
            url: row.url,
            external_id: row.external_id,
        })
        .collect())
}

/// How many mentions match `filter`.
pub fn count(conn: &mut DbConnection, filter: &MentionFilter) -> Result<i64, StoreError> {
    Ok(filtered!(filter).count().get_result(conn)?)
}

fn topics_of(
    conn: &mut DbConnection,
    mention_ids: &[i64],
) -> Result<BTreeMap<i64, Vec<String>>, StoreError> {
    let mut out: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for chunk in mention_ids.chunks(500) {
        let rows: Vec<(i64, String)> = mention_topics::table
            .inner_join(topics::table)
            .filter(mention_topics::mention_id.eq_any(chunk))
            .select((mention_topics::mention_id, topics::name))
            .order(topics::name.asc())
            .load(conn)?;
        for (id, name) in rows {
            out.entry(id).or_default().push(name);
        }
    }
    Ok(out)
}

/// The channels mentions were stored under, alphabetically (for filter choices).
pub fn list_channels(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    Ok(mentions::table
        .select(mentions::channel)
        .distinct()
        .order(mentions::channel.asc())
        .load(conn)?)
}

/// A mention as the CSV export shows it, with its brand.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct MentionExportRow {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub brand: String,
    pub own: bool,
    pub channel: String,
    pub kind: String,
    pub author: String,
    pub author_reach: Option<i64>,
    pub sentiment: String,
    pub url: Option<String>,
    pub text: String,
}

/// One page of the mentions export: mentions with `occurred_at` in `[from, to)` (`None`
/// does not bound), in id order, at most `limit` after id `after_id` (keyset paging).
pub fn list_for_export(
    conn: &mut DbConnection,
    from: Option<NaiveDateTime>,
    to: Option<NaiveDateTime>,
    after_id: Option<i64>,
    limit: i64,
) -> Result<Vec<MentionExportRow>, StoreError> {
    let mut query = mentions::table.inner_join(brands::table).into_boxed();
    if let Some(from) = from {
        query = query.filter(mentions::occurred_at.ge(from));
    }
    if let Some(to) = to {
        query = query.filter(mentions::occurred_at.lt(to));
    }
    if let Some(after) = after_id {
        query = query.filter(mentions::id.gt(after));
    }
    Ok(query
        .select((
            mentions::id,
            mentions::occurred_at,
            brands::name,
            brands::own,
            mentions::channel,
            mentions::kind,
            mentions::author,
            mentions::author_reach,
            mentions::sentiment,
            mentions::url,
            mentions::body,
        ))
        .order(mentions::id.asc())
        .limit(limit)
        .load(conn)?)
}
