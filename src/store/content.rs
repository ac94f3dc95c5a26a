//! The content library: items employees share, with their topics and suggested texts;
//! creating, changing (which re-tags the item's existing links when its URL or campaign
//! changes), archiving and pinning them; the admin list and the employee feed.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::tx::write_transaction;
use super::{campaigns, insert_returning_id, now, topics, StoreError};
use crate::db::schema::{
    content, content_texts, content_topics, employees, shares, topics as topics_t,
};
use crate::db::DbConnection;
use crate::domain::content::Origin;
use crate::domain::network::Network;
use crate::domain::person::Label;
use crate::domain::share;
use crate::domain::utm::DestinationUrl;

/// A content item as the API shows one. `topics` are names, sorted; `suggested_texts`
/// are the texts of their own per network (API name → text), `suggested_text` the one for
/// the other networks.
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
    pub suggested_texts: BTreeMap<String, String>,
    pub preview_image_url: Option<String>,
    pub click_param: bool,
    pub pinned: bool,
    pub archived: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Content {
    /// The network texts as domain pairs, in [`Network::ALL`] order.
    pub fn network_texts(&self) -> Vec<(Network, String)> {
        Network::ALL
            .into_iter()
            .filter_map(|n| {
                self.suggested_texts
                    .get(n.as_str())
                    .map(|text| (n, text.clone()))
            })
            .collect()
    }

    /// The text offered when sharing on `network` (its own, else the general one).
    pub fn text_for(&self, network: Network) -> Option<String> {
        let texts = self.network_texts();
        crate::domain::content::text_for(network, self.suggested_text.as_deref(), &texts)
            .map(str::to_owned)
    }
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

/// Why a content item was not created or changed.
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
    preview_image_url: Option<String>,
    click_param: bool,
    pinned: bool,
    created_at: NaiveDateTime,
    archived_at: Option<NaiveDateTime>,
}

impl ContentRow {
    fn into_content(self, topics: Vec<String>, texts: BTreeMap<String, String>) -> Content {
        Content {
            id: self.id,
            title: self.title,
            url: self.url,
            campaign_id: self.campaign_id,
            topics,
            origin: self.origin,
            author_employee_id: self.author_employee_id,
            suggested_text: self.suggested_text,
            suggested_texts: texts,
            preview_image_url: self.preview_image_url,
            click_param: self.click_param,
            pinned: self.pinned,
            archived: self.archived_at.is_some(),
            archived_at: self.archived_at.map(|t| t.and_utc()),
            created_at: self.created_at.and_utc(),
        }
    }
}

/// Topic names and network texts of the items loaded, handed out row by row.
struct Extras {
    topics: HashMap<i64, Vec<String>>,
    texts: HashMap<i64, BTreeMap<String, String>>,
}

impl Extras {
    fn load(conn: &mut DbConnection, only: Option<i64>) -> Result<Extras, StoreError> {
        Ok(Extras {
            topics: topic_names(conn, only)?,
            texts: network_texts(conn, only)?,
        })
    }

    fn content(&mut self, row: ContentRow) -> Content {
        let topics = self.topics.remove(&row.id).unwrap_or_default();
        let texts = self.texts.remove(&row.id).unwrap_or_default();
        row.into_content(topics, texts)
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
            suggested_texts: BTreeMap::new(),
            preview_image_url: None,
            click_param: new.click_param,
            pinned: false,
            archived: false,
            archived_at: None,
            created_at: created_at.and_utc(),
        })
    })
}

/// Content newest first: the items not archived, or (`include_archived`) all of them.
pub fn list(conn: &mut DbConnection, include_archived: bool) -> Result<Vec<Content>, StoreError> {
    let mut query = content::table
        .select(ContentRow::as_select())
        .order((content::created_at.desc(), content::id.desc()))
        .into_boxed();
    if !include_archived {
        query = query.filter(content::archived_at.is_null());
    }
    let rows: Vec<ContentRow> = query.load(conn)?;
    let mut extras = Extras::load(conn, None)?;
    Ok(rows.into_iter().map(|row| extras.content(row)).collect())
}

/// One content item by id (archived or not).
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<Content, StoreError> {
    let row: ContentRow = content::table
        .find(id)
        .select(ContentRow::as_select())
        .first(conn)?;
    Ok(Extras::load(conn, Some(id))?.content(row))
}

/// Network texts per content id (of one item, or of all).
fn network_texts(
    conn: &mut DbConnection,
    only: Option<i64>,
) -> Result<HashMap<i64, BTreeMap<String, String>>, StoreError> {
    let mut query = content_texts::table
        .select((
            content_texts::content_id,
            content_texts::network,
            content_texts::text,
        ))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(content_texts::content_id.eq(id));
    }
    let rows: Vec<(i64, String, String)> = query.load(conn)?;
    let mut by_content: HashMap<i64, BTreeMap<String, String>> = HashMap::new();
    for (content_id, network, text) in rows {
        by_content
            .entry(content_id)
            .or_default()
            .insert(network, text);
    }
    Ok(by_content)
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

/// The feed: content not archived, pinned items first, then newest first, with `filter`
/// applied; returns the page of at most `filter.limit` items and how many matched in all.
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
        .order((
            content::pinned.desc(),
            content::created_at.desc(),
            content::id.desc(),
        ))
        .into_boxed();
    if let Some(id) = filter.campaign_id {
        query = query.filter(content::campaign_id.eq(id));
    }
    let rows: Vec<(ContentRow, Option<String>, Option<String>)> = query.load(conn)?;
    let mut topics = topic_names(conn, None)?;
    let mut texts = network_texts(conn, None)?;
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
                content: {
                    let own = texts.remove(&row.id).unwrap_or_default();
                    row.into_content(names, own)
                },
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

// ---------------------------------------------------------------------------------------
// Changes
// ---------------------------------------------------------------------------------------

/// Changes to a content item, already parsed; `None` fields stay as they are.
#[derive(Debug, Default)]
pub struct ContentChanges {
    pub title: Option<Label>,
    pub url: Option<DestinationUrl>,
    /// `Some(None)` detaches the item from its campaign.
    pub campaign_id: Option<Option<i64>>,
    /// The whole new set of topics (created by name when missing).
    pub topics: Option<Vec<Label>>,
    pub suggested_text: Option<Option<String>>,
    /// Per network: `Some(text)` sets the network's own text, `None` removes it (the
    /// general text applies again). Networks not named keep theirs.
    pub network_texts: Vec<(Network, Option<String>)>,
    pub preview_image_url: Option<Option<String>>,
    pub click_param: Option<bool>,
    /// `Some(true)` archives (keeping the first archiving time), `Some(false)` restores.
    pub archived: Option<bool>,
    pub pinned: Option<bool>,
}

/// A changed item, and the slugs of its links whose redirect changed (new destination or
/// click-id switch): the caller drops them from the link cache.
#[derive(Debug)]
pub struct ContentUpdated {
    pub content: Content,
    pub relinked: Vec<String>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = content)]
struct ContentChangeset {
    title: Option<String>,
    url: Option<String>,
    campaign_id: Option<Option<i64>>,
    suggested_text: Option<Option<String>>,
    preview_image_url: Option<Option<String>>,
    click_param: Option<bool>,
    pinned: Option<bool>,
    archived_at: Option<Option<NaiveDateTime>>,
}

impl ContentChangeset {
    fn is_empty(&self) -> bool {
        self.title.is_none()
            && self.url.is_none()
            && self.campaign_id.is_none()
            && self.suggested_text.is_none()
            && self.preview_image_url.is_none()
            && self.click_param.is_none()
            && self.pinned.is_none()
            && self.archived_at.is_none()
    }
}

/// Applies `changes` to item `id` in one transaction and returns it as it is afterwards.
///
/// Existing links keep their slugs and tokens. When the URL or the campaign changes, each
/// link's destination is tagged anew (the content URL with the new campaign's UTM values);
/// when the click-id switch changes, redirects follow it. Archived items keep redirecting
/// but get no new shares (see `shares::create`) and leave the feed.
///
/// # Errors
/// `ContentRefused::Store(StoreError::NotFound)` for an unknown id,
/// [`ContentRefused::UnknownCampaign`] for a campaign that does not exist.
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    changes: &ContentChanges,
) -> Result<ContentUpdated, ContentRefused> {
    write_transaction(conn, |conn| {
        let (url, campaign_id, click_param, archived_at): (
            String,
            Option<i64>,
            bool,
            Option<NaiveDateTime>,
        ) = content::table
            .find(id)
            .select((
                content::url,
                content::campaign_id,
                content::click_param,
                content::archived_at,
            ))
            .first(conn)
            .map_err(StoreError::from)?;
        if let Some(Some(campaign)) = changes.campaign_id {
            if !campaigns::exists(conn, campaign)? {
                return Err(ContentRefused::UnknownCampaign);
            }
        }
        let set = ContentChangeset {
            title: changes.title.as_ref().map(|t| t.as_str().to_owned()),
            url: changes.url.as_ref().map(|u| u.as_str().to_owned()),
            campaign_id: changes.campaign_id,
            suggested_text: changes.suggested_text.clone(),
            preview_image_url: changes.preview_image_url.clone(),
            click_param: changes.click_param,
            pinned: changes.pinned,
            archived_at: changes
                .archived
                .map(|archive| archive.then(|| archived_at.unwrap_or_else(now))),
        };
        if !set.is_empty() {
            diesel::update(content::table.find(id))
                .set(&set)
                .execute(conn)?;
        }
        if let Some(new_topics) = &changes.topics {
            diesel::delete(content_topics::table.filter(content_topics::content_id.eq(id)))
                .execute(conn)?;
            for topic in topics::find_or_insert_all(conn, new_topics)? {
                diesel::insert_into(content_topics::table)
                    .values((
                        content_topics::content_id.eq(id),
                        content_topics::topic_id.eq(topic.id),
                    ))
                    .execute(conn)?;
            }
        }
        for (network, text) in &changes.network_texts {
            let mine = content_texts::table
                .filter(content_texts::content_id.eq(id))
                .filter(content_texts::network.eq(network.as_str()));
            diesel::delete(mine).execute(conn)?;
            if let Some(text) = text {
                diesel::insert_into(content_texts::table)
                    .values((
                        content_texts::content_id.eq(id),
                        content_texts::network.eq(network.as_str()),
                        content_texts::text.eq(text),
                    ))
                    .execute(conn)?;
            }
        }
        let url_changed = changes.url.as_ref().is_some_and(|u| u.as_str() != url);
        let campaign_changed = changes.campaign_id.is_some_and(|c| c != campaign_id);
        let mut relinked = if url_changed || campaign_changed {
            retag(conn, id)?
        } else {
            Vec::new()
        };
        if changes.click_param.is_some_and(|c| c != click_param) {
            relinked = shares::table
                .filter(shares::content_id.eq(id))
                .select(shares::slug)
                .load(conn)?;
        }
        Ok(ContentUpdated {
            content: find_by_id(conn, id)?,
            relinked,
        })
    })
}

/// Tags every link of item `id` anew from the item's URL and campaign as stored (each
/// link keeps its slug, network and token); returns the slugs whose destination changed.
pub(super) fn retag(conn: &mut DbConnection, id: i64) -> Result<Vec<String>, StoreError> {
    let (url, campaign_id): (String, Option<i64>) = content::table
        .find(id)
        .select((content::url, content::campaign_id))
        .first(conn)?;
    let url = DestinationUrl::parse(&url)
        .map_err(|e| StoreError::Query(diesel::result::Error::DeserializationError(Box::new(e))))?;
    let campaign = match campaign_id {
        Some(c) => campaigns::find_utm(conn, c)?,
        None => None,
    };
    let links: Vec<(i64, String, String, String, String)> = shares::table
        .filter(shares::content_id.eq(id))
        .select((
            shares::id,
            shares::slug,
            shares::network,
            shares::token,
            shares::destination,
        ))
        .load(conn)?;
    let mut changed = Vec::new();
    for (share_id, slug, network, token, old) in links {
        let Ok(network) = Network::parse(&network) else {
            continue;
        };
        let destination = share::destination(&url, network, campaign.as_ref(), &token);
        if destination != old {
            diesel::update(shares::table.find(share_id))
                .set(shares::destination.eq(&destination))
                .execute(conn)?;
            changed.push(slug);
        }
    }
    Ok(changed)
}

// ---------------------------------------------------------------------------------------
// The admin list
// ---------------------------------------------------------------------------------------

/// What the admin list asks for: words in the title, URL or a topic (case-insensitive,
/// any language), a campaign, and the archived items instead of the current ones.
#[derive(Debug, Clone, Default)]
pub struct AdminFilter {
    pub search: Option<String>,
    pub campaign_id: Option<i64>,
    pub archived: bool,
}

/// One row of the admin list.
#[derive(Debug, Clone)]
pub struct AdminItem {
    pub content: Content,
    pub campaign: Option<String>,
    /// Links made for the item (by every employee, on every network).
    pub shares: i64,
}

/// The admin list: current (or archived) items, pinned first, then newest; matched in
/// Rust as [`list_feed`] does, for one answer on both engines.
pub fn list_admin(
    conn: &mut DbConnection,
    filter: &AdminFilter,
) -> Result<Vec<AdminItem>, StoreError> {
    use crate::db::schema::campaigns as campaigns_t;
    let mut query = content::table
        .left_join(campaigns_t::table)
        .select((ContentRow::as_select(), campaigns_t::name.nullable()))
        .order((
            content::pinned.desc(),
            content::created_at.desc(),
            content::id.desc(),
        ))
        .into_boxed();
    query = if filter.archived {
        query.filter(content::archived_at.is_not_null())
    } else {
        query.filter(content::archived_at.is_null())
    };
    if let Some(id) = filter.campaign_id {
        query = query.filter(content::campaign_id.eq(id));
    }
    let rows: Vec<(ContentRow, Option<String>)> = query.load(conn)?;
    let counts: Vec<(i64, i64)> = shares::table
        .group_by(shares::content_id)
        .select((shares::content_id, diesel::dsl::count_star()))
        .load(conn)?;
    let counts: HashMap<i64, i64> = counts.into_iter().collect();
    let mut extras = Extras::load(conn, None)?;
    let words: Vec<String> = filter
        .search
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    Ok(rows
        .into_iter()
        .map(|(row, campaign)| (extras.content(row), campaign))
        .filter(|(c, _)| {
            let haystack = format!("{} {} {}", c.title, c.url, c.topics.join(" ")).to_lowercase();
            words.iter().all(|w| haystack.contains(w.as_str()))
        })
        .map(|(content, campaign)| AdminItem {
            shares: counts.get(&content.id).copied().unwrap_or(0),
            content,
            campaign,
        })
        .collect())
}
