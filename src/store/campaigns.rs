//! Campaigns: their `utm_campaign` value (unique), dates and UTM overrides.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;

use super::{insert_returning_id, now, StoreError};
use crate::db::schema::campaigns;
use crate::db::DbConnection;
use crate::domain::campaign::UtmValue;
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
        created_at: created_at.and_utc(),
    })
}

/// Campaigns not archived, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Campaign>, StoreError> {
    let rows: Vec<CampaignRow> = campaigns::table
        .filter(campaigns::archived_at.is_null())
        .select(CampaignRow::as_select())
        .order((campaigns::created_at.desc(), campaigns::id.desc()))
        .load(conn)?;
    Ok(rows.into_iter().map(Campaign::from).collect())
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
