//! `/api/v1/support-cases`: customer questions raised on social channels, for the
//! response-time and issues-resolved KPIs.
//!
//! `external_id` is the case's id in the support tool and the key of updates: the same
//! `external_id` again answers 200 with the stored case, changed by the times the report
//! carries (support tools resend a case when it is answered or resolved); see
//! `domain::support::merge`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::conversions::IdValue;
use super::{invalid, missing, query_period, refused};
use crate::domain::support::{self, CaseInput, Channel, Summary};
use crate::error::ApiError;
use crate::store::support::{CaseFilter, CaseRefused, CaseStatus, Outcome};
use crate::store::{self};
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// The body of `POST /support-cases`.
#[derive(Deserialize)]
pub struct CreateCase {
    channel: String,
    opened_at: String,
    #[serde(default)]
    first_response_at: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    external_id: Option<IdValue>,
}

/// `POST /support-cases`: 201 with a new case; 200 with the stored case when one with
/// the same `external_id` exists (updated by the times this report carries, or
/// unchanged). 422 for a bad channel, a bad or future time, or times out of order.
pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<CreateCase>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let external_id = body.external_id.map(IdValue::into_string);
    let new = support::validate_case(
        &CaseInput {
            channel: &body.channel,
            opened_at: &body.opened_at,
            first_response_at: body.first_response_at.as_deref(),
            resolved_at: body.resolved_at.as_deref(),
            external_id: external_id.as_deref(),
        },
        store::now(),
        state.effective().timezone,
    )
    .map_err(refused)?;
    let (case, outcome) = state
        .db
        .run(move |conn| Ok(store::support::record(conn, &new)))
        .await?
        .map_err(|e| match e {
            CaseRefused::Invalid(invalid) | CaseRefused::InvalidAt(_, invalid) => refused(invalid),
            CaseRefused::Store(e) => e.into(),
        })?;
    Ok(match outcome {
        Outcome::Created => HttpResponse::Created().json(case),
        Outcome::Updated | Outcome::Unchanged => HttpResponse::Ok().json(case),
    })
}

/// `GET /support-cases/{id}`.
pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let case = state
        .db
        .run(move |conn| store::support::find_by_id(conn, id))
        .await
        .map_err(missing("support case", id))?;
    Ok(HttpResponse::Ok().json(case))
}

#[derive(Deserialize)]
pub struct ListQuery {
    from: Option<String>,
    to: Option<String>,
    channel: Option<String>,
    status: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

impl ListQuery {
    fn filter(&self, tz: chrono_tz::Tz) -> Result<CaseFilter, ApiError> {
        let (from, to) = query_period(self.from.as_deref(), self.to.as_deref(), tz)?;
        let channel = match self.channel.as_deref().filter(|c| !c.trim().is_empty()) {
            None => None,
            Some(c) => {
                Some(Channel::parse(c).map_err(|e| invalid("invalid_channel", "channel", e))?)
            }
        };
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None | Some("all") => None,
            Some(s) => Some(CaseStatus::parse(s).ok_or_else(|| {
                ApiError::unprocessable("invalid_status", "status must be open, resolved or all")
            })?),
        };
        Ok(CaseFilter {
            from,
            to,
            channel,
            status,
        })
    }
}

/// The KPI figures of the selection (DESIGN.md §5): `null` means no data.
#[derive(Serialize)]
struct SummaryBody {
    cases: usize,
    answered: usize,
    median_first_response_s: Option<f64>,
    p90_first_response_s: Option<i64>,
    resolved: usize,
    resolved_share: Option<f64>,
}

impl From<Summary> for SummaryBody {
    fn from(s: Summary) -> SummaryBody {
        SummaryBody {
            cases: s.cases,
            answered: s.answered,
            median_first_response_s: s.median_first_response_s,
            p90_first_response_s: s.p90_first_response_s,
            resolved: s.resolved,
            resolved_share: s.resolved_share,
        }
    }
}

/// The most cases `GET /support-cases` returns at once.
const MAX_LIST: i64 = 1_000;

/// `GET /support-cases?from&to&channel&status&limit&offset`: `{"support_cases": [...],
/// "summary": {...}}`, newest opened first, 100 by default (at most 1,000). `from`
/// (inclusive) and `to` (exclusive) apply to `opened_at`; `status` is `open`, `resolved`
/// or `all`. The summary covers every matching case, not only the page.
pub async fn list(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.filter(state.effective().timezone)?;
    let limit = query.limit.unwrap_or(100).clamp(1, MAX_LIST);
    let offset = query.offset.unwrap_or(0).max(0);
    let (cases, times) = state
        .db
        .run(move |conn| {
            Ok((
                store::support::list(conn, &filter, limit, offset)?,
                store::support::times(conn, &filter)?,
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "support_cases": cases,
        "summary": SummaryBody::from(support::summarise(&times)),
    })))
}
