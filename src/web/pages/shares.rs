//! `/admin/shares/{id}`: the share drill-down. One share (employee, content, network, its
//! whole short link), its all-time figures as `GET /api/v1/shares/{id}` reports them, and
//! over a chosen period (the dashboard's period form and parsing): human clicks per day
//! (the dashboard's line chart), clicks by country, device and referrer
//! (`app::breakdowns::breakdown_of` with a share filter, as the API's `share_id`), its
//! conversions with the reason an unattributed one is not credited, and its metrics
//! snapshots. Everything comes from `app::breakdowns::share_report`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

use super::conversions::{network_label, reason_label};
use super::dashboard::{period_text, today, FormView, ReportForm};
use super::{render, Nav, Tr};
use crate::app::breakdowns::{self, Breakdown, ShareReport};
use crate::domain::conversion::format_money;
use crate::domain::share::short_url;
use crate::error::PageError;
use crate::i18n::format;
use crate::store::conversions::ConversionListing;
use crate::web::auth::AdminUser;
use crate::web::charts::{self, Labels, Line};
use crate::web::AppState;

/// One row of a chart's table (the `_charts.html` chart macro's shape).
pub struct ChartRow {
    pub label: String,
    pub value: String,
    pub extra: String,
    pub extra_value: String,
}

/// A chart with the table of its numbers (the `_charts.html` chart macro's shape).
pub struct ChartView {
    pub id: &'static str,
    pub title: String,
    pub svg: String,
    pub columns: Vec<String>,
    pub rows: Vec<ChartRow>,
    pub legend: Vec<(&'static str, String)>,
}

/// One breakdown as a small table.
struct SplitView {
    id: &'static str,
    title: String,
    total: String,
    rows: Vec<(String, String, String)>,
}

/// One conversion row.
struct ConversionView {
    id: i64,
    time: String,
    kind: String,
    value: String,
    attributed: bool,
    reason: String,
}

/// One metrics snapshot row.
struct SnapshotView {
    observed: String,
    likes: String,
    comments: String,
    reshares: String,
    impressions: String,
    engagement: String,
    source: String,
}

/// The share's all-time figures (the API's `stats`).
struct Figure {
    id: &'static str,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "admin/share.html")]
struct SharePage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    id: i64,
    form: FormView,
    /// Where the period form goes.
    action: String,
    timezone: String,
    /// Empty when the form has errors.
    period: String,
    employee_id: i64,
    employee: String,
    content_id: i64,
    content: String,
    network: String,
    short_url: String,
    destination: String,
    disabled: bool,
    figures: Vec<Figure>,
    chart: Option<ChartView>,
    splits: Vec<SplitView>,
    conversions: Vec<ConversionView>,
    snapshots: Vec<SnapshotView>,
}

/// A drill-down's period form read: the share or employee fixes campaign, team and
/// network, so only the period is offered.
struct PeriodChoice {
    chosen: Option<super::dashboard::Chosen>,
    /// 422 when the form has errors.
    status: StatusCode,
    form_view: FormView,
    /// The chosen period's filter; with errors, the default period's (the page still
    /// names the share or employee, its figures hidden behind the error message).
    filter: crate::store::reports::ReportFilter,
}

fn period_choice(
    t: &Tr,
    tz: chrono_tz::Tz,
    currency: &str,
    form: &ReportForm,
) -> Result<PeriodChoice, PageError> {
    let parsed = form.parse(t, tz, today(tz), &[], &[]);
    let chosen = parsed.as_ref().ok().cloned();
    let errors = parsed.err().map(|e| *e).unwrap_or_default();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form_view = FormView::new(t, form, chosen.as_ref(), errors, &[], &[]);
    let filter = match &chosen {
        Some(c) => c.filter(currency),
        None => ReportForm::default()
            .parse(t, tz, today(tz), &[], &[])
            .map_err(|_| PageError::Internal)?
            .filter(currency),
    };
    Ok(PeriodChoice {
        chosen,
        status,
        form_view,
        filter,
    })
}

/// `GET /admin/shares/{id}?range&from&to`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Query<ReportForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let t = Tr::current();
    let effective = state.effective();
    let tz = effective.timezone;
    let currency = effective.default_currency.clone();
    let PeriodChoice {
        chosen,
        status,
        form_view,
        filter,
    } = period_choice(&t, tz, &currency, &form)?;
    // Clicks answered before this request count in it.
    state.clicks.settle().await;
    let report = state
        .db
        .run(move |conn| breakdowns::share_report(conn, id, &filter))
        .await?;
    let ShareReport {
        share,
        employee_name,
        content_title,
        stats,
        days,
        country,
        device,
        referrer,
        conversions,
        snapshots,
    } = report;
    let locale = t.locale();
    let int = |n: i64| format::integer(locale, n);
    let figures = vec![
        ("clicks", "drill.clicks", int(stats.clicks)),
        (
            "unique-clicks",
            "drill.unique-clicks",
            int(stats.unique_clicks),
        ),
        ("raw-clicks", "drill.raw-clicks", int(stats.raw_clicks)),
        ("bot-clicks", "drill.bot-clicks", int(stats.bot_clicks)),
        (
            "preview-clicks",
            "drill.preview-clicks",
            int(stats.preview_clicks),
        ),
        (
            "flagged-clicks",
            "drill.flagged-clicks",
            int(stats.flagged_clicks),
        ),
        ("engagement", "drill.engagement", int(stats.engagement)),
        (
            "impressions",
            "drill.impressions",
            stats
                .impressions
                .map_or_else(|| t.get("drill.no-data"), int),
        ),
        ("conversions", "drill.conversions", int(stats.conversions)),
        (
            "revenue",
            "drill.revenue",
            if stats.revenue_by_currency.is_empty() {
                format_money(0, &currency)
            } else {
                stats
                    .revenue_by_currency
                    .iter()
                    .map(|(cur, v)| format_money(*v, cur))
                    .collect::<Vec<_>>()
                    .join(" · ")
            },
        ),
    ]
    .into_iter()
    .map(|(id, key, value)| Figure {
        id,
        label: t.get(key),
        value,
    })
    .collect();
    let (chart, splits, period) = match &chosen {
        None => (None, Vec::new(), String::new()),
        Some(c) => (
            Some(clicks_chart(&t, &days)),
            vec![
                split(&t, "country", "drill.by-country", &country),
                split(&t, "device", "drill.by-device", &device),
                split(&t, "referrer", "drill.by-referrer", &referrer),
            ],
            period_text(&t, c.first, c.last),
        ),
    };
    let conversions = if chosen.is_some() {
        conversions
            .into_iter()
            .map(|c| conversion_view(&t, c, tz))
            .collect()
    } else {
        Vec::new()
    };
    let snapshots = snapshots
        .into_iter()
        .map(|s| SnapshotView {
            observed: format::datetime(locale, s.observed_at.with_timezone(&tz).naive_local()),
            likes: int(s.likes),
            comments: int(s.comments),
            reshares: int(s.reshares),
            impressions: s.impressions.map(int).unwrap_or_default(),
            engagement: int(s.engagement),
            source: t.get(&format!("drill.source-{}", s.source.replace('_', "-"))),
        })
        .collect();
    let page = SharePage {
        title: "drill.share-title",
        nav: Some(Nav::new(&user, "leaderboards")),
        id,
        form: form_view,
        action: format!("/admin/shares/{id}"),
        timezone: tz.name().to_string(),
        period,
        employee_id: share.employee_id,
        employee: employee_name,
        content_id: share.content_id,
        content: content_title,
        network: network_label(&t, &share.network),
        short_url: short_url(state.settings.public_base(), &share.slug),
        destination: share.destination,
        disabled: share.disabled,
        figures,
        chart,
        splits,
        conversions,
        snapshots,
        t,
    };
    render(status, &page)
}

/// Human clicks per day as the dashboard draws them (one line, no comparison).
pub fn clicks_chart(t: &Tr, days: &[(NaiveDate, i64)]) -> ChartView {
    let locale = t.locale();
    let values: Vec<f64> = days.iter().map(|(_, n)| *n as f64).collect();
    let x_labels: Vec<String> = days.iter().map(|(d, _)| t.date(d)).collect();
    let title = t.get("drill.chart-clicks");
    let total: i64 = days.iter().map(|(_, n)| n).sum();
    let description = t.with(
        "drill.chart-clicks-desc",
        "total",
        format::integer(locale, total),
    );
    let svg = charts::line_chart(
        &Labels {
            id: "chart-share-clicks",
            title: &title,
            description: &description,
            empty: &t.get("drill.no-data"),
        },
        &[Line {
            class: "current",
            values: &values,
        }],
        &x_labels,
        &|v| format::integer(locale, v.round() as i64),
    );
    ChartView {
        id: "chart-share-clicks",
        title,
        svg,
        columns: vec![t.get("drill.col-day"), t.get("drill.col-clicks")],
        rows: days
            .iter()
            .map(|(d, n)| ChartRow {
                label: t.date(d),
                value: format::integer(locale, *n),
                extra: String::new(),
                extra_value: String::new(),
            })
            .collect(),
        legend: Vec::new(),
    }
}

fn split(t: &Tr, id: &'static str, key: &str, b: &Breakdown) -> SplitView {
    let locale = t.locale();
    SplitView {
        id,
        title: t.get(key),
        total: format::integer(locale, b.total),
        rows: b
            .rows
            .iter()
            .map(|r| {
                (
                    r.value.clone().unwrap_or_else(|| t.get("drill.unknown")),
                    format::integer(locale, r.clicks),
                    format::percent(locale, r.share),
                )
            })
            .collect(),
    }
}

fn conversion_view(t: &Tr, listing: ConversionListing, tz: chrono_tz::Tz) -> ConversionView {
    let c = listing.conversion;
    ConversionView {
        id: c.id,
        time: format::datetime(t.locale(), c.occurred_at.with_timezone(&tz).naive_local()),
        kind: match c.kind.as_str() {
            "lead" | "signup" | "sale" => t.get(&format!("conversions.kind-{}", c.kind)),
            other => other.to_string(),
        },
        value: match (c.value_cents, c.currency.as_deref()) {
            (Some(v), Some(cur)) => format_money(v, cur),
            (Some(v), None) => v.to_string(),
            (None, _) => String::new(),
        },
        attributed: c.attributed,
        reason: if c.attributed {
            String::new()
        } else {
            reason_label(t, c.unattributed_reason.as_deref())
        },
    }
}

/// One employee board: what it counts, their value and rank.
struct RankView {
    board: &'static str,
    label: String,
    value: String,
    rank: String,
}

/// One of their shares with its clicks of the period.
struct EmployeeShareView {
    id: i64,
    title: String,
    network: String,
    short_url: String,
    clicks: String,
}

#[derive(Template)]
#[template(path = "admin/employee_stats.html")]
struct EmployeeStatsPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    id: i64,
    name: String,
    form: FormView,
    action: String,
    timezone: String,
    period: String,
    ranks: Vec<RankView>,
    shares: Vec<EmployeeShareView>,
    conversions: Vec<ConversionView>,
}

/// `GET /admin/employees/{id}/stats?range&from&to`: an employee's drill-down — their row
/// on every employee board (the figures of "my stats" and the leaderboards), their shares
/// with each one's human clicks, and the conversions attributed to them.
pub async fn employee(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Query<ReportForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let t = Tr::current();
    let effective = state.effective();
    let tz = effective.timezone;
    let currency = effective.default_currency.clone();
    let PeriodChoice {
        chosen,
        status,
        form_view,
        filter,
    } = period_choice(&t, tz, &currency, &form)?;
    state.clicks.settle().await;
    let mode = effective.privacy_mode;
    let report = state
        .db
        .run(move |conn| breakdowns::employee_report(conn, id, &filter, mode))
        .await?;
    let locale = t.locale();
    let base = state.settings.public_base();
    let valid = chosen.is_some();
    let ranks = report
        .ranks
        .iter()
        .map(|r| RankView {
            board: r.board.name(),
            label: t.get(&format!("board.{}.value", r.board.name())),
            value: r
                .value
                .map(|v| super::leaderboards::value_text(&t, r.board, v, &currency))
                .unwrap_or_else(|| "—".to_string()),
            rank: match r.rank {
                Some(rank) => t.with2("mystats.rank", "rank", rank, "of", r.of),
                None if !r.rank_shown => t.get("privacy.rank-hidden"),
                None => t.get("mystats.unranked"),
            },
        })
        .collect();
    let shares = report
        .shares
        .into_iter()
        .map(|(l, clicks)| EmployeeShareView {
            id: l.share.id,
            title: l.title,
            network: network_label(&t, &l.share.network),
            short_url: short_url(base, &l.share.slug),
            clicks: format::integer(locale, clicks),
        })
        .collect();
    let conversions = report
        .conversions
        .into_iter()
        .map(|c| conversion_view(&t, c, tz))
        .collect();
    let page = EmployeeStatsPage {
        title: "drill.employee-title",
        nav: Some(Nav::new(&user, "employees")),
        id,
        name: report.name,
        form: form_view,
        action: format!("/admin/employees/{id}/stats"),
        timezone: tz.name().to_string(),
        period: chosen
            .as_ref()
            .map(|c| period_text(&t, c.first, c.last))
            .unwrap_or_default(),
        ranks: if valid { ranks } else { Vec::new() },
        shares: if valid { shares } else { Vec::new() },
        conversions: if valid { conversions } else { Vec::new() },
        t,
    };
    render(status, &page)
}

/// One share of a content item with its clicks of the period.
struct ContentShareView {
    id: i64,
    employee: String,
    network: String,
    short_url: String,
    clicks: String,
}

#[derive(Template)]
#[template(path = "admin/content_stats.html")]
struct ContentStatsPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    id: i64,
    name: String,
    form: FormView,
    action: String,
    timezone: String,
    period: String,
    figures: Vec<Figure>,
    chart: Option<ChartView>,
    splits: Vec<SplitView>,
    shares: Vec<ContentShareView>,
}

/// `GET /admin/content/{id}/stats?range&from&to`: a content item's drill-down — its
/// shares with their human clicks, clicks per day, by network and by employee (named
/// under the privacy mode), and the conversions attributed to its shares.
pub async fn content(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Query<ReportForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form = form.into_inner();
    let t = Tr::current();
    let effective = state.effective();
    let tz = effective.timezone;
    let currency = effective.default_currency.clone();
    let PeriodChoice {
        chosen,
        status,
        form_view,
        filter,
    } = period_choice(&t, tz, &currency, &form)?;
    state.clicks.settle().await;
    let mode = effective.privacy_mode;
    let words = super::leaderboards::words(&t);
    let rates = effective.exchange_rates.clone();
    let report = state
        .db
        .run(move |conn| breakdowns::content_report(conn, id, &filter, mode, &words, &rates))
        .await?;
    let locale = t.locale();
    let int = |n: i64| format::integer(locale, n);
    let base = state.settings.public_base();
    let total: i64 = report.days.iter().map(|(_, n)| n).sum();
    let as_split = |id: &'static str, key: &str, rows: &[(String, i64)]| {
        split(
            &t,
            id,
            key,
            &Breakdown {
                dimension: breakdowns::Dimension::Network,
                total,
                rows: rows
                    .iter()
                    .map(|(v, n)| breakdowns::BreakdownRow {
                        value: Some(v.clone()),
                        clicks: *n,
                        share: *n as f64 / total as f64,
                    })
                    .collect(),
            },
        )
    };
    let network_rows: Vec<(String, i64)> = report
        .by_network
        .iter()
        .map(|(n, c)| (network_label(&t, n), *c))
        .collect();
    let (chart, splits, figures, period) = match &chosen {
        None => (None, Vec::new(), Vec::new(), String::new()),
        Some(c) => (
            Some(clicks_chart(&t, &report.days)),
            vec![
                as_split("network", "drill.by-network", &network_rows),
                as_split("employee", "drill.by-employee", &report.by_employee),
            ],
            vec![
                Figure {
                    id: "clicks",
                    label: t.get("drill.clicks"),
                    value: int(total),
                },
                Figure {
                    id: "conversions",
                    label: t.get("drill.conversions"),
                    value: int(report.conversions),
                },
                Figure {
                    id: "revenue",
                    label: t.get("drill.revenue"),
                    value: format_money(report.revenue.total_cents, &currency),
                },
            ],
            period_text(&t, c.first, c.last),
        ),
    };
    let shares = report
        .shares
        .into_iter()
        .map(|s| ContentShareView {
            id: s.share.id,
            employee: s.employee,
            network: network_label(&t, &s.share.network),
            short_url: short_url(base, &s.share.slug),
            clicks: int(s.clicks),
        })
        .collect();
    let page = ContentStatsPage {
        title: "drill.content-title",
        nav: Some(Nav::new(&user, "content")),
        id,
        name: report.title,
        form: form_view,
        action: format!("/admin/content/{id}/stats"),
        timezone: tz.name().to_string(),
        period,
        figures,
        chart,
        splits,
        shares: if chosen.is_some() { shares } else { Vec::new() },
        t,
    };
    render(status, &page)
}
