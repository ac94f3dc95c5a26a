//! `/admin/support`: support cases with filters (period, channel, open/resolved), the
//! response-time summary of the selection (DESIGN.md §5) and a form to add a case by
//! hand. The period is in whole local days and both days are included, as on the
//! conversions page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, see_other, Nav, Tr};
use crate::domain::record::{self, Invalid};
use crate::domain::support::{self, format_duration, format_share, CaseInput, Channel, Summary};
use crate::error::PageError;
use crate::store::support::{CaseFilter, CaseRefused, CaseStatus, Outcome, SupportCase};
use crate::store::{self};
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

/// Rows per page.
pub const PAGE_SIZE: i64 = 200;

/// The filter form as submitted: text, so a bad value can be shown back.
#[derive(Deserialize, Default, Clone)]
pub struct FilterForm {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    added: String,
}

#[derive(Default)]
struct FilterErrors {
    from: Option<String>,
    to: Option<String>,
    channel: Option<String>,
    status: Option<String>,
}

impl FilterErrors {
    fn any(&self) -> bool {
        self.from.is_some() || self.to.is_some() || self.channel.is_some() || self.status.is_some()
    }
}

impl FilterForm {
    fn parse(&self, tz: chrono_tz::Tz) -> Result<CaseFilter, FilterErrors> {
        let t = Tr::current();
        let mut errors = FilterErrors::default();
        let period = super::FormPeriod::parse(&self.from, &self.to, tz);
        errors.from = period.from_error;
        errors.to = period.to_error;
        let (from, to) = (period.from, period.to);
        let channel = match self.channel.trim() {
            "" => None,
            c => Channel::parse(c)
                .map_err(|_| errors.channel = Some(t.get("mentions.error-channel")))
                .ok(),
        };
        let status = match self.status.as_str() {
            "" | "all" => None,
            s => match CaseStatus::parse(s) {
                Some(status) => Some(status),
                None => {
                    errors.status = Some(t.get("support.error-status"));
                    None
                }
            },
        };
        if errors.any() {
            return Err(errors);
        }
        Ok(CaseFilter {
            from,
            to,
            channel,
            status,
        })
    }

    fn page(&self) -> i64 {
        self.page
            .trim()
            .parse::<i64>()
            .unwrap_or(1)
            .clamp(1, 1_000_000)
    }

    /// The filters as a query string, for links that keep them.
    fn query(&self, page: i64) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("from", &self.from),
            ("to", &self.to),
            ("channel", &self.channel),
            ("status", &self.status),
        ] {
            if !value.trim().is_empty() {
                q.append_pair(name, value.trim());
            }
        }
        q.append_pair("page", &page.to_string());
        q.finish()
    }
}

/// The add-a-case form as submitted.
#[derive(Deserialize, Default, Clone)]
pub struct CaseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    opened_at: String,
    #[serde(default)]
    first_response_at: String,
    #[serde(default)]
    resolved_at: String,
    #[serde(default)]
    external_id: String,
}

#[derive(Default)]
struct CaseErrors {
    channel: Option<String>,
    opened_at: Option<String>,
    first_response_at: Option<String>,
    resolved_at: Option<String>,
    external_id: Option<String>,
}

impl CaseErrors {
    fn from_invalid(invalid: &Invalid) -> CaseErrors {
        let t = Tr::current();
        let say = |field: &str, label: &str| {
            let label = t.get(label);
            invalid.of(field).map(|e| match e.code {
                "invalid_time_order" => t.with("support.error-time-order", "field", &label),
                "invalid_channel" => t.get("support.error-channel"),
                _ if e.message.contains("not a time") => {
                    t.with("support.error-not-a-time", "field", &label)
                }
                _ if e.message == "is required" => {
                    t.with("support.error-required", "field", &label)
                }
                _ if e.message.starts_with("lies in the future") => {
                    t.with("support.error-future", "field", &label)
                }
                "invalid_external_id" => t.with2(
                    "forms.id-too-long",
                    "field",
                    &label,
                    "max",
                    crate::domain::conversion::MAX_ID_LEN,
                ),
                _ => t.with("forms.field-invalid", "field", &label),
            })
        };
        CaseErrors {
            channel: say("channel", "support.channel"),
            opened_at: say("opened_at", "support.opened"),
            first_response_at: say("first_response_at", "support.first-response"),
            resolved_at: say("resolved_at", "support.resolved"),
            external_id: say("external_id", "support.external-id"),
        }
    }
}

struct Choice {
    value: String,
    selected: bool,
}

/// The summary tiles: figures for people, "no data" where there are none.
struct SummaryView {
    cases: usize,
    awaiting: usize,
    median: String,
    p90: String,
    resolved: usize,
    resolved_share: String,
}

impl SummaryView {
    fn new(t: &Tr, s: Summary) -> SummaryView {
        let no_data = || t.get("support.no-data");
        SummaryView {
            cases: s.cases,
            awaiting: s.cases - s.answered,
            median: s
                .median_first_response_s
                .map_or_else(no_data, |m| duration(t, m.round() as i64)),
            p90: s
                .p90_first_response_s
                .map_or_else(no_data, |d| duration(t, d)),
            resolved: s.resolved,
            resolved_share: s.resolved_share.map_or_else(no_data, format_share),
        }
    }
}

/// [`format_duration`] in the page's language (`2 h 10 min`, `2시간 10분`).
pub(super) fn duration(t: &Tr, seconds: i64) -> String {
    if t.locale() == crate::i18n::Locale::En {
        return format_duration(seconds);
    }
    let s = seconds.max(0);
    let (days, hours, minutes) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    if s < 60 {
        t.with("support.duration-s", "s", s)
    } else if s < 3_600 {
        t.with("support.duration-m", "m", minutes)
    } else if s < 86_400 {
        t.with2("support.duration-hm", "h", hours, "m", minutes)
    } else {
        t.with2("support.duration-dh", "d", days, "h", hours)
    }
}

struct RowView {
    id: i64,
    opened: String,
    channel: String,
    external_id: String,
    first_response: Option<String>,
    resolution: Option<String>,
    status: &'static str,
    status_label: String,
}

fn row_view(t: &Tr, case: SupportCase, tz: chrono_tz::Tz) -> RowView {
    RowView {
        id: case.id,
        opened: case
            .opened_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        first_response: case.first_response_seconds.map(|d| duration(t, d)),
        resolution: case.resolution_seconds.map(|d| duration(t, d)),
        status_label: match case.status {
            "open" => t.get("support.status-open"),
            "resolved" => t.get("support.status-resolved"),
            other => other.to_owned(),
        },
        channel: case.channel,
        external_id: case.external_id.unwrap_or_default(),
        status: case.status,
    }
}

#[derive(Template)]
#[template(path = "admin/support.html")]
struct SupportPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    filter: FilterForm,
    filter_errors: FilterErrors,
    has_filter_errors: bool,
    channels: Vec<Choice>,
    summary: Option<SummaryView>,
    rows: Vec<RowView>,
    range: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    form: CaseForm,
    errors: CaseErrors,
    notice: Option<String>,
    timezone: String,
}

async fn support_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    filter_form: FilterForm,
    form: CaseForm,
    errors: CaseErrors,
) -> Result<HttpResponse, PageError> {
    let tz = state.effective().timezone;
    let t = Tr::current();
    let parsed = filter_form.parse(tz);
    let page = filter_form.page();
    let offset = (page - 1) * PAGE_SIZE;
    let loaded = parsed.as_ref().ok().cloned();
    let (channels, data) = state
        .db
        .run(move |conn| {
            let channels = store::support::list_channels(conn)?;
            let data = match loaded {
                None => None,
                Some(filter) => Some((
                    store::support::count(conn, &filter)?,
                    store::support::times(conn, &filter)?,
                    store::support::list(conn, &filter, PAGE_SIZE + 1, offset)?,
                )),
            };
            Ok((channels, data))
        })
        .await?;
    let current_channel = filter_form.channel.trim().to_ascii_lowercase();
    let channels = channels
        .into_iter()
        .map(|value| Choice {
            selected: value == current_channel,
            value,
        })
        .collect();
    let (status, filter_errors, count, summary, mut cases) = match (parsed, data) {
        (Ok(_), Some((count, times, cases))) => (
            status,
            FilterErrors::default(),
            count,
            Some(SummaryView::new(&t, support::summarise(&times))),
            cases,
        ),
        (Err(errors), _) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            0,
            None,
            Vec::new(),
        ),
        (Ok(_), None) => return Err(PageError::Internal),
    };
    let has_next = cases.len() as i64 > PAGE_SIZE;
    cases.truncate(PAGE_SIZE as usize);
    let rows: Vec<RowView> = cases.into_iter().map(|c| row_view(&t, c, tz)).collect();
    let range = t.page_range("support-range", offset, rows.len(), count);
    let href = |p: i64| format!("/admin/support?{}", filter_form.query(p));
    let notice = match filter_form.added.as_str() {
        "created" => Some(t.get("support.created")),
        "updated" => Some(t.get("support.updated")),
        "unchanged" => Some(t.get("support.unchanged")),
        _ => None,
    };
    render(
        status,
        &SupportPage {
            title: "page.support",
            nav: Some(Nav::new(user, "support")),
            t,
            csrf: user.csrf.clone(),
            prev_href: (page > 1).then(|| href(page - 1)),
            next_href: has_next.then(|| href(page + 1)),
            has_filter_errors: filter_errors.any(),
            filter_errors,
            filter: filter_form,
            channels,
            summary,
            rows,
            range,
            form,
            errors,
            notice,
            timezone: tz.name().to_owned(),
        },
    )
}

/// `GET /admin/support?from&to&channel&status&page`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    filter: web::Query<FilterForm>,
) -> Result<HttpResponse, PageError> {
    support_page(
        &state,
        &user,
        StatusCode::OK,
        filter.into_inner(),
        CaseForm::default(),
        CaseErrors::default(),
    )
    .await
}

/// `POST /admin/support`: adds a case (or updates the one with the same external id, as
/// the API does). Times come from `datetime-local` inputs, in the configured zone.
pub async fn add(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<CaseForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let tz = state.effective().timezone;
    let opened_at = record::local_input(&form.opened_at, tz);
    let first_response_at = record::local_input(&form.first_response_at, tz);
    let resolved_at = record::local_input(&form.resolved_at, tz);
    let checked = support::validate_case(
        &CaseInput {
            channel: &form.channel,
            opened_at: &opened_at,
            first_response_at: Some(&first_response_at),
            resolved_at: Some(&resolved_at),
            external_id: Some(&form.external_id),
        },
        store::now(),
        tz,
    );
    let refused = |invalid: Invalid, form: CaseForm| {
        let errors = CaseErrors::from_invalid(&invalid);
        support_page(
            &state,
            &user,
            StatusCode::UNPROCESSABLE_ENTITY,
            FilterForm::default(),
            form,
            errors,
        )
    };
    let new = match checked {
        Ok(new) => new,
        Err(invalid) => return refused(invalid, form).await,
    };
    let recorded = state
        .db
        .run(move |conn| Ok(store::support::record(conn, &new)))
        .await?;
    match recorded {
        Ok((_, outcome)) => Ok(see_other(&format!(
            "/admin/support?added={}",
            match outcome {
                Outcome::Created => "created",
                Outcome::Updated => "updated",
                Outcome::Unchanged => "unchanged",
            }
        ))),
        Err(CaseRefused::Invalid(invalid) | CaseRefused::InvalidAt(_, invalid)) => {
            refused(invalid, form).await
        }
        Err(CaseRefused::Store(e)) => Err(e.into()),
    }
}
