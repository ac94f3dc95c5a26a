//! Conversions: recording one with its touchpoints, last-click attribution and customer
//! continuity ([`record`], [`record_within`] for the CSV import), and reading them back for pages, exports and reports ([`list`],
//! [`list_chronological`], [`totals_by_currency`]).
//!
//! Columns that say *who earned it* (`click_id`, `share_id`, `employee_id`,
//! `campaign_id`) are filled only on attributed conversions, so any query that groups by
//! them counts attributed conversions alone; `click_ref` always keeps the click id the
//! client sent. Touchpoint rows follow the same rule per touchpoint.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

use super::tx::write_transaction;
use super::{insert_returning_id, now, per_backend, StoreError};
use crate::db::schema::{
    api_keys, campaigns, clicks, content, conversion_touchpoints, conversions, employees, shares,
};
use crate::db::DbConnection;
use crate::domain::attribution::{self, Attribution, Touch, Unattributed};
use crate::domain::conversion::{ClickRef, Currency, Kind, ValidConversion, ValueCents};

/// The currency reported for rows stored without one (none are written by Chorus itself):
/// ISO 4217's "no currency".
pub const NO_CURRENCY: &str = "XXX";

/// A conversion as the API shows one.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Conversion {
    pub id: i64,
    pub attributed: bool,
    pub share_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub kind: String,
    pub value_cents: Option<i64>,
    pub currency: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// The click id the client sent as the last click (or the newest touchpoint), whether
    /// or not it earned the conversion.
    pub click_id: Option<String>,
    pub external_id: Option<String>,
    pub customer_id: Option<String>,
    /// Why it is unattributed ([`Unattributed::as_str`]): `None` when attributed, and for
    /// unattributed rows recorded before the reason was stored (reason unknown).
    pub unattributed_reason: Option<String>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = conversions)]
struct ConversionRow {
    id: i64,
    kind: String,
    external_id: Option<String>,
    value_cents: Option<i64>,
    currency: Option<String>,
    customer_id: Option<String>,
    occurred_at: NaiveDateTime,
    click_ref: Option<String>,
    share_id: Option<i64>,
    employee_id: Option<i64>,
    campaign_id: Option<i64>,
    attributed: bool,
    /// The order id of a conversion reported with a publishable key (kept apart, see
    /// [`record_within`]).
    public_external_id: Option<String>,
    unattributed_reason: Option<String>,
}

impl From<ConversionRow> for Conversion {
    fn from(row: ConversionRow) -> Conversion {
        Conversion {
            id: row.id,
            attributed: row.attributed,
            share_id: row.share_id,
            employee_id: row.employee_id,
            campaign_id: row.campaign_id,
            kind: row.kind,
            value_cents: row.value_cents,
            currency: row.currency,
            occurred_at: row.occurred_at.and_utc(),
            click_id: row.click_ref,
            external_id: row.external_id.or(row.public_external_id),
            customer_id: row.customer_id,
            unattributed_reason: row.unattributed_reason.filter(|_| !row.attributed),
        }
    }
}

/// A conversion to record, already parsed.
#[derive(Debug, Clone)]
pub struct NewConversion {
    pub kind: Kind,
    pub value_cents: Option<ValueCents>,
    pub currency: Currency,
    pub external_id: Option<String>,
    pub customer_id: Option<String>,
    /// UTC.
    pub occurred_at: NaiveDateTime,
    /// The local day of `occurred_at` in the configured time zone.
    pub day: NaiveDate,
    /// Every click id, oldest first, the last click last
    /// ([`crate::domain::conversion::touch_sequence`]).
    pub touches: Vec<ClickRef>,
    /// The API key that reported it.
    pub api_key_id: Option<i64>,
}

/// A stored click as attribution sees it.
struct ClickFacts {
    id: i64,
    occurred_at: NaiveDateTime,
    kind: String,
    flag_reason: Option<String>,
    touch: Touch,
}

impl NewConversion {
    /// A conversion that passed [`crate::domain::conversion::validate`], to record: its
    /// local `day` in `tz`, reported by `api_key_id` (`None` for an import).
    pub fn from_valid(
        valid: ValidConversion,
        tz: chrono_tz::Tz,
        api_key_id: Option<i64>,
    ) -> NewConversion {
        NewConversion {
            day: valid.occurred_at.and_utc().with_timezone(&tz).date_naive(),
            kind: valid.kind,
            value_cents: valid.value_cents,
            currency: valid.currency,
            external_id: valid.external_id,
            customer_id: valid.customer_id,
            occurred_at: valid.occurred_at,
            touches: valid.touches,
            api_key_id,
        }
    }
}

/// What [`record_within`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub conversion: Conversion,
    /// `false` for a repeat of a stored `(kind, external_id)`, which changed nothing.
    pub created: bool,
    /// How the new conversion was attributed, or why not; `None` for a repeat.
    pub attribution: Option<Attribution>,
}

/// Records `new`, or returns the conversion already stored under the same
/// `(kind, external_id)`: `Ok((conversion, true))` when created, `Ok((first, false))` for
/// a repeat, which changes nothing. Clicks are judged at `new.occurred_at`; see
/// [`record_within`] for the rules.
pub fn record(
    conn: &mut DbConnection,
    new: &NewConversion,
    window_days: u32,
) -> Result<(Conversion, bool), StoreError> {
    record_judged(conn, new, window_days, new.occurred_at).map(|r| (r.conversion, r.created))
}

/// [`record_within`] in a write transaction of its own: a failure stores nothing.
pub fn record_judged(
    conn: &mut DbConnection,
    new: &NewConversion,
    window_days: u32,
    judged_at: NaiveDateTime,
) -> Result<Recorded, StoreError> {
    write_transaction(conn, |conn| {
        record_within(conn, new, window_days, judged_at)
    })
}

/// Records `new` in the caller's write transaction (the CSV import holds one for a whole
/// file), or returns the conversion already stored under the same `(kind, external_id)`.
///
/// Attribution (`domain::attribution`):
/// - **Last click**: the final entry of `new.touches`, when it names a stored click that
///   earns credit within `window_days` before `judged_at` ([`attribution::judge_click`];
///   `judged_at` is `occurred_at`, or the end of the day for a conversion known by its
///   date only, `ValidConversion::judged_at`). Every touch is stored in
///   `conversion_touchpoints` (position 0 = oldest), resolved by the same rule.
/// - **Customer continuity**, for a conversion without any click id but with a
///   `customer_id`: when the customer's first conversion (the earliest stored at or before
///   `occurred_at`, ties by id) is attributed, this one gets its click, share, employee
///   and campaign, and a copy of its touchpoints, so every attribution model credits the
///   same share ([`attribution::customer_continuity`]).
/// - Otherwise unattributed, for the reason returned in [`Recorded::attribution`].
pub fn record_within(
    conn: &mut DbConnection,
    new: &NewConversion,
    window_days: u32,
    judged_at: NaiveDateTime,
) -> Result<Recorded, StoreError> {
    let publishable = from_publishable_key(conn, new)?;
    if let Some(existing) = find_repeat(conn, new, publishable)? {
        return Ok(Recorded {
            conversion: existing,
            created: false,
            attribution: None,
        });
    }
    if !publishable {
        supersede_publishable(conn, new)?;
    }
    let facts = load_clicks(conn, &new.touches)?;
    let judge = |c: &ClickFacts| {
        attribution::judge_click(
            &c.kind,
            c.flag_reason.as_deref(),
            c.occurred_at,
            judged_at,
            window_days,
        )
    };
    let resolved: Vec<Option<&ClickFacts>> = new
        .touches
        .iter()
        .map(|r| facts.get(r.as_str()).filter(|c| judge(c).is_ok()))
        .collect();
    let mut acquisition: Option<Acquisition> = None;
    let outcome = match new.touches.last() {
        Some(last) => match facts.get(last.as_str()).map(judge) {
            None => Attribution::Unattributed(Unattributed::UnknownClick),
            Some(Ok(())) => Attribution::Click,
            Some(Err(reason)) => Attribution::Unattributed(reason),
        },
        None => match &new.customer_id {
            None => Attribution::Unattributed(Unattributed::NoClickId),
            Some(customer) => {
                let first = first_of_customer(conn, customer, new.occurred_at)?;
                match attribution::customer_continuity(first.as_ref().map(Acquisition::earned)) {
                    Ok(()) => {
                        acquisition = first;
                        Attribution::Customer
                    }
                    Err(reason) => Attribution::Unattributed(reason),
                }
            }
        },
    };
    // Who earned it: (click row, share, employee, campaign).
    let earned: Option<(Option<i64>, i64, i64, Option<i64>)> = match outcome {
        Attribution::Click => resolved.last().copied().flatten().map(|c| {
            (
                Some(c.id),
                c.touch.share_id,
                c.touch.employee_id,
                c.touch.campaign_id,
            )
        }),
        Attribution::Customer => acquisition
            .as_ref()
            .and_then(|a| Some((a.click_id, a.share_id?, a.employee_id?, a.campaign_id))),
        Attribution::Unattributed(_) => None,
    };
    let created_at = now();
    let values = (
        conversions::kind.eq(new.kind.as_str()),
        conversions::external_id.eq(new.external_id.as_deref().filter(|_| !publishable)),
        conversions::public_external_id.eq(new.external_id.as_deref().filter(|_| publishable)),
        conversions::value_cents.eq(new.value_cents.map(ValueCents::get)),
        conversions::currency.eq(new.currency.code()),
        conversions::customer_id.eq(new.customer_id.as_deref()),
        conversions::occurred_at.eq(new.occurred_at),
        conversions::day.eq(new.day),
        conversions::click_ref.eq(new.touches.last().map(ClickRef::as_str)),
        conversions::click_id.eq(earned.and_then(|e| e.0)),
        conversions::share_id.eq(earned.map(|e| e.1)),
        conversions::employee_id.eq(earned.map(|e| e.2)),
        conversions::campaign_id.eq(earned.and_then(|e| e.3)),
        conversions::attributed.eq(earned.is_some()),
        conversions::unattributed_reason.eq(match outcome {
            Attribution::Unattributed(reason) => Some(reason.as_str()),
            _ => None,
        }),
        conversions::api_key_id.eq(new.api_key_id),
        conversions::created_at.eq(created_at),
    );
    // In a savepoint: on PostgreSQL a concurrent repeat can still hit the unique
    // index, and the transaction must survive that to read the first one back.
    let inserted =
        conn.transaction(|c| insert_returning_id!(c, conversions::table, values, conversions::id));
    let id = match inserted {
        Ok(id) => id,
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
            return match find_repeat(conn, new, publishable)? {
                Some(existing) => Ok(Recorded {
                    conversion: existing,
                    created: false,
                    attribution: None,
                }),
                None => Err(StoreError::Conflict(info.message().to_owned())),
            };
        }
        Err(other) => return Err(other.into()),
    };

    let touchpoints: Vec<StoredTouch> = match (&acquisition, outcome) {
        (Some(first), Attribution::Customer) => stored_touches(conn, first.id)?,
        _ => new
            .touches
            .iter()
            .zip(&resolved)
            .enumerate()
            .map(|(position, (r, fact))| StoredTouch {
                position: position as i64,
                click_ref: r.as_str().to_owned(),
                click_id: fact.map(|c| c.id),
                share_id: fact.map(|c| c.touch.share_id),
                employee_id: fact.map(|c| c.touch.employee_id),
                campaign_id: fact.and_then(|c| c.touch.campaign_id),
                clicked_at: fact.map(|c| c.occurred_at),
            })
            .collect(),
    };
    let rows: Vec<_> = touchpoints
        .iter()
        .map(|t| {
            (
                conversion_touchpoints::conversion_id.eq(id),
                conversion_touchpoints::position.eq(t.position),
                conversion_touchpoints::click_ref.eq(t.click_ref.as_str()),
                conversion_touchpoints::click_id.eq(t.click_id),
                conversion_touchpoints::share_id.eq(t.share_id),
                conversion_touchpoints::employee_id.eq(t.employee_id),
                conversion_touchpoints::campaign_id.eq(t.campaign_id),
                conversion_touchpoints::occurred_at.eq(t.clicked_at),
            )
        })
        .collect();
    if !rows.is_empty() {
        per_backend!(conn, c => diesel::insert_into(conversion_touchpoints::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(Recorded {
        conversion: find_by_id(conn, id)?,
        created: true,
        attribution: Some(outcome),
    })
}

/// A customer's first conversion, as customer continuity needs it.
struct Acquisition {
    id: i64,
    attributed: bool,
    click_id: Option<i64>,
    share_id: Option<i64>,
    employee_id: Option<i64>,
    campaign_id: Option<i64>,
}

impl Acquisition {
    /// Whether it was attributed (with the share and employee that say to whom).
    fn earned(&self) -> bool {
        self.attributed && self.share_id.is_some() && self.employee_id.is_some()
    }
}

/// The earliest conversion of `customer` at or before `at` (ties by id).
fn first_of_customer(
    conn: &mut DbConnection,
    customer: &str,
    at: NaiveDateTime,
) -> Result<Option<Acquisition>, StoreError> {
    type Row = (
        i64,
        bool,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    );
    let row: Option<Row> = conversions::table
        .filter(conversions::customer_id.eq(customer))
        .filter(conversions::occurred_at.le(at))
        .order((conversions::occurred_at.asc(), conversions::id.asc()))
        .select((
            conversions::id,
            conversions::attributed,
            conversions::click_id,
            conversions::share_id,
            conversions::employee_id,
            conversions::campaign_id,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(id, attributed, click_id, share_id, employee_id, campaign_id)| Acquisition {
            id,
            attributed,
            click_id,
            share_id,
            employee_id,
            campaign_id,
        },
    ))
}

/// A touchpoint row as stored.
struct StoredTouch {
    position: i64,
    click_ref: String,
    click_id: Option<i64>,
    share_id: Option<i64>,
    employee_id: Option<i64>,
    campaign_id: Option<i64>,
    clicked_at: Option<NaiveDateTime>,
}

/// The stored touchpoints of one conversion, oldest first.
fn stored_touches(
    conn: &mut DbConnection,
    conversion_id: i64,
) -> Result<Vec<StoredTouch>, StoreError> {
    type Row = (
        i64,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = conversion_touchpoints::table
        .filter(conversion_touchpoints::conversion_id.eq(conversion_id))
        .order(conversion_touchpoints::position.asc())
        .select((
            conversion_touchpoints::position,
            conversion_touchpoints::click_ref,
            conversion_touchpoints::click_id,
            conversion_touchpoints::share_id,
            conversion_touchpoints::employee_id,
            conversion_touchpoints::campaign_id,
            conversion_touchpoints::occurred_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(position, click_ref, click_id, share_id, employee_id, campaign_id, clicked_at)| {
                StoredTouch {
                    position,
                    click_ref,
                    click_id,
                    share_id,
                    employee_id,
                    campaign_id,
                    clicked_at,
                }
            },
        )
        .collect())
}

/// Which of `external_ids` are stored under `kind` (a dry run's duplicates).
pub fn stored_external_ids(
    conn: &mut DbConnection,
    kind: &str,
    external_ids: &[&str],
) -> Result<HashSet<String>, StoreError> {
    let mut found = HashSet::new();
    for chunk in external_ids.chunks(500) {
        let ids: Vec<Option<String>> = conversions::table
            .filter(conversions::kind.eq(kind))
            .filter(conversions::external_id.eq_any(chunk))
            .select(conversions::external_id)
            .load(conn)?;
        found.extend(ids.into_iter().flatten());
    }
    Ok(found)
}

/// The stored conversion `new` repeats: the one under its `(kind, external_id)` reported by
/// a trusted source (a full key, an import); for a publishable key's report, else the one
/// an earlier publishable report stored under the same id.
fn find_repeat(
    conn: &mut DbConnection,
    new: &NewConversion,
    publishable: bool,
) -> Result<Option<Conversion>, StoreError> {
    let Some(external_id) = &new.external_id else {
        return Ok(None);
    };
    let trusted: Option<ConversionRow> = conversions::table
        .filter(conversions::kind.eq(new.kind.as_str()))
        .filter(conversions::external_id.eq(external_id))
        .select(ConversionRow::as_select())
        .first(conn)
        .optional()?;
    if trusted.is_some() || !publishable {
        return Ok(trusted.map(Conversion::from));
    }
    let public: Option<ConversionRow> = conversions::table
        .filter(conversions::kind.eq(new.kind.as_str()))
        .filter(conversions::public_external_id.eq(external_id))
        .select(ConversionRow::as_select())
        .first(conn)
        .optional()?;
    Ok(public.map(Conversion::from))
}

/// Whether `new` was reported with a publishable key: anyone can send one of those (the key
/// is in the website's pages), so its order ids are kept apart and never answered back.
fn from_publishable_key(conn: &mut DbConnection, new: &NewConversion) -> Result<bool, StoreError> {
    let Some(key_id) = new.api_key_id else {
        return Ok(false);
    };
    let scope: Option<String> = api_keys::table
        .find(key_id)
        .select(api_keys::scope)
        .first(conn)
        .optional()?;
    Ok(scope.as_deref() == Some(crate::domain::api_key::Scope::Publishable.as_str()))
}

/// A trusted report of an order id replaces what a publishable key said about it (its
/// touchpoints go with it): the backend knows the order, the browser only claims it.
fn supersede_publishable(conn: &mut DbConnection, new: &NewConversion) -> Result<(), StoreError> {
    let Some(external_id) = &new.external_id else {
        return Ok(());
    };
    let replaced: Vec<i64> = conversions::table
        .filter(conversions::kind.eq(new.kind.as_str()))
        .filter(conversions::public_external_id.eq(external_id))
        .select(conversions::id)
        .load(conn)?;
    if !replaced.is_empty() {
        diesel::delete(
            conversion_touchpoints::table
                .filter(conversion_touchpoints::conversion_id.eq_any(&replaced)),
        )
        .execute(conn)?;
        diesel::delete(conversions::table.filter(conversions::id.eq_any(&replaced)))
            .execute(conn)?;
        tracing::info!(
            kind = new.kind.as_str(),
            "a trusted report replaced a publishable key's"
        );
    }
    Ok(())
}

/// The stored clicks among `refs`, by click id, with the share's employee and the
/// content's campaign.
fn load_clicks(
    conn: &mut DbConnection,
    refs: &[ClickRef],
) -> Result<HashMap<String, ClickFacts>, StoreError> {
    if refs.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<&str> = refs.iter().map(ClickRef::as_str).collect();
    type Row = (
        i64,
        String,
        NaiveDateTime,
        String,
        Option<String>,
        i64,
        i64,
        Option<i64>,
    );
    let rows: Vec<Row> = clicks::table
        .inner_join(shares::table.inner_join(content::table))
        .filter(clicks::click_id.eq_any(&ids))
        .select((
            clicks::id,
            clicks::click_id,
            clicks::occurred_at,
            clicks::kind,
            clicks::flag_reason,
            clicks::share_id,
            shares::employee_id,
            content::campaign_id,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, click_id, occurred_at, kind, flag_reason, share_id, employee_id, campaign_id)| {
                (
                    click_id,
                    ClickFacts {
                        id,
                        occurred_at,
                        kind,
                        flag_reason,
                        touch: Touch {
                            share_id,
                            employee_id,
                            campaign_id,
                        },
                    },
                )
            },
        )
        .collect())
}

/// One conversion by id.
///
/// # Errors
/// `StoreError::NotFound` when there is none.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<Conversion, StoreError> {
    let row: ConversionRow = conversions::table
        .find(id)
        .select(ConversionRow::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// One stored touchpoint of a conversion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Touchpoint {
    /// 0 = oldest; the last click has the highest position.
    pub position: i64,
    /// The click id as the client sent it.
    pub click_ref: String,
    /// Set when the click earns credit (the same rule as the conversion's attribution).
    pub share_id: Option<i64>,
    pub employee_id: Option<i64>,
    pub campaign_id: Option<i64>,
    /// When the click happened (set with `share_id`).
    pub clicked_at: Option<NaiveDateTime>,
}

impl Touchpoint {
    /// What [`attribution::credit`] needs: `None` when this touchpoint earns nothing.
    pub fn touch(&self) -> Option<Touch> {
        Some(Touch {
            share_id: self.share_id?,
            employee_id: self.employee_id?,
            campaign_id: self.campaign_id,
        })
    }
}

/// The touchpoints of the given conversions, oldest first per conversion: feed each list
/// through [`Touchpoint::touch`] into [`attribution::credit`] for first-click or linear
/// reports.
pub fn touchpoints_of(
    conn: &mut DbConnection,
    conversion_ids: &[i64],
) -> Result<BTreeMap<i64, Vec<Touchpoint>>, StoreError> {
    let mut out: BTreeMap<i64, Vec<Touchpoint>> = BTreeMap::new();
    for chunk in conversion_ids.chunks(500) {
        type Row = (
            i64,
            i64,
            String,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<NaiveDateTime>,
        );
        let rows: Vec<Row> = conversion_touchpoints::table
            .filter(conversion_touchpoints::conversion_id.eq_any(chunk))
            .select((
                conversion_touchpoints::conversion_id,
                conversion_touchpoints::position,
                conversion_touchpoints::click_ref,
                conversion_touchpoints::share_id,
                conversion_touchpoints::employee_id,
                conversion_touchpoints::campaign_id,
                conversion_touchpoints::occurred_at,
            ))
            .order((
                conversion_touchpoints::conversion_id.asc(),
                conversion_touchpoints::position.asc(),
            ))
            .load(conn)?;
        for (conversion_id, position, click_ref, share_id, employee_id, campaign_id, clicked_at) in
            rows
        {
            out.entry(conversion_id).or_default().push(Touchpoint {
                position,
                click_ref,
                share_id,
                employee_id,
                campaign_id,
                clicked_at,
            });
        }
    }
    Ok(out)
}

/// A conversion as revenue counts it: `(kind, value_cents, currency)`.
pub type ValueFacts = (String, Option<i64>, Option<String>);

/// [`ValueFacts`] of the conversions attributed to the shares of content item
/// `content_id` that occurred in `[from, to)`.
pub fn list_attributed_to_content(
    conn: &mut DbConnection,
    content_id: i64,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<ValueFacts>, StoreError> {
    Ok(conversions::table
        .inner_join(shares::table)
        .filter(shares::content_id.eq(content_id))
        .filter(conversions::attributed.eq(true))
        .filter(conversions::occurred_at.ge(from))
        .filter(conversions::occurred_at.lt(to))
        .select((
            conversions::kind,
            conversions::value_cents,
            conversions::currency,
        ))
        .load(conn)?)
}

/// One conversion as credit reports read it (`app::credit`).
#[derive(Debug, Clone, PartialEq)]
pub struct CreditInput {
    pub kind: String,
    pub value_cents: Option<i64>,
    pub currency: Option<String>,
    /// Its touchpoints, oldest first (the last click last), `None` where one earns no
    /// credit: what [`attribution::credit`] shares.
    pub touches: Vec<Option<Touch>>,
}

/// The conversions that occurred in `[from, to)`, of `kind` when given, each with its
/// touchpoints.
pub fn list_credit_inputs(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    kind: Option<&str>,
) -> Result<Vec<CreditInput>, StoreError> {
    let mut q = conversions::table
        .filter(conversions::occurred_at.ge(from))
        .filter(conversions::occurred_at.lt(to))
        .select((
            conversions::id,
            conversions::kind,
            conversions::value_cents,
            conversions::currency,
        ))
        .into_boxed();
    if let Some(kind) = kind {
        q = q.filter(conversions::kind.eq(kind.to_owned()));
    }
    let rows: Vec<(i64, String, Option<i64>, Option<String>)> = q.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut touchpoints = touchpoints_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, value_cents, currency)| CreditInput {
            kind,
            value_cents,
            currency,
            touches: touchpoints
                .remove(&id)
                .map(|tps| tps.iter().map(Touchpoint::touch).collect())
                .unwrap_or_default(),
        })
        .collect())
}

// ---------------------------------------------------------------------------------------
// Lists and totals, for pages, exports and reports
// ---------------------------------------------------------------------------------------

/// Which conversions a list or total covers; `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConversionFilter {
    /// Inclusive, UTC, on `occurred_at`.
    pub from: Option<NaiveDateTime>,
    /// Exclusive, UTC.
    pub to: Option<NaiveDateTime>,
    pub kind: Option<String>,
    pub attributed: Option<bool>,
    pub campaign_id: Option<i64>,
    pub employee_id: Option<i64>,
    /// Conversions of one share (the share drill-down): attributed to it, or sent with
    /// one of its clicks as the last click and left unattributed (a bot, preview or
    /// self click, a click outside the window), so the page can say why.
    pub share_id: Option<i64>,
}

/// A conversion with the names pages and exports show beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConversionListing {
    #[serde(flatten)]
    pub conversion: Conversion,
    pub employee_name: Option<String>,
    pub campaign_name: Option<String>,
    /// The attributed share's network, content id and title (pages only: the API's
    /// conversion body stays as documented).
    #[serde(skip)]
    pub share_network: Option<String>,
    #[serde(skip)]
    pub content_id: Option<i64>,
    #[serde(skip)]
    pub content_title: Option<String>,
}

type ListingTuple = (
    ConversionRow,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
);

macro_rules! filtered {
    ($filter:expr) => {{
        let filter: &ConversionFilter = $filter;
        let mut query = conversions::table
            .left_join(employees::table)
            .left_join(campaigns::table)
            .left_join(shares::table.left_join(content::table))
            .into_boxed();
        if let Some(from) = filter.from {
            query = query.filter(conversions::occurred_at.ge(from));
        }
        if let Some(to) = filter.to {
            query = query.filter(conversions::occurred_at.lt(to));
        }
        if let Some(kind) = &filter.kind {
            query = query.filter(conversions::kind.eq(kind.clone()));
        }
        if let Some(attributed) = filter.attributed {
            query = query.filter(conversions::attributed.eq(attributed));
        }
        if let Some(id) = filter.campaign_id {
            query = query.filter(conversions::campaign_id.eq(id));
        }
        if let Some(id) = filter.employee_id {
            query = query.filter(conversions::employee_id.eq(id));
        }
        if let Some(id) = filter.share_id {
            query = query.filter(
                conversions::share_id
                    .eq(id)
                    .or(conversions::click_ref.eq_any(
                        clicks::table
                            .filter(clicks::share_id.eq(id))
                            .select(clicks::click_id.nullable()),
                    )),
            );
        }
        query
    }};
}

fn listing(
    (row, employee_name, campaign_name, share_network, content_id, content_title): ListingTuple,
) -> ConversionListing {
    ConversionListing {
        conversion: row.into(),
        employee_name,
        campaign_name,
        share_network,
        content_id,
        content_title,
    }
}

/// Conversions matching `filter`, newest first (by `occurred_at`, then id), `limit` from
/// `offset`.
pub fn list(
    conn: &mut DbConnection,
    filter: &ConversionFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<ConversionListing>, StoreError> {
    let rows: Vec<ListingTuple> = filtered!(filter)
        .select((
            ConversionRow::as_select(),
            employees::name.nullable(),
            campaigns::name.nullable(),
            shares::network.nullable(),
            content::id.nullable(),
            content::title.nullable(),
        ))
        .order((conversions::occurred_at.desc(), conversions::id.desc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok(rows.into_iter().map(listing).collect())
}

/// Conversions matching `filter`, oldest first (by `occurred_at`, then id), at most
/// `limit` of them after the `(occurred_at, id)` of the previous page's last row (keyset
/// paging, so rows added meanwhile neither repeat nor hide others).
pub fn list_chronological(
    conn: &mut DbConnection,
    filter: &ConversionFilter,
    after: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> Result<Vec<ConversionListing>, StoreError> {
    let mut query = filtered!(filter);
    if let Some((at, id)) = after {
        query = query.filter(
            conversions::occurred_at
                .gt(at)
                .or(conversions::occurred_at.eq(at).and(conversions::id.gt(id))),
        );
    }
    let rows: Vec<ListingTuple> = query
        .select((
            ConversionRow::as_select(),
            employees::name.nullable(),
            campaigns::name.nullable(),
            shares::network.nullable(),
            content::id.nullable(),
            content::title.nullable(),
        ))
        .order((conversions::occurred_at.asc(), conversions::id.asc()))
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(listing).collect())
}

/// How many conversions match `filter`.
pub fn count(conn: &mut DbConnection, filter: &ConversionFilter) -> Result<i64, StoreError> {
    Ok(filtered!(filter).count().get_result(conn)?)
}

/// Per currency, ordered by code: `(currency, conversions, Σ value_cents)` over the
/// conversions matching `filter`, of every kind the filter lets through (filter on
/// `kind = "sale"` for revenue). Conversions without a value count, adding 0; rows stored
/// without a currency are reported under [`NO_CURRENCY`]. Summed in Rust: `SUM(BIGINT)`
/// is NUMERIC on PostgreSQL.
pub fn totals_by_currency(
    conn: &mut DbConnection,
    filter: &ConversionFilter,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let rows: Vec<(Option<String>, Option<i64>)> = filtered!(filter)
        .select((conversions::currency, conversions::value_cents))
        .load(conn)?;
    let mut totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (currency, value) in rows {
        let entry = totals
            .entry(currency.unwrap_or_else(|| NO_CURRENCY.to_owned()))
            .or_default();
        entry.0 += 1;
        entry.1 = entry.1.saturating_add(value.unwrap_or(0));
    }
    Ok(totals
        .into_iter()
        .map(|(currency, (count, sum))| (currency, count, sum))
        .collect())
}

/// The distinct kinds recorded so far, alphabetically (for filter choices).
pub fn list_kinds(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    Ok(conversions::table
        .select(conversions::kind)
        .distinct()
        .order(conversions::kind.asc())
        .load(conn)?)
}
