//! Inputs of the brand and customer-care KPIs (DESIGN.md §5): the mentions and support
//! cases of a period, as figures per local day. Nothing here decides what a KPI means;
//! `domain::kpi` does, called by `app::kpis`.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, max};
use diesel::prelude::*;

use super::StoreError;
use crate::db::schema::{brand_keywords, brands, mentions, support_cases};
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
}

/// How often one author mentioned the own brand or the competitors on one day, with one
/// sentiment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentionFact {
    pub day: NaiveDate,
    pub author: String,
    pub own: bool,
    pub positive: bool,
    pub mentions: i64,
}

/// Mention counts per day, author, brand side and sentiment.
pub fn mention_facts(
    conn: &mut DbConnection,
    f: &SocialFilter,
) -> Result<Vec<MentionFact>, StoreError> {
    // Grouped on the mentions table alone (by brand), then the few brands looked up: a
    // GROUP BY across the join would name a column of each table.
    let own: HashMap<i64, bool> = brands::table
        .select((brands::id, brands::own))
        .load::<(i64, bool)>(conn)?
        .into_iter()
        .collect();
    let mut q = mentions::table
        .filter(mentions::day.ge(f.first_day))
        .filter(mentions::day.le(f.last_day))
        .group_by((
            mentions::day,
            mentions::author,
            mentions::brand_id,
            mentions::sentiment,
        ))
        .select((
            mentions::day,
            mentions::author,
            mentions::brand_id,
            mentions::sentiment,
            count_star(),
        ))
        .into_boxed();
    if let Some(channel) = &f.channel {
        q = q.filter(mentions::channel.eq(channel.clone()));
    }
    let positive = Sentiment::Positive.as_str();
    Ok(q.load::<(NaiveDate, String, i64, String, i64)>(conn)?
        .into_iter()
        .map(|(day, author, brand, sentiment, mentions)| MentionFact {
            day,
            author,
            own: own.get(&brand).copied().unwrap_or(false),
            positive: sentiment == positive,
            mentions,
        })
        .collect())
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
    let own_brands = brands::table
        .filter(brands::own.eq(true))
        .select(brands::id);
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
    let mut q = mentions::table
        .inner_join(brands::table)
        .filter(brands::own.eq(true))
        .filter(mentions::day.ge(f.first_day))
        .filter(mentions::day.le(f.last_day))
        .select((mentions::day, mentions::body))
        .into_boxed();
    if let Some(channel) = &f.channel {
        q = q.filter(mentions::channel.eq(channel.clone()));
    }
    Ok(q.load(conn)?)
}

/// The own brand's intended attributes (keywords marketing wants associated with it).
pub fn intended_attributes(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    Ok(brand_keywords::table
        .inner_join(brands::table)
        .filter(brands::own.eq(true))
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
        q.load::<(NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>)>(conn)?
            .into_iter()
            .map(|(opened_at, first_response_at, resolved_at)| CaseTimes {
                opened_at,
                first_response_at,
                resolved_at,
            })
            .collect(),
    )
}
