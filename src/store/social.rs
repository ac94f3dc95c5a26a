//! Inputs of the brand and customer-care KPIs (DESIGN.md §5): the mentions and support
//! cases of a period, as figures per local day. Nothing here decides what a KPI means;
//! `domain::kpi` does, called by `app::kpis`.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::dsl::{count_star, max};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::StoreError;
use crate::db::schema::{
    brand_keywords, brands, mention_topic_days, mention_topics, mentions, support_cases, topics,
};
use crate::db::time_read::{ReadDate, ReadTimestamp};
use crate::db::DbConnection;
use crate::domain::brand::KeywordKind;
use crate::domain::mention::Sentiment;
use crate::domain::support::CaseTimes;

/// What the social KPIs look at: local days (mentions carry theirs), the same period in
/// UTC (support cases count by opening time), and optionally one channel.
#[derive(Debug, Clone)]
pub struct SocialFilter {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub channel: Option<String>,
    /// The brand the KPIs are about (own or competitor); `None`: the own brand(s).
    pub brand_id: Option<i64>,
}

diesel::allow_columns_to_appear_in_same_group_by_clause!(
    mention_topics::topic_id,
    mentions::brand_id,
);

/// The brands counted as "own" by a filter: the one it names, or the own brand(s).
pub fn own_brand_ids(conn: &mut DbConnection, f: &SocialFilter) -> Result<Vec<i64>, StoreError> {
    match f.brand_id {
        Some(id) => Ok(vec![id]),
        None => Ok(brands::table
            .filter(brands::own.eq(true))
            .select(brands::id)
            .load(conn)?),
    }
}

/// How often one author mentioned the own brand or the competitors on one day, with one
/// sentiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionFact {
    pub day: NaiveDate,
    pub channel: String,
    /// The author's number (`mention_authors`).
    pub author: i64,
    pub own: bool,
    pub positive: bool,
    pub mentions: i64,
    /// The brand mentioned and the mention's sentiment (`positive`, `neutral`,
    /// `negative`): the split by brand and sentiment.
    pub brand_id: i64,
    pub sentiment: String,
    /// Of `mentions`, those whose text contains one of their brand's intended attributes
    /// (the `recognised` flag).
    pub recognised: i64,
}

/// Mention counts per day, author, brand side and sentiment.
pub fn mention_facts(
    conn: &mut DbConnection,
    f: &SocialFilter,
) -> Result<Vec<MentionFact>, StoreError> {
    // Grouped on the mentions table alone (by brand); which brands are "own" is decided
    // afterwards from the few brand ids.
    let own: HashSet<i64> = own_brand_ids(conn, f)?.into_iter().collect();
    let mut q = mentions::table
        .filter(mentions::day.ge(f.first_day))
        .filter(mentions::day.le(f.last_day))
        .group_by((
            mentions::day,
            mentions::channel,
            mentions::author_id,
            mentions::brand_id,
            mentions::sentiment,
        ))
        .select((
            mentions::day,
            mentions::channel,
            mentions::author_id,
            mentions::brand_id,
            mentions::sentiment,
            count_star(),
            sql::<BigInt>("CAST(SUM(CASE WHEN mentions.recognised THEN 1 ELSE 0 END) AS BIGINT)"),
        ))
        .into_boxed();
    if let Some(channel) = &f.channel {
        q = q.filter(mentions::channel.eq(channel.clone()));
    }
    let positive = Sentiment::Positive.as_str();
    type Row = (ReadDate, String, i64, i64, String, i64, i64);
    Ok(q.load::<Row>(conn)?
        .into_iter()
        .map(
            |(day, channel, author, brand, sentiment, mentions, recognised)| MentionFact {
                day: day.0,
                channel,
                author,
                own: own.contains(&brand),
                positive: sentiment == positive,
                mentions,
                brand_id: brand,
                sentiment,
                recognised,
            },
        )
        .collect())
}

/// Mentions of one topic in the period: of the own brand (as the filter sees it) and of
/// every brand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicFact {
    pub topic: String,
    pub own_mentions: i64,
    pub all_mentions: i64,
}

/// Mention counts per topic (share of voice by topic), topics without mentions left out.
pub fn topic_facts(
    conn: &mut DbConnection,
    f: &SocialFilter,
) -> Result<Vec<TopicFact>, StoreError> {
    let own: HashSet<i64> = own_brand_ids(conn, f)?.into_iter().collect();
    // From the per-day rollup kept with the tags, not the tags themselves.
    let mut q = mention_topic_days::table
        .filter(mention_topic_days::day.ge(f.first_day))
        .filter(mention_topic_days::day.le(f.last_day))
        .group_by((mention_topic_days::topic_id, mention_topic_days::brand_id))
        .select((
            mention_topic_days::topic_id,
            mention_topic_days::brand_id,
            sql::<BigInt>("CAST(SUM(mention_topic_days.mentions) AS BIGINT)"),
        ))
        .into_boxed();
    if let Some(channel) = &f.channel {
        q = q.filter(mention_topic_days::channel.eq(channel.clone()));
    }
    let mut per_topic: HashMap<i64, (i64, i64)> = HashMap::new();
    for (topic, brand, count) in q.load::<(i64, i64, i64)>(conn)? {
        let entry = per_topic.entry(topic).or_default();
        entry.1 = entry.1.saturating_add(count);
        if own.contains(&brand) {
            entry.0 = entry.0.saturating_add(count);
        }
    }
    let ids: Vec<i64> = per_topic.keys().copied().collect();
    let names: HashMap<i64, String> = topics::table
        .filter(topics::id.eq_any(ids))
        .select((topics::id, topics::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut out: Vec<TopicFact> = per_topic
        .into_iter()
        .filter_map(|(id, (own_mentions, all_mentions))| {
            Some(TopicFact {
                topic: names.get(&id)?.clone(),
                own_mentions,
                all_mentions,
            })
        })
        .collect();
    out.sort_by(|a, b| a.topic.cmp(&b.topic));
    Ok(out)
}

/// The id of a brand by its name, for the `brand` filter.
pub fn brand_id_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<i64>, StoreError> {
    Ok(brands::table
        .filter(brands::name.eq(name))
        .select(brands::id)
        .first(conn)
        .optional()?)
}

/// Every brand's `(id, name, own)`, by id: the rows of the split by brand.
pub fn list_brands(conn: &mut DbConnection) -> Result<Vec<(i64, String, bool)>, StoreError> {
    Ok(brands::table
        .select((brands::id, brands::name, brands::own))
        .order(brands::id.asc())
        .load(conn)?)
}

/// An author with a positive own-brand mention in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supporter {
    pub author: String,
    /// The largest reach reported with those mentions (0 when none was).
    pub reach: i64,
    /// How many positive own-brand mentions they wrote.
    pub mentions: i64,
    pub latest_mention_id: i64,
}

/// Every author with a positive own-brand mention in the period.
pub fn supporters(conn: &mut DbConnection, f: &SocialFilter) -> Result<Vec<Supporter>, StoreError> {
    let own_brands = own_brand_ids(conn, f)?;
    let mut q = mentions::table
        .filter(mentions::brand_id.eq_any(own_brands))
        .filter(mentions::sentiment.eq(Sentiment::Positive.as_str()))
        .filter(mentions::day.ge(f.first_day))
        .filter(mentions::day.le(f.last_day))
        .group_by(mentions::author)
        .select((
            mentions::author,
            max(mentions::author_reach),
            count_star(),
            max(mentions::id),
        ))
        .into_boxed();
    if let Some(channel) = &f.channel {
        q = q.filter(mentions::channel.eq(channel.clone()));
    }
    Ok(q.load::<(String, Option<i64>, i64, Option<i64>)>(conn)?
        .into_iter()
        .filter_map(|(author, reach, mentions, latest)| {
            Some(Supporter {
                author,
                reach: reach.unwrap_or(0).max(0),
                mentions,
                latest_mention_id: latest?,
            })
        })
        .collect())
}

/// The text of every own-brand mention of the period, with its day (brand attribute
/// recognition matches the intended attributes in it).
pub fn own_mention_texts(
    conn: &mut DbConnection,
    f: &SocialFilter,
) -> Result<Vec<(NaiveDate, String)>, StoreError> {
    let own_brands = own_brand_ids(conn, f)?;
    let mut q = mentions::table
        .filter(mentions::brand_id.eq_any(own_brands))
        .filter(mentions::day.ge(f.first_day))
        .filter(mentions::day.le(f.last_day))
        .select((mentions::day, mentions::body))
        .into_boxed();
    if let Some(channel) = &f.channel {
        q = q.filter(mentions::channel.eq(channel.clone()));
    }
    Ok(q.load::<(ReadDate, String)>(conn)?
        .into_iter()
        .map(|(day, text)| (day.0, text))
        .collect())
}

/// The text of the mentions of every brand on the filter's days (and channel), at most
/// `limit` of them (the latest first): what a trend's outlier lists keywords from.
pub fn mention_texts(
    conn: &mut DbConnection,
    f: &SocialFilter,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    let mut q = mentions::table
        .filter(mentions::day.ge(f.first_day))
        .filter(mentions::day.le(f.last_day))
        .select(mentions::body)
        .order(mentions::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(channel) = &f.channel {
        q = q.filter(mentions::channel.eq(channel.clone()));
    }
    Ok(q.load(conn)?)
}

/// Every brand's name and keywords (not its intended attributes): the words every
/// mention of a brand contains.
pub fn brand_words(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let mut words: Vec<String> = brands::table.select(brands::name).load(conn)?;
    words.extend(
        brand_keywords::table
            .filter(brand_keywords::kind.eq(KeywordKind::Keyword.as_str()))
            .select(brand_keywords::keyword)
            .load::<String>(conn)?,
    );
    Ok(words)
}

/// The intended attributes (keywords marketing wants associated with it) of the brand
/// the filter is about.
pub fn intended_attributes(
    conn: &mut DbConnection,
    f: &SocialFilter,
) -> Result<Vec<String>, StoreError> {
    let own_brands = own_brand_ids(conn, f)?;
    Ok(brand_keywords::table
        .filter(brand_keywords::brand_id.eq_any(own_brands))
        .filter(brand_keywords::kind.eq(KeywordKind::Attribute.as_str()))
        .select(brand_keywords::keyword)
        .load(conn)?)
}

/// The times of the support cases opened in the period.
pub fn case_times(conn: &mut DbConnection, f: &SocialFilter) -> Result<Vec<CaseTimes>, StoreError> {
    let mut q = support_cases::table
        .filter(support_cases::opened_at.ge(f.from))
        .filter(support_cases::opened_at.lt(f.to))
        .select((
            support_cases::opened_at,
            support_cases::first_response_at,
            support_cases::resolved_at,
        ))
        .into_boxed();
    if let Some(channel) = &f.channel {
        q = q.filter(support_cases::channel.eq(channel.clone()));
    }
    Ok(
        q.load::<(ReadTimestamp, Option<ReadTimestamp>, Option<ReadTimestamp>)>(conn)?
            .into_iter()
            .map(|(opened_at, first_response_at, resolved_at)| CaseTimes {
                opened_at: opened_at.0,
                first_response_at: first_response_at.map(|t| t.0),
                resolved_at: resolved_at.map(|t| t.0),
            })
            .collect(),
    )
}
