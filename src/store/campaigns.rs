//! Campaigns: their `utm_campaign` value (unique), dates and UTM overrides; creating,
//! changing (which re-tags the links of the campaign's content when a UTM value changes)
//! and archiving them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::tx::write_transaction;
use super::{insert_returning_id, now, StoreError};
use crate::db::schema::{campaigns, content};
use crate::db::DbConnection;
use crate::domain::campaign::{self, EndsBeforeStarts, InvalidUtmValue, UtmValue};
use crate::domain::person::Label;
use crate::domain::share::CampaignUtm;

/// A campaign as the API shows one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub utm_campaign: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub goal: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    pub utm_overwrite: bool,
    pub archived: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What creating a campaign needs, already parsed (dates already checked).
pub struct NewCampaign {
    pub name: Label,
    pub utm_campaign: UtmValue,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub goal: Option<Label>,
    pub utm_source: Option<UtmValue>,
    pub utm_medium: Option<UtmValue>,
    pub utm_overwrite: bool,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = campaigns)]
struct CampaignRow {
    id: i64,
    name: String,
    utm_campaign: String,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    goal: Option<String>,
    utm_source: Option<String>,
    utm_medium: Option<String>,
    utm_overwrite: bool,
    created_at: NaiveDateTime,
    archived_at: Option<NaiveDateTime>,
}

impl From<CampaignRow> for Campaign {
    fn from(row: CampaignRow) -> Campaign {
        Campaign {
            id: row.id,
            name: row.name,
            utm_campaign: row.utm_campaign,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            goal: row.goal,
            utm_source: row.utm_source,
            utm_medium: row.utm_medium,
            utm_overwrite: row.utm_overwrite,
            archived: row.archived_at.is_some(),
            archived_at: row.archived_at.map(|t| t.and_utc()),
            created_at: row.created_at.and_utc(),
        }
    }
}

/// Creates a campaign. A taken `utm_campaign` is `StoreError::Conflict` (the only unique
/// column).
pub fn insert(conn: &mut DbConnection, new: NewCampaign) -> Result<Campaign, StoreError> {
    let created_at = now();
    let utm_source = new.utm_source.map(UtmValue::into_string);
    let utm_medium = new.utm_medium.map(UtmValue::into_string);
    let goal = new.goal.map(Label::into_string);
    let id = insert_returning_id!(
        conn,
        campaigns::table,
        (
            campaigns::name.eq(new.name.as_str()),
            campaigns::utm_campaign.eq(new.utm_campaign.as_str()),
            campaigns::starts_on.eq(new.starts_on),
            campaigns::ends_on.eq(new.ends_on),
            campaigns::goal.eq(goal.as_deref()),
            campaigns::utm_source.eq(utm_source.as_deref()),
            campaigns::utm_medium.eq(utm_medium.as_deref()),
            campaigns::utm_overwrite.eq(new.utm_overwrite),
            campaigns::created_at.eq(created_at),
        ),
        campaigns::id
    )?;
    Ok(Campaign {
        id,
        name: new.name.into_string(),
        utm_campaign: new.utm_campaign.into_string(),
        starts_on: new.starts_on,
        ends_on: new.ends_on,
        goal,
        utm_source,
        utm_medium,
        utm_overwrite: new.utm_overwrite,
        archived: false,
        archived_at: None,
        created_at: created_at.and_utc(),
    })
}

/// Campaigns not archived, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Campaign>, StoreError> {
    list_archived(conn, false)
}

/// Campaigns newest first: the current ones, or (`archived`) the archived ones only.
pub fn list_archived(conn: &mut DbConnection, archived: bool) -> Result<Vec<Campaign>, StoreError> {
    let mut query = campaigns::table
        .select(CampaignRow::as_select())
        .order((campaigns::created_at.desc(), campaigns::id.desc()))
        .into_boxed();
    query = if archived {
        query.filter(campaigns::archived_at.is_not_null())
    } else {
        query.filter(campaigns::archived_at.is_null())
    };
    let rows: Vec<CampaignRow> = query.load(conn)?;
    Ok(rows.into_iter().map(Campaign::from).collect())
}

/// Every campaign, archived or not, newest first (for the API's `include_archived`).
pub fn list_all(conn: &mut DbConnection) -> Result<Vec<Campaign>, StoreError> {
    let rows: Vec<CampaignRow> = campaigns::table
        .select(CampaignRow::as_select())
        .order((campaigns::created_at.desc(), campaigns::id.desc()))
        .load(conn)?;
    Ok(rows.into_iter().map(Campaign::from).collect())
}

/// How many content items (archived or not) each campaign has; campaigns without any are
/// absent.
pub fn content_counts(conn: &mut DbConnection) -> Result<HashMap<i64, i64>, StoreError> {
    let rows: Vec<(Option<i64>, i64)> = content::table
        .filter(content::campaign_id.is_not_null())
        .group_by(content::campaign_id)
        .select((content::campaign_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect())
}

/// One campaign by id (archived or not).
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<Campaign, StoreError> {
    let row: CampaignRow = campaigns::table
        .find(id)
        .select(CampaignRow::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// Whether a campaign with this id exists (archived or not).
pub fn exists(conn: &mut DbConnection, id: i64) -> Result<bool, StoreError> {
    let n: i64 = campaigns::table
        .filter(campaigns::id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What the campaign contributes to its links' UTM tags; `None` when it does not exist.
pub fn find_utm(conn: &mut DbConnection, id: i64) -> Result<Option<CampaignUtm>, StoreError> {
    let row: Option<(String, Option<String>, Option<String>, bool)> = campaigns::table
        .find(id)
        .select((
            campaigns::utm_campaign,
            campaigns::utm_source,
            campaigns::utm_medium,
            campaigns::utm_overwrite,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(utm_campaign, utm_source, utm_medium, utm_overwrite)| CampaignUtm {
            id,
            utm_campaign,
            utm_source,
            utm_medium,
            utm_overwrite,
        },
    ))
}

/// How a change sets `utm_campaign`.
#[derive(Debug, Clone, Default)]
pub enum UtmCampaignChange {
    #[default]
    Keep,
    Set(UtmValue),
    /// Derived from the campaign's name (the new one, when the name changes too).
    Derive,
}

/// Changes to a campaign, already parsed; `None` fields stay as they are.
#[derive(Debug, Default)]
pub struct CampaignChanges {
    pub name: Option<Label>,
    pub utm_campaign: UtmCampaignChange,
    /// `Some(None)` removes the date.
    pub starts_on: Option<Option<NaiveDate>>,
    pub ends_on: Option<Option<NaiveDate>>,
    pub goal: Option<Option<Label>>,
    /// `Some(None)`: back to each network's GA4 source.
    pub utm_source: Option<Option<UtmValue>>,
    /// `Some(None)`: back to `social`.
    pub utm_medium: Option<Option<UtmValue>>,
    pub utm_overwrite: Option<bool>,
    /// `Some(true)` archives (keeping the first archiving time), `Some(false)` restores.
    pub archived: Option<bool>,
}

/// Why a campaign was not changed.
#[derive(Debug, thiserror::Error)]
pub enum CampaignRefused {
    /// Another campaign uses this `utm_campaign`.
    #[error("utm_campaign {0:?} is taken")]
    UtmCampaignTaken(String),
    /// The dates, once changed, would end before they start.
    #[error(transparent)]
    Dates(#[from] EndsBeforeStarts),
    /// `utm_campaign` was to be derived from a name without letters or digits.
    #[error(transparent)]
    Utm(#[from] InvalidUtmValue),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<diesel::result::Error> for CampaignRefused {
    fn from(err: diesel::result::Error) -> CampaignRefused {
        CampaignRefused::Store(err.into())
    }
}

/// A changed campaign, and the slugs of the links whose destination changed.
#[derive(Debug)]
pub struct CampaignUpdated {
    pub campaign: Campaign,
    pub relinked: Vec<String>,
}

#[derive(AsChangeset)]
#[diesel(table_name = campaigns)]
struct CampaignChangeset {
    name: Option<String>,
    utm_campaign: Option<String>,
    starts_on: Option<Option<NaiveDate>>,
    ends_on: Option<Option<NaiveDate>>,
    goal: Option<Option<String>>,
    utm_source: Option<Option<String>>,
    utm_medium: Option<Option<String>>,
    utm_overwrite: Option<bool>,
    archived_at: Option<Option<NaiveDateTime>>,
}

/// Applies `changes` to campaign `id` in one transaction and returns it as it is
/// afterwards. The dates are checked as they will be (a new `ends_on` against the stored
/// `starts_on`, say). When a UTM value or the overwrite switch changes, every link of the
/// campaign's content is tagged anew (same slugs, same tokens).
///
/// # Errors
/// `CampaignRefused::Store(StoreError::NotFound)` for an unknown id;
/// [`CampaignRefused::UtmCampaignTaken`], [`CampaignRefused::Dates`],
/// [`CampaignRefused::Utm`] (nothing to derive from the name).
pub fn update(
    conn: &mut DbConnection,
    id: i64,
    changes: &CampaignChanges,
) -> Result<CampaignUpdated, CampaignRefused> {
    write_transaction(conn, |conn| {
        let current: Campaign = campaigns::table
            .find(id)
            .select(CampaignRow::as_select())
            .first(conn)
            .map(Campaign::from)?;
        let name = changes
            .name
            .as_ref()
            .map_or(current.name.as_str(), Label::as_str);
        let utm_campaign = match &changes.utm_campaign {
            UtmCampaignChange::Keep => None,
            UtmCampaignChange::Set(v) => Some(v.as_str().to_owned()),
            UtmCampaignChange::Derive => Some(UtmValue::from_name(name)?.into_string()),
        };
        let starts = changes.starts_on.unwrap_or(current.starts_on);
        let ends = changes.ends_on.unwrap_or(current.ends_on);
        campaign::check_dates(starts, ends)?;
        if let Some(value) = &utm_campaign {
            let taken: i64 = campaigns::table
                .filter(campaigns::utm_campaign.eq(value))
                .filter(campaigns::id.ne(id))
                .count()
                .get_result(conn)?;
            if taken > 0 {
                return Err(CampaignRefused::UtmCampaignTaken(value.clone()));
            }
        }
        let text = |v: &Option<UtmValue>| v.as_ref().map(|v| v.as_str().to_owned());
        let set = CampaignChangeset {
            name: changes.name.as_ref().map(|n| n.as_str().to_owned()),
            utm_campaign: utm_campaign.clone(),
            starts_on: changes.starts_on,
            ends_on: changes.ends_on,
            goal: changes
                .goal
                .as_ref()
                .map(|g| g.as_ref().map(|g| g.as_str().to_owned())),
            utm_source: changes.utm_source.as_ref().map(text),
            utm_medium: changes.utm_medium.as_ref().map(text),
            utm_overwrite: changes.utm_overwrite,
            archived_at: changes.archived.map(|archive| {
                archive.then(|| current.archived_at.map_or_else(now, |t| t.naive_utc()))
            }),
        };
        let retag = utm_campaign
            .as_ref()
            .is_some_and(|v| *v != current.utm_campaign)
            || set
                .utm_source
                .as_ref()
                .is_some_and(|v| *v != current.utm_source)
            || set
                .utm_medium
                .as_ref()
                .is_some_and(|v| *v != current.utm_medium)
            || set
                .utm_overwrite
                .is_some_and(|v| v != current.utm_overwrite);
        let changed = set.name.is_some()
            || set.utm_campaign.is_some()
            || set.starts_on.is_some()
            || set.ends_on.is_some()
            || set.goal.is_some()
            || set.utm_source.is_some()
            || set.utm_medium.is_some()
            || set.utm_overwrite.is_some()
            || set.archived_at.is_some();
        if changed {
            diesel::update(campaigns::table.find(id))
                .set(&set)
                .execute(conn)
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict(_) => {
                        CampaignRefused::UtmCampaignTaken(utm_campaign.clone().unwrap_or_default())
                    }
                    other => CampaignRefused::Store(other),
                })?;
        }
        let mut relinked = Vec::new();
        if retag {
            let items: Vec<i64> = content::table
                .filter(content::campaign_id.eq(id))
                .select(content::id)
                .load(conn)?;
            for item in items {
                relinked.extend(super::content::retag(conn, item)?);
            }
        }
        Ok(CampaignUpdated {
            campaign: find_by_id(conn, id)?,
            relinked,
        })
    })
}
