//! The content library: items employees share, with their topics.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::tx::write_transaction;
use super::{campaigns, insert_returning_id, now, topics, StoreError};
use crate::db::schema::{content, content_topics, employees, topics as topics_t};
use crate::db::DbConnection;
use crate::domain::content::Origin;
use crate::domain::person::Label;
use crate::domain::utm::DestinationUrl;

/// A content item as the API shows one. `topics` are names, sorted.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Content {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub campaign_id: Option<i64>,
    pub topics: Vec<String>,
    pub origin: String,
    pub author_employee_id: Option<i64>,
    pub suggested_text: Option<String>,
    pub click_param: bool,
    pub created_at: DateTime<Utc>,
}

/// What creating a content item needs, already parsed.
pub struct NewContent {
    pub title: Label,
    pub url: DestinationUrl,
    pub campaign_id: Option<i64>,
    pub topics: Vec<Label>,
    pub origin: Origin,
    pub author_employee_id: Option<i64>,
    pub suggested_text: Option<String>,
    pub click_param: bool,
}

/// Why a content item was not created.
#[derive(Debug, thiserror::Error)]
pub enum ContentRefused {
    #[error("no campaign with this id")]
    UnknownCampaign,
    #[error("no employee with this id")]
    UnknownAuthor,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for ContentRefused {
    fn from(err: diesel::result::Error) -> ContentRefused {
        ContentRefused::Store(err.into())
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = content)]
struct ContentRow {
    id: i64,
    title: String,
    url: String,
    campaign_id: Option<i64>,
    origin: String,
    author_employee_id: Option<i64>,
    suggested_text: Option<String>,
    click_param: bool,
    created_at: NaiveDateTime,
}

impl ContentRow {
    fn into_content(self, topics: Vec<String>) -> Content {
        Content {
            id: self.id,
            title: self.title,
            url: self.url,
            campaign_id: self.campaign_id,
            topics,
            origin: self.origin,
            author_employee_id: self.author_employee_id,
            suggested_text: self.suggested_text,
            click_param: self.click_param,
            created_at: self.created_at.and_utc(),
        }
    }
}

/// Creates a content item and tags it with its topics (created when missing), all in
/// one transaction: a refused item leaves no new topic behind.
pub fn insert(conn: &mut DbConnection, new: NewContent) -> Result<Content, ContentRefused> {
    insert_at(conn, new, now())
}

/// [`insert`] for an item added at `created_at` (UTC) rather than now: demo and seed data
/// (`crate::demo`), whose content appeared over the weeks it was shared.
///
/// # Errors
/// As [`insert`].
pub fn insert_at(
    conn: &mut DbConnection,
    new: NewContent,
    created_at: NaiveDateTime,
) -> Result<Content, ContentRefused> {
    write_transaction(conn, |conn| {
        if let Some(id) = new.campaign_id {
            if !campaigns::exists(conn, id)? {
                return Err(ContentRefused::UnknownCampaign);
            }
        }
        if let Some(id) = new.author_employee_id {
            let n: i64 = employees::table
                .filter(employees::id.eq(id).and(employees::erased_at.is_null()))
                .count()
                .get_result(conn)?;
            if n == 0 {
                return Err(ContentRefused::UnknownAuthor);
            }
        }
        let id = insert_returning_id!(
            conn,
            content::table,
            (
                content::title.eq(new.title.as_str()),
                content::url.eq(new.url.as_str()),
                content::suggested_text.eq(new.suggested_text.as_deref()),
                content::campaign_id.eq(new.campaign_id),
                content::origin.eq(new.origin.as_str()),
                content::author_employee_id.eq(new.author_employee_id),
                content::click_param.eq(new.click_param),
                content::created_at.eq(created_at),
            ),
            content::id
        )?;
        let tagged = topics::find_or_insert_all(conn, &new.topics)?;
        for topic in &tagged {
            diesel::insert_into(content_topics::table)
                .values((
                    content_topics::content_id.eq(id),
                    content_topics::topic_id.eq(topic.id),
                ))
                .execute(conn)?;
        }
        let mut topic_names: Vec<String> = tagged.into_iter().map(|t| t.name).collect();
        topic_names.sort();
        Ok(Content {
            id,
            title: new.title.into_string(),
            url: new.url.into_string(),
            campaign_id: new.campaign_id,
            topics: topic_names,
            origin: new.origin.as_str().to_owned(),
            author_employee_id: new.author_employee_id,
            suggested_text: new.suggested_text,
            click_param: new.click_param,
            created_at: created_at.and_utc(),
        })
    })
}

/// Content not archived, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Content>, StoreError> {
    let rows: Vec<ContentRow> = content::table
        .filter(content::archived_at.is_null())
        .select(ContentRow::as_select())
        .order((content::created_at.desc(), content::id.desc()))
        .load(conn)?;
    let mut topics = topic_names(conn, None)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let names = topics.remove(&row.id).unwrap_or_default();
            row.into_content(names)
        })
        .collect())
}

/// One content item by id (archived or not).
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<Content, StoreError> {
    let row: ContentRow = content::table
        .find(id)
        .select(ContentRow::as_select())
        .first(conn)?;
    let names = topic_names(conn, Some(id))?.remove(&id).unwrap_or_default();
    Ok(row.into_content(names))
}

/// Topic names per content id (of one item, or of all), each list sorted.
fn topic_names(
    conn: &mut DbConnection,
    only: Option<i64>,
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut query = content_topics::table
        .inner_join(topics_t::table)
        .select((content_topics::content_id, topics_t::name))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(content_topics::content_id.eq(id));
    }
    let pairs: Vec<(i64, String)> = query.load(conn)?;
    let mut by_content: HashMap<i64, Vec<String>> = HashMap::new();
    for (content_id, name) in pairs {
        by_content.entry(content_id).or_default().push(name);
    }
    // Sorted here, not in SQL: PostgreSQL's collation and SQLite's byte order disagree.
    for names in by_content.values_mut() {
        names.sort();
    }
    Ok(by_content)
}

/// A content item as the employee feed shows it: the item, its Open Graph image URL as
/// stored, and its campaign's name.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub content: Content,
    pub preview_image_url: Option<String>,
    pub campaign: Option<String>,
}

/// What the feed asks for: words to find in the title or a topic name (case-insensitive,
/// any language), a campaign, and how many items at most.
#[derive(Debug, Clone, Default)]
pub struct FeedFilter {
    pub search: Option<String>,
    pub campaign_id: Option<i64>,
    pub limit: usize,
}

/// The feed: content not archived, newest first (the schema has no `pinned` flag), with
/// `filter` applied; returns the page of at most `filter.limit` items and how many matched
/// in all.
///
/// The search runs here rather than in SQL: `LIKE` folds case in SQLite but not in
/// PostgreSQL, and neither folds beyond ASCII, so matching in Rust gives one answer on
/// both engines. A content library is hundreds of items, not millions.
pub fn list_feed(
    conn: &mut DbConnection,
    filter: &FeedFilter,
) -> Result<(Vec<FeedItem>, usize), StoreError> {
    use crate::db::schema::campaigns as campaigns_t;
    let mut query = content::table
        .left_join(campaigns_t::table)
        .filter(content::archived_at.is_null())
        .select((
            ContentRow::as_select(),
            content::preview_image_url,
            campaigns_t::name.nullable(),
        ))
        .order((content::created_at.desc(), content::id.desc()))
        .into_boxed();
    if let Some(id) = filter.campaign_id {
        query = query.filter(content::campaign_id.eq(id));
    }
    let rows: Vec<(ContentRow, Option<String>, Option<String>)> = query.load(conn)?;
    let mut topics = topic_names(conn, None)?;
    let words: Vec<String> = filter
        .search
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    let matching = rows.into_iter().filter_map(|(row, image, campaign)| {
        let names = topics.remove(&row.id).unwrap_or_default();
        let haystack = format!("{} {}", row.title, names.join(" ")).to_lowercase();
        words
            .iter()
            .all(|w| haystack.contains(w.as_str()))
            .then(|| FeedItem {
                content: row.into_content(names),
                preview_image_url: image,
                campaign,
            })
    });
    let mut total = 0;
    let mut page = Vec::new();
    for item in matching {
        total += 1;
        if page.len() < filter.limit {
            page.push(item);
        }
    }
    Ok((page, total))
}
