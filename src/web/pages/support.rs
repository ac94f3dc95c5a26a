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
        let mut errors = FilterErrors::default();
        let period = super::FormPeriod::parse(&self.from, &self.to, tz);
        errors.from = period.from_error;
        errors.to = period.to_error;
        let (from, to) = (period.from, period.to);
        let channel = match self.channel.trim() {
            "" => None,
            c => Channel::parse(c)
                .map_err(|_| {
                    errors.channel = Some("Channels are lowercase letters, digits, _ and -.".into())
                })
                .ok(),
        };
        let status = match self.status.as_str() {
            "" | "all" => None,
            s => match CaseStatus::parse(s) {
                Some(status) => Some(status),
                None => {
                    errors.status = Some("Choose all, open or resolved.".into());
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
        let say = |field: &str, label: &str| {
            invalid.of(field).map(|e| match e.code {
                "invalid_time_order" => format!("{label} must not be before the opening time."),
                "invalid_channel" => {
                    "Use 1 to 32 characters: letters, digits, _ or - (e.g. twitter).".to_owned()
                }
                _ if e.message.contains("not a time") => {
                    format!("{label}: enter a date and time.")
                }
                _ => format!("{label} {}.", e.message),
            })
        };
        CaseErrors {
            channel: say("channel", "Channel"),
            opened_at: say("opened_at", "Opened"),
            first_response_at: say("first_response_at", "First response"),
            resolved_at: say("resolved_at", "Resolved"),
            external_id: say("external_id", "External id"),
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

const NO_DATA: &str = "no data";

impl From<Summary> for SummaryView {
    fn from(s: Summary) -> SummaryView {
        SummaryView {
            cases: s.cases,
            awaiting: s.cases - s.answered,
            median: s
                .median_first_response_s
                .map_or_else(|| NO_DATA.to_owned(), |m| format_duration(m.round() as i64)),
            p90: s
                .p90_first_response_s
                .map_or_else(|| NO_DATA.to_owned(), format_duration),
            resolved: s.resolved,
            resolved_share: s
                .resolved_share
                .map_or_else(|| NO_DATA.to_owned(), format_share),
        }
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
}

fn row_view(case: SupportCase, tz: chrono_tz::Tz) -> RowView {
    RowView {
        id: case.id,
        opened: case
            .opened_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        first_response: case.first_response_seconds.map(format_duration),
        resolution: case.resolution_seconds.map(format_duration),
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
    count: i64,
    first: i64,
    last: i64,
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
    let tz = state.settings.timezone;
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
            Some(SummaryView::from(support::summarise(&times))),
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
    let rows: Vec<RowView> = cases.into_iter().map(|c| row_view(c, tz)).collect();
    let first = if rows.is_empty() { 0 } else { offset + 1 };
    let last = offset + rows.len() as i64;
    let href = |p: i64| format!("/admin/support?{}", filter_form.query(p));
    let notice = match filter_form.added.as_str() {
        "created" => Some("Added the case.".to_owned()),
        "updated" => {
            Some("A case with this external id existed; its times were updated.".to_owned())
        }
        "unchanged" => {
            Some("A case with this external id already says the same; nothing changed.".to_owned())
        }
        _ => None,
    };
    render(
        status,
        &SupportPage {
            title: "page.support",
            nav: Some(Nav::new(user, "support")),
            t: Tr::current(),
            csrf: user.csrf.clone(),
            prev_href: (page > 1).then(|| href(page - 1)),
            next_href: has_next.then(|| href(page + 1)),
            has_filter_errors: filter_errors.any(),
            filter_errors,
            filter: filter_form,
            channels,
            summary,
            rows,
            count,
            first,
            last,
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
    let tz = state.settings.timezone;
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
