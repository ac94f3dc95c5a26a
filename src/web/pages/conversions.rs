//! `/admin/conversions`: every conversion, filtered by a GET form (period, kind,
//! attribution, campaign, employee), with totals per currency and a CSV download of the
//! same selection (`/admin/conversions.csv`, session-authenticated, so admins need no
//! API key).
//!
//! The form's period is in whole days of the configured time zone and **both days are
//! included** (people pick "1 March to 31 March"); internally that is `[from, to + 1 day)`,
//! the API's half-open period.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, Nav, Tr};
use crate::app::credit::{self, CreditScope, CreditTotals, GroupTotal};
use crate::domain::attribution::{Model, Unattributed};
use crate::domain::conversion::{format_amount, format_money, Kind};
use crate::domain::network::Network;
use crate::domain::period::Period;
use crate::error::PageError;
use crate::store::conversions::{ConversionFilter, ConversionListing};
use crate::store::reports::ReportFilter;
use crate::store::snapshots::Sources;
use crate::store::{self};
use crate::web::auth::AdminUser;
use crate::web::csv_export::conversions_csv;
use crate::web::AppState;

/// Rows per page.
pub const PAGE_SIZE: i64 = 200;

/// Groups shown per credit table; the rest are counted below it.
const CREDIT_ROWS: usize = 10;

/// How far back the credit totals look when the form leaves "from" empty: ten years, the
/// longest period a report spans (`domain::period`).
const CREDIT_DEFAULT_DAYS: i64 = 3650;

/// The filter form as submitted: kept as text so a bad value can be shown back beside
/// its field.
#[derive(Deserialize, Default, Clone)]
pub struct FilterForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    attributed: String,
    #[serde(default)]
    campaign_id: String,
    #[serde(default)]
    employee_id: String,
    /// Attribution model of the credit totals (`last_click` when empty).
    #[serde(default)]
    model: String,
    /// `sourced` (default) or `influenced` credit.
    #[serde(default)]
    revenue: String,
    /// `all`: every group of the credit tables, not only the first [`CREDIT_ROWS`].
    #[serde(default)]
    groups: String,
    #[serde(default)]
    page: String,
}

#[derive(Default)]
struct FilterErrors {
    from: Option<String>,
    to: Option<String>,
    kind: Option<String>,
    attributed: Option<String>,
    campaign_id: Option<String>,
    employee_id: Option<String>,
    model: Option<String>,
    revenue: Option<String>,
}

impl FilterErrors {
    fn any(&self) -> bool {
        self.model.is_some()
            || self.revenue.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.kind.is_some()
            || self.attributed.is_some()
            || self.campaign_id.is_some()
            || self.employee_id.is_some()
    }
}

impl FilterForm {
    /// The store filter, or the errors to show beside the fields.
    fn parse(&self, tz: chrono_tz::Tz) -> Result<ConversionFilter, Box<FilterErrors>> {
        let t = Tr::current();
        let mut errors = FilterErrors::default();
        let period = super::FormPeriod::parse(&self.from, &self.to, tz);
        errors.from = period.from_error;
        errors.to = period.to_error;
        let (from, to) = (period.from, period.to);
        let kind = match self.kind.trim() {
            "" => None,
            k => Kind::parse(k)
                .map(|k| k.as_str().to_owned())
                .map_err(|_| errors.kind = Some(t.get("conversions.error-kind")))
                .ok(),
        };
        let attributed = match self.attributed.as_str() {
            "" | "all" => None,
            "yes" => Some(true),
            "no" => Some(false),
            _ => {
                errors.attributed = Some(t.get("conversions.error-attributed"));
                None
            }
        };
        let id = |value: &str, slot: &mut Option<String>, what: &str| match value.trim() {
            "" => None,
            v => v.parse::<i64>().map_err(|_| *slot = Some(t.get(what))).ok(),
        };
        let campaign_id = id(
            &self.campaign_id,
            &mut errors.campaign_id,
            "conversions.error-campaign",
        );
        let employee_id = id(
            &self.employee_id,
            &mut errors.employee_id,
            "conversions.error-employee",
        );
        if self.credit_model().is_none() {
            errors.model = Some(t.get("conversions.error-model"));
        }
        if self.influenced().is_none() {
            errors.revenue = Some(t.get("conversions.error-revenue"));
        }
        if errors.any() {
            return Err(Box::new(errors));
        }
        Ok(ConversionFilter {
            from,
            to,
            kind,
            attributed,
            campaign_id,
            employee_id,
            share_id: None,
        })
    }

    fn credit_model(&self) -> Option<Model> {
        match self.model.trim() {
            "" => Some(Model::LastClick),
            m => Model::parse(m),
        }
    }

    fn influenced(&self) -> Option<bool> {
        match self.revenue.trim() {
            "" | "sourced" => Some(false),
            "influenced" => Some(true),
            _ => None,
        }
    }

    /// What the credit totals read of a valid selection: its period (all of the last ten
    /// years when a date is left empty), campaign, model and sourced/influenced choice as
    /// a report filter; its kind and employee as the scope. `None` when the period is
    /// longer than a report may span.
    fn credit_request(
        &self,
        filter: &ConversionFilter,
        tz: chrono_tz::Tz,
        currency: String,
    ) -> Option<(ReportFilter, CreditScope)> {
        let to = filter
            .to
            .unwrap_or_else(|| (chrono::Utc::now() + chrono::TimeDelta::days(1)).naive_utc());
        let from = filter
            .from
            .unwrap_or(to - chrono::TimeDelta::days(CREDIT_DEFAULT_DAYS));
        let period = Period::new(from, to, tz).ok()?;
        let report = ReportFilter {
            period,
            campaign_id: filter.campaign_id,
            team: None,
            network: None,
            unique: false,
            currency,
            model: self.credit_model()?,
            influenced: self.influenced()?,
            sources: Sources {
                include_self_reported: true,
            },
            channel: None,
            influence: Default::default(),
        };
        let scope = CreditScope {
            kind: filter.kind.clone(),
            employee_id: filter.employee_id,
        };
        Some((report, scope))
    }

    fn page(&self) -> i64 {
        self.page
            .trim()
            .parse::<i64>()
            .unwrap_or(1)
            .clamp(1, 1_000_000)
    }

    /// The filters as a query string (without the page), for links that keep them.
    fn query(&self, page: Option<i64>) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("from", &self.from),
            ("to", &self.to),
            ("kind", &self.kind),
            ("attributed", &self.attributed),
            ("campaign_id", &self.campaign_id),
            ("employee_id", &self.employee_id),
            ("model", &self.model),
            ("revenue", &self.revenue),
            ("groups", &self.groups),
        ] {
            if !value.trim().is_empty() {
                q.append_pair(name, value.trim());
            }
        }
        if let Some(page) = page {
            q.append_pair("page", &page.to_string());
        }
        q.finish()
    }
}

/// One `<option>` of a filter's select.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One row of the table.
struct RowView {
    id: i64,
    time: String,
    kind_label: String,
    value: String,
    customer_id: String,
    external_id: String,
    attributed: bool,
    employee: String,
    campaign: String,
    click_id: String,
    share_id: Option<i64>,
    content_id: Option<i64>,
    content: String,
    network: String,
    /// Why it is unattributed, in the page's language (empty when attributed).
    reason: String,
}

/// One group of a credit table.
struct CreditRowView {
    label: String,
    href: Option<String>,
    conversions: String,
    revenue: String,
}

/// One credit table: by employee, campaign, content or network.
struct CreditTableView {
    id: &'static str,
    heading: String,
    rows: Vec<CreditRowView>,
    /// Groups beyond the first [`CREDIT_ROWS`] (0 when every group is shown).
    more: usize,
    /// Every group, shown or not.
    total: usize,
}

/// The credit section: its tables, or why there are none.
struct CreditView {
    tables: Vec<CreditTableView>,
    /// Model and credit in words ("Linear, sourced").
    basis: String,
    currency: String,
    /// The period is too long for a report: the tables are left out.
    too_long: bool,
    /// The same selection with every group of every table.
    all_href: String,
}

struct TotalView {
    currency: String,
    count: i64,
    sum: String,
}

#[derive(Template)]
#[template(path = "admin/conversions.html")]
struct ConversionsPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    form: FilterForm,
    errors: FilterErrors,
    has_errors: bool,
    kinds: Vec<Choice>,
    campaigns: Vec<Choice>,
    employees: Vec<Choice>,
    rows: Vec<RowView>,
    totals: Vec<TotalView>,
    count: i64,
    range: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    csv_href: String,
    timezone: String,
    credit: CreditView,
    models: Vec<Choice>,
}

fn choices(options: Vec<(String, String)>, current: &str) -> Vec<Choice> {
    options
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == current.trim(),
            value,
            label,
        })
        .collect()
}

/// `GET /admin/conversions`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Query<FilterForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let tz = state.effective().timezone;
    let filter = form.parse(tz);
    let page = form.page();
    let offset = (page - 1) * PAGE_SIZE;
    let loaded = filter.as_ref().ok().cloned();
    let currency = state.effective().default_currency.clone();
    let credit_request = loaded
        .as_ref()
        .and_then(|f| form.credit_request(f, tz, currency.clone()));
    let too_long = loaded.is_some() && credit_request.is_none();
    let (campaigns, employees, kinds, data, credit) = state
        .db
        .run(move |conn| {
            let campaigns = store::campaigns::list(conn)?;
            let employees = store::employees::list(conn)?;
            let kinds = store::conversions::list_kinds(conn)?;
            let data = match loaded {
                None => None,
                Some(filter) => Some((
                    store::conversions::count(conn, &filter)?,
                    store::conversions::totals_by_currency(conn, &filter)?,
                    store::conversions::list(conn, &filter, PAGE_SIZE + 1, offset)?,
                )),
            };
            let credit = match credit_request {
                Some((report, scope)) => Some(credit::totals(conn, &report, &scope)?),
                None => None,
            };
            Ok((campaigns, employees, kinds, data, credit))
        })
        .await?;

    let t = Tr::current();
    let mut kind_options: Vec<(String, String)> = kinds
        .into_iter()
        .map(|k| (k.clone(), kind_label(&t, &k)))
        .collect();
    for k in [Kind::LEAD, Kind::SIGNUP, Kind::SALE] {
        if !kind_options.iter().any(|(v, _)| v == k) {
            kind_options.push((k.to_owned(), kind_label(&t, k)));
        }
    }
    kind_options.sort();
    let campaigns = choices(
        campaigns
            .into_iter()
            .map(|c| (c.id.to_string(), c.name))
            .collect(),
        &form.campaign_id,
    );
    let employees = choices(
        employees
            .into_iter()
            .map(|e| (e.id.to_string(), e.name))
            .collect(),
        &form.employee_id,
    );
    let kinds = choices(kind_options, &form.kind);
    let models = choices(
        Model::ALL
            .into_iter()
            .map(|m| {
                (
                    m.as_str().to_owned(),
                    t.get(&format!("board.model-{}", m.as_str())),
                )
            })
            .collect(),
        if form.model.trim().is_empty() {
            Model::LastClick.as_str()
        } else {
            &form.model
        },
    );
    let credit = credit_view(&t, &form, credit, &currency, too_long);

    let (status, errors, count, totals, mut listings) = match (filter, data) {
        (Ok(_), Some((count, totals, listings))) => (
            StatusCode::OK,
            FilterErrors::default(),
            count,
            totals,
            listings,
        ),
        (Err(errors), _) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            *errors,
            0,
            Vec::new(),
            Vec::new(),
        ),
        (Ok(_), None) => return Err(PageError::Internal),
    };
    let has_next = listings.len() as i64 > PAGE_SIZE;
    listings.truncate(PAGE_SIZE as usize);
    let rows: Vec<RowView> = listings.into_iter().map(|l| row_view(&t, l, tz)).collect();
    let range = t.page_range("conversions-range", offset, rows.len(), count);
    let href = |p: i64| format!("/admin/conversions?{}", form.query(Some(p)));
    render(
        status,
        &ConversionsPage {
            title: "page.conversions",
            nav: Some(Nav::new(&user, "conversions")),
            t,
            prev_href: (page > 1).then(|| href(page - 1)),
            next_href: has_next.then(|| href(page + 1)),
            csv_href: format!("/admin/conversions.csv?{}", form.query(None)),
            totals: totals
                .into_iter()
                .map(|(currency, count, sum)| TotalView {
                    sum: format_money(sum, &currency),
                    currency,
                    count,
                })
                .collect(),
            form,
            has_errors: errors.any(),
            errors,
            kinds,
            campaigns,
            employees,
            rows,
            count,
            range,
            timezone: tz.name().to_owned(),
            credit,
            models,
        },
    )
}

/// The credit tables as the page shows them: the first [`CREDIT_ROWS`] groups of each,
/// linked to their drill-down, conversions as locale numbers, revenue as money.
fn credit_view(
    t: &Tr,
    form: &FilterForm,
    totals: Option<CreditTotals>,
    currency: &str,
    too_long: bool,
) -> CreditView {
    let model = form.credit_model().unwrap_or_default();
    let influenced = form.influenced().unwrap_or(false);
    let basis = format!(
        "{}, {}",
        t.get(&format!("board.model-{}", model.as_str())),
        t.get(if influenced {
            "board.revenue-influenced"
        } else {
            "board.revenue-sourced"
        })
        .to_lowercase()
    );
    let totals = totals.unwrap_or_default();
    let row = |label: String, href: Option<String>, conversions: f64, revenue: i64| CreditRowView {
        label,
        href,
        conversions: crate::i18n::format::decimal(
            t.locale(),
            conversions,
            if conversions.fract() == 0.0 { 0 } else { 2 },
        ),
        revenue: format_amount(revenue, currency),
    };
    let limit = if form.groups == "all" {
        usize::MAX
    } else {
        CREDIT_ROWS
    };
    let tables = vec![
        credit_table(
            "credit-employee",
            t.get("conversions.by-employee"),
            totals.by_employee,
            limit,
            |g| {
                row(
                    g.label,
                    Some(format!("/admin/employees/{}/stats", g.key)),
                    g.conversions,
                    g.revenue_cents,
                )
            },
        ),
        credit_table(
            "credit-campaign",
            t.get("conversions.by-campaign"),
            totals.by_campaign,
            limit,
            |g| match g.key {
                Some(id) => row(
                    g.label,
                    Some(format!("/admin/campaigns/{id}")),
                    g.conversions,
                    g.revenue_cents,
                ),
                None => row(
                    t.get("conversions.no-campaign"),
                    None,
                    g.conversions,
                    g.revenue_cents,
                ),
            },
        ),
        credit_table(
            "credit-content",
            t.get("conversions.by-content"),
            totals.by_content,
            limit,
            |g| {
                row(
                    g.label,
                    Some(format!("/admin/content/{}/stats", g.key)),
                    g.conversions,
                    g.revenue_cents,
                )
            },
        ),
        credit_table(
            "credit-network",
            t.get("conversions.by-network"),
            totals.by_network,
            limit,
            |g| {
                row(
                    network_label(t, &g.key),
                    None,
                    g.conversions,
                    g.revenue_cents,
                )
            },
        ),
    ];
    let mut all = form.clone();
    all.groups = "all".to_owned();
    CreditView {
        tables,
        basis,
        currency: currency.to_owned(),
        too_long,
        all_href: format!("/admin/conversions?{}#credit", all.query(None)),
    }
}

/// The first `limit` groups of one credit table, as `view` shows each.
fn credit_table<K>(
    id: &'static str,
    heading: String,
    groups: Vec<GroupTotal<K>>,
    limit: usize,
    view: impl Fn(GroupTotal<K>) -> CreditRowView,
) -> CreditTableView {
    let total = groups.len();
    CreditTableView {
        id,
        heading,
        rows: groups.into_iter().take(limit).map(view).collect(),
        more: total.saturating_sub(limit),
        total,
    }
}

fn row_view(t: &Tr, listing: ConversionListing, tz: chrono_tz::Tz) -> RowView {
    let c = listing.conversion;
    RowView {
        reason: if c.attributed {
            String::new()
        } else {
            reason_label(t, c.unattributed_reason.as_deref())
        },
        share_id: c.share_id,
        content_id: listing.content_id,
        content: listing.content_title.unwrap_or_default(),
        network: listing
            .share_network
            .as_deref()
            .map(|n| network_label(t, n))
            .unwrap_or_default(),
        id: c.id,
        time: c
            .occurred_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        value: match (c.value_cents, c.currency.as_deref()) {
            (Some(v), Some(cur)) => format_money(v, cur),
            (Some(v), None) => v.to_string(),
            (None, _) => String::new(),
        },
        kind_label: kind_label(t, &c.kind),
        customer_id: c.customer_id.unwrap_or_default(),
        external_id: c.external_id.unwrap_or_default(),
        attributed: c.attributed,
        employee: listing.employee_name.unwrap_or_default(),
        campaign: listing.campaign_name.unwrap_or_default(),
        click_id: c.click_id.unwrap_or_default(),
    }
}

/// `GET /admin/conversions.csv`: the page's selection (same form fields) as CSV, every
/// row rather than one page. Bad filters answer 400 with the page's sentence.
pub async fn csv(
    AdminUser(_): AdminUser,
    state: web::Data<AppState>,
    form: web::Query<FilterForm>,
) -> Result<HttpResponse, PageError> {
    let filter = form.parse(state.effective().timezone).map_err(|errors| {
        let first = [
            errors.model,
            errors.revenue,
            errors.from,
            errors.to,
            errors.kind,
            errors.attributed,
            errors.campaign_id,
            errors.employee_id,
        ]
        .into_iter()
        .flatten()
        .next()
        .unwrap_or_default();
        PageError::BadRequest(first)
    })?;
    Ok(conversions_csv(state.db.clone(), filter).await?)
}

/// The name of a conversion kind in the page's language; kinds an integrator made up
/// are shown as they are.
fn kind_label(t: &Tr, kind: &str) -> String {
    match kind {
        Kind::LEAD | Kind::SIGNUP | Kind::SALE => t.get(&format!("conversions.kind-{kind}")),
        other => other.to_owned(),
    }
}

/// Why a conversion is unattributed, in the page's language: one sentence per
/// [`Unattributed`] reason, "unknown" for rows stored before reasons were kept.
pub fn reason_label(t: &Tr, reason: Option<&str>) -> String {
    match reason.and_then(|r| Unattributed::ALL.into_iter().find(|u| u.as_str() == r)) {
        Some(u) => t.get(&format!("drill.reason-{}", u.as_str().replace('_', "-"))),
        None => t.get("drill.reason-unknown"),
    }
}

/// A network's name as people write it; "e-mail" and "other" in the page's language.
pub fn network_label(t: &Tr, network: &str) -> String {
    Network::parse(network).map_or_else(
        |_| t.get("network.other"),
        |n| crate::i18n::network_label(t, n),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(n: usize) -> Vec<GroupTotal<i64>> {
        (0..n as i64)
            .map(|key| GroupTotal {
                key,
                label: format!("G{key}"),
                conversions: 1.0,
                revenue_cents: 0,
            })
            .collect()
    }

    fn view(g: GroupTotal<i64>) -> CreditRowView {
        CreditRowView {
            label: g.label,
            href: None,
            conversions: String::new(),
            revenue: String::new(),
        }
    }

    #[test]
    fn a_credit_table_shows_its_first_groups_and_counts_the_rest() {
        let t = credit_table("x", String::new(), groups(12), CREDIT_ROWS, view);
        assert_eq!((t.rows.len(), t.more, t.total), (10, 2, 12));
        let t = credit_table("x", String::new(), groups(12), usize::MAX, view);
        assert_eq!((t.rows.len(), t.more, t.total), (12, 0, 12));
        let t = credit_table("x", String::new(), groups(3), CREDIT_ROWS, view);
        assert_eq!((t.rows.len(), t.more), (3, 0));
    }
}
