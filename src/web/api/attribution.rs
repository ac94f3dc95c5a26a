//! `GET /attribution`: conversion credit by employee, campaign, content item and network
//! under an attribution model (`app::credit`), for the same period and filters as the
//! boards, plus `kind` and `employee_id`.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::app::credit::{self, CreditScope, GroupTotal};
use crate::domain::conversion::Kind;
use crate::domain::leaderboard::whole_when_possible;
use crate::error::ApiError;
use crate::web::api::reports::ReportQuery;
use crate::web::auth::FullAccess;
use crate::web::AppState;

#[derive(Deserialize)]
pub struct CreditQuery {
    kind: Option<String>,
    employee_id: Option<i64>,
}

/// One group as the JSON shows it.
#[derive(Serialize)]
struct Row<K: Serialize> {
    id: K,
    label: String,
    #[serde(serialize_with = "whole_when_possible")]
    conversions: f64,
    revenue_cents: i64,
}

fn rows<K: Serialize>(
    groups: Vec<GroupTotal<K>>,
    label: impl Fn(&GroupTotal<K>) -> String,
) -> Vec<Row<K>> {
    groups
        .into_iter()
        .map(|g| Row {
            label: label(&g),
            id: g.key,
            conversions: g.conversions,
            revenue_cents: g.revenue_cents,
        })
        .collect()
}

pub async fn show(
    _: FullAccess,
    state: web::Data<AppState>,
    report: web::Query<ReportQuery>,
    query: web::Query<CreditQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = report.filter(&state)?;
    let kind = match query.kind.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(k) => Some(
            Kind::parse(k)
                .map_err(|e| ApiError::unprocessable("invalid_kind", e.to_string()))?
                .as_str()
                .to_owned(),
        ),
    };
    let scope = CreditScope {
        kind,
        employee_id: query.employee_id,
    };
    state.clicks.settle().await;
    let loaded = filter.clone();
    let totals = state
        .db
        .run(move |conn| credit::totals(conn, &loaded, &scope))
        .await?;
    let label = |g: &GroupTotal<_>| g.label.clone();
    Ok(HttpResponse::Ok().json(json!({
        "from": super::reports::rfc3339(filter.period.from_utc()),
        "to": super::reports::rfc3339(filter.period.to_utc()),
        "model": filter.model.as_str(),
        "revenue": if filter.influenced { "influenced" } else { "sourced" },
        "currency": filter.currency,
        "by_employee": rows(totals.by_employee, label),
        "by_campaign": rows(totals.by_campaign, |g| {
            if g.key.is_some() { g.label.clone() } else { "No campaign".to_owned() }
        }),
        "by_content": rows(totals.by_content, label),
        "by_network": rows(totals.by_network, |g| credit::network_name(&g.key).to_owned()),
    })))
}
