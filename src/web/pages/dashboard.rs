//! `/admin`: the dashboard marketing opens every morning. A GET form picks the period
//! (last 7, 30 or 90 days, this month, or custom dates, both included) and the share
//! filters (campaign, team, network); the page shows the advocacy and brand KPIs of
//! DESIGN.md §5 with their change against the period of equal length before, each with
//! its formula and inputs from the metric dictionary on demand, charts (clicks per day
//! beside the previous period, the engagement-levels funnel, human clicks by network,
//! country, device and referrer host, share of voice by brand and by channel, mention
//! volume and sentiment of the own brand against the competitors) and the first rows of
//! three boards.
//!
//! Every figure comes from `app::dashboard`, which calls the use cases behind
//! `/api/v1/kpis`, `/breakdowns/{dimension}` and `/leaderboards/{board}`: the page formats,
//! it never computes. The form ([`ReportForm`]) is shared with the leaderboards page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;

use super::leaderboards::{board_view, BoardView};
use super::{render, Nav, Tr};
use crate::app::breakdowns::Breakdown;
use crate::app::dashboard::{self, Change, Dashboard, DashboardRequest};
use crate::app::kpis::{BrandFigures, Figure, KpiError, KpiReport};
use crate::domain::attribution::Model;
use crate::domain::conversion::format_money;
use crate::domain::kpi::{self, EngagementBasis, Influence, MetricKind};
use crate::domain::leaderboard::Board;
use crate::domain::network::Network;
use crate::domain::period::{Period, PeriodError};
use crate::error::PageError;
use crate::i18n::format;
use crate::store::reports::ReportFilter;
use crate::store::snapshots::Sources;
use crate::store::{self};
use crate::web::auth::AdminUser;
use crate::web::charts::{self, Bar, Labels, Line, Segment, StackedBar, Step};
use crate::web::AppState;

/// The boards whose first rows the dashboard shows.
const TOP_BOARDS: [Board; 3] = [
    Board::EmployeesClicks,
    Board::TopShares,
    Board::EmployeesConversions,
];
/// How many rows of each.
const TOP_ROWS: usize = 5;

// ───────────────────────────── the period and filter form ─────────────────────────────

/// The period and filter form of the dashboard and the leaderboards page, as submitted:
/// kept as text so that a bad value is shown back beside its field.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct ReportForm {
    /// `7d`, `30d` (the default), `90d`, `month` or `custom`.
    #[serde(default)]
    pub range: String,
    /// Custom period: local dates, both included.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub campaign_id: String,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub network: String,
}

/// The period presets, by their form value.
pub const RANGES: [&str; 5] = ["7d", "30d", "90d", "month", "custom"];

/// The message beside each field that cannot be read.
#[derive(Default, Debug)]
pub struct FormErrors {
    pub range: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub campaign_id: Option<String>,
    pub team: Option<String>,
    pub network: Option<String>,
}

impl FormErrors {
    pub fn any(&self) -> bool {
        self.range.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.campaign_id.is_some()
            || self.team.is_some()
            || self.network.is_some()
    }
}

/// What a valid form chose.
#[derive(Debug, Clone)]
pub struct Chosen {
    /// The preset that applies, or `custom`.
    pub range: &'static str,
    /// First and last local day, both included.
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub period: Period,
    pub campaign_id: Option<i64>,
    pub team: Option<String>,
    pub network: Option<String>,
}

impl Chosen {
    /// The report filter of the choice, as the API builds it for the same query
    /// (`from=first&to=last+1` and the same filters; verified clicks, last click,
    /// sourced revenue, self-reported figures included).
    pub fn filter(&self, currency: &str) -> ReportFilter {
        ReportFilter {
            period: self.period,
            campaign_id: self.campaign_id,
            team: self.team.clone(),
            network: self.network.clone(),
            unique: false,
            currency: currency.to_string(),
            model: Model::LastClick,
            influenced: false,
            sources: Sources::ALL,
            channel: None,
            influence: Influence::Reach,
        }
    }

    /// The form fields that give this choice again (for links that keep it).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("range", self.range.to_string())];
        out.push(("from", self.first.to_string()));
        out.push(("to", self.last.to_string()));
        if let Some(id) = self.campaign_id {
            out.push(("campaign_id", id.to_string()));
        }
        if let Some(team) = &self.team {
            out.push(("team", team.clone()));
        }
        if let Some(network) = &self.network {
            out.push(("network", network.clone()));
        }
        out
    }

    /// The number of days in the period.
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

/// The days a preset covers up to `today`, both included.
fn preset_days(range: &str, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let back = |n: i64| Some((today - Duration::days(n - 1), today));
    match range {
        "7d" => back(7),
        "30d" => back(30),
        "90d" => back(90),
        "month" => Some((today.with_day(1).unwrap_or(today), today)),
        _ => None,
    }
}

impl ReportForm {
    /// Reads the form against the campaigns and teams that exist, `today` being the
    /// local date. A preset whose dates were edited in the form counts as custom (the
    /// form shows a preset's dates; changing them means a custom period).
    pub fn parse(
        &self,
        t: &Tr,
        tz: chrono_tz::Tz,
        today: NaiveDate,
        campaigns: &[(i64, String)],
        teams: &[String],
    ) -> Result<Chosen, Box<FormErrors>> {
        let mut errors = FormErrors::default();
        let (from, to) = (self.from.trim(), self.to.trim());
        let mut range: &'static str = match self.range.trim() {
            "" if from.is_empty() && to.is_empty() => "30d",
            "" => "custom",
            r => match RANGES.iter().find(|k| **k == r) {
                Some(k) => k,
                None => {
                    errors.range = Some(t.get("dash.error-range"));
                    "30d"
                }
            },
        };
        if let Some((first, last)) = preset_days(range, today) {
            let edited = (!from.is_empty() && from != first.to_string())
                || (!to.is_empty() && to != last.to_string());
            if edited {
                range = "custom";
            }
        }
        let days = match preset_days(range, today) {
            Some(days) => Some(days),
            None => {
                let date = |value: &str, slot: &mut Option<String>| {
                    if value.is_empty() {
                        *slot = Some(t.get("dash.error-date-required"));
                        return None;
                    }
                    NaiveDate::parse_from_str(value, "%Y-%m-%d")
                        .map_err(|_| *slot = Some(t.with("form.date-invalid", "value", value)))
                        .ok()
                };
                let first = date(from, &mut errors.from);
                let last = date(to, &mut errors.to);
                match (first, last) {
                    (Some(first), Some(last)) if last < first => {
                        errors.to = Some(t.get("form.date-order"));
                        None
                    }
                    (Some(first), Some(last)) => Some((first, last)),
                    _ => None,
                }
            }
        };
        let period = days.and_then(|(first, last)| {
            let to = last.succ_opt()?;
            match Period::parse(
                Some(&first.to_string()),
                Some(&to.to_string()),
                tz,
                Utc::now(),
            ) {
                Ok(period) => Some(period),
                Err(PeriodError::TooLong) => {
                    errors.to = Some(t.get("dash.error-too-long"));
                    None
                }
                Err(_) => {
                    errors.to = Some(t.get("form.date-order"));
                    None
                }
            }
        });
        let campaign_id = match self.campaign_id.trim() {
            "" => None,
            v => match v.parse::<i64>() {
                Ok(id) if campaigns.iter().any(|(c, _)| *c == id) => Some(id),
                _ => {
                    errors.campaign_id = Some(t.get("dash.error-campaign"));
                    None
                }
            },
        };
        let team = match self.team.trim() {
            "" => None,
            v if teams.iter().any(|team| team == v) => Some(v.to_string()),
            _ => {
                errors.team = Some(t.get("dash.error-team"));
                None
            }
        };
        let network = match self.network.trim() {
            "" => None,
            v => match Network::parse(v) {
                Ok(n) => Some(n.as_str().to_string()),
                Err(_) => {
                    errors.network = Some(t.get("dash.error-network"));
                    None
                }
            },
        };
        match (days, period) {
            (Some((first, last)), Some(period)) if !errors.any() => Ok(Chosen {
                range,
                first,
                last,
                period,
                campaign_id,
                team,
                network,
            }),
            _ => Err(Box::new(errors)),
        }
    }
}

/// One `<option>` of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The form as the template shows it: the values to fill in, the options, the errors.
pub struct FormView {
    pub range: String,
    pub from: String,
    pub to: String,
    pub ranges: Vec<Choice>,
    pub campaigns: Vec<Choice>,
    pub teams: Vec<Choice>,
    pub networks: Vec<Choice>,
    pub errors: FormErrors,
    pub has_errors: bool,
}

impl FormView {
    /// The form filled with the choice (dates of a preset included) or, after errors,
    /// with what was typed.
    pub fn new(
        t: &Tr,
        form: &ReportForm,
        chosen: Option<&Chosen>,
        errors: FormErrors,
        campaigns: &[(i64, String)],
        teams: &[String],
    ) -> FormView {
        let (range, from, to) = match chosen {
            Some(c) => (c.range.to_string(), c.first.to_string(), c.last.to_string()),
            None => (
                form.range.trim().to_string(),
                form.from.trim().to_string(),
                form.to.trim().to_string(),
            ),
        };
        let current = |value: &str| value.trim().to_string();
        let (campaign, team, network) = (
            current(&form.campaign_id),
            current(&form.team),
            current(&form.network),
        );
        FormView {
            ranges: RANGES
                .iter()
                .map(|r| Choice {
                    value: r.to_string(),
                    label: t.get(&format!("dash.range-{r}")),
                    selected: *r == range,
                })
                .collect(),
            campaigns: campaigns
                .iter()
                .map(|(id, name)| Choice {
                    value: id.to_string(),
                    label: name.clone(),
                    selected: id.to_string() == campaign,
                })
                .collect(),
            teams: teams
                .iter()
                .map(|name| Choice {
                    value: name.clone(),
                    label: name.clone(),
                    selected: *name == team,
                })
                .collect(),
            networks: Network::ALL
                .iter()
                .map(|n| Choice {
                    value: n.as_str().to_string(),
                    label: crate::i18n::network_label(t, *n),
                    selected: n.as_str() == network,
                })
                .collect(),
            range,
            from,
            to,
            has_errors: errors.any(),
            errors,
        }
    }
}

/// A query string of form pairs.
pub fn query(pairs: &[(&str, String)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        q.append_pair(name, value);
    }
    q.finish()
}

/// The campaigns (id, name) and team names the filter selects offer.
pub async fn filter_options(
    state: &AppState,
) -> Result<(Vec<(i64, String)>, Vec<String>), PageError> {
    let (campaigns, teams) = state
        .db
        .run(|conn| {
            Ok((
                store::campaigns::list(conn)?,
                store::teams::list_with_sizes(conn)?,
            ))
        })
        .await?;
    Ok((
        campaigns.into_iter().map(|c| (c.id, c.name)).collect(),
        teams.into_iter().map(|t| t.name).collect(),
    ))
}

/// Today in the report time zone.
pub fn today(tz: chrono_tz::Tz) -> NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// "2026-03-01 – 2026-03-30 (30 days)" in the page's language.
pub fn period_text(t: &Tr, first: NaiveDate, last: NaiveDate) -> String {
    let days = (last - first).num_days() + 1;
    t.with2(
        "dash.period",
        "range",
        format!("{} – {}", t.date(&first), t.date(&last)),
        "days",
        t.count("dash.days", days),
    )
}

// ───────────────────────────── formatting figures ─────────────────────────────

/// "No data" where a figure is null: never 0 %.
fn no_data(t: &Tr) -> String {
    t.get("dash.no-data")
}

/// A KPI figure as people read it, by the dictionary's kind: counts grouped, money in
/// the report currency, ratios as percentages (the engagement rate *per post* as a plain
/// number so labelled), durations in words.
pub fn figure_text(
    t: &Tr,
    name: &str,
    figure: Figure,
    currency: &str,
    basis: Option<EngagementBasis>,
) -> String {
    let Some(value) = dashboard::figure_value(figure) else {
        return no_data(t);
    };
    let kind = kpi::metric(name).map_or(MetricKind::Count, |m| m.kind);
    let locale = t.locale();
    match kind {
        MetricKind::Count => format::integer(locale, value.round() as i64),
        MetricKind::Money => format_money(value.round() as i64, currency),
        MetricKind::Seconds => super::support::duration(t, value.round() as i64),
        MetricKind::Ratio
            if name == "engagement_rate" && basis == Some(EngagementBasis::PerPost) =>
        {
            t.with("dash.per-post", "value", format::decimal(locale, value, 1))
        }
        MetricKind::Ratio => format::percent(locale, value),
    }
}

/// A KPI's figure in a report, by its API name.
fn total(report: &KpiReport, name: &str) -> Figure {
    report
        .totals
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(Figure::Number(None), |(_, f)| *f)
}

/// The dictionary's display name of a KPI in the page's language.
pub fn metric_name(t: &Tr, name: &str) -> String {
    crate::i18n::metric_label(t.locale(), name).map_or_else(|| name.to_string(), |(n, _)| n)
}

// ───────────────────────────── the page ─────────────────────────────

/// How a KPI moved, as the card shows it.
struct ChangeView {
    /// `+12.5%`, `−2.0 pp`, `new`.
    text: String,
    /// `up`, `down` or `flat`, and `good` or `bad` for the colour.
    class: String,
    /// The sentence for screen readers and the tooltip.
    long: String,
}

/// One figure inside a card's formula panel.
struct InputView {
    label: String,
    value: String,
}

/// One KPI card.
struct KpiCard {
    /// API name: the card's id is `kpi-<name>`.
    name: &'static str,
    label: String,
    value: String,
    no_data: bool,
    change: Option<ChangeView>,
    /// The previous period's figure.
    previous: String,
    formula: String,
    inputs_text: String,
    inputs: Vec<InputView>,
    /// EMV beside revenue: never alone.
    beside: Option<Box<KpiCard>>,
    note: Option<String>,
}

/// The figures shown inside each card's formula panel, by API name.
fn related(name: &str) -> &'static [&'static str] {
    match name {
        "clicks" => &["unique_clicks"],
        "unique_clicks" => &["clicks"],
        "engagement_rate" => &["engagement", "impressions"],
        "total_employee_reach" => &["follower_growth"],
        "impressions" => &["engagement"],
        "conversions" => &["leads", "unattributed_conversions"],
        "conversion_rate" => &["conversions", "clicks"],
        "revenue_cents" => &["value_per_customer_cents", "customer_lifetime_value_cents"],
        "earned_media_value_cents" => &["impressions", "clicks"],
        "share_of_voice" => &["awareness"],
        "support_rate" => &["awareness"],
        "brand_attribute_recognition" => &["awareness"],
        "response_time_median_s" => &[
            "response_time_p90_s",
            "issues_resolved",
            "issues_resolved_share",
        ],
        _ => &[],
    }
}

/// Whether a rise of the KPI is good news (response times are better shorter).
fn higher_is_better(name: &str) -> bool {
    !name.starts_with("response_time")
}

fn change_view(t: &Tr, name: &str, change: Change, previous: &str) -> ChangeView {
    let locale = t.locale();
    let signed = |x: f64, text: String| {
        if x > 0.0 {
            format!("+{text}")
        } else if x < 0.0 {
            format!("−{}", text.trim_start_matches('-'))
        } else {
            text
        }
    };
    let text = match change {
        Change::Relative(x) => signed(x, format::percent(locale, x.abs())),
        Change::Points(x) => signed(
            x,
            t.with(
                "dash.points",
                "value",
                format::decimal(locale, x.abs() * 100.0, 1),
            ),
        ),
        Change::FromZero => t.get("dash.change-new"),
    };
    let direction = change.direction();
    // "0.0%" beside a figure reads like the figure: a flat KPI says so in words.
    let text = if direction == 0 {
        t.get("dash.change-none")
    } else {
        text
    };
    let class = match direction {
        0 => "flat".to_string(),
        d => {
            let up = d > 0;
            let good = up == higher_is_better(name);
            format!(
                "{} {}",
                if up { "up" } else { "down" },
                if good { "good" } else { "bad" }
            )
        }
    };
    let long = t.with2("dash.change-long", "change", &text, "previous", previous);
    ChangeView { text, class, long }
}

fn card(t: &Tr, data: &Dashboard, currency: &str, name: &'static str) -> KpiCard {
    let (current, previous) = (&data.current, &data.previous);
    let now = total(current, name);
    let before = total(previous, name);
    let (basis_now, basis_before) = if name == "engagement_rate" {
        (
            current.engagement_rate_basis,
            previous.engagement_rate_basis,
        )
    } else {
        (None, None)
    };
    let value = figure_text(t, name, now, currency, basis_now);
    let previous_text = figure_text(t, name, before, currency, basis_before);
    let kind = kpi::metric(name).map_or(MetricKind::Count, |m| m.kind);
    // A rate per post compares with a rate per post only; per post is a plain number.
    let kind = match (basis_now, basis_before) {
        (Some(a), Some(b)) if a != b => None,
        (Some(EngagementBasis::PerPost), _) => Some(MetricKind::Count),
        _ => Some(kind),
    };
    let change = kind
        .and_then(|kind| {
            dashboard::change(
                kind,
                dashboard::figure_value(now),
                dashboard::figure_value(before),
            )
        })
        .map(|c| change_view(t, name, c, &previous_text));
    let (label, formula) = crate::i18n::metric_label(t.locale(), name).unwrap_or_else(|| {
        (
            name.to_string(),
            kpi::metric(name).map_or(String::new(), |m| m.formula.to_string()),
        )
    });
    let inputs = related(name)
        .iter()
        .map(|input| InputView {
            label: metric_name(t, input),
            value: figure_text(t, input, total(current, input), currency, None),
        })
        .collect();
    let note = match (name, basis_now) {
        ("engagement_rate", Some(EngagementBasis::PerPost)) => Some(t.get("dash.note-per-post")),
        ("conversions", _) => Some(t.with(
            "dash.note-unattributed",
            "count",
            figure_text(
                t,
                "unattributed_conversions",
                total(current, "unattributed_conversions"),
                currency,
                None,
            ),
        )),
        _ => None,
    };
    KpiCard {
        name,
        label,
        no_data: dashboard::figure_value(now).is_none(),
        value,
        change,
        previous: previous_text,
        formula,
        inputs_text: t.get(&format!("metric.{name}.inputs")),
        inputs,
        beside: None,
        note,
    }
}

/// One row of a chart's table: its label, then one cell per further column.
struct ChartRow {
    label: String,
    cells: Vec<String>,
}

/// A chart and the table of its numbers.
struct ChartView {
    id: &'static str,
    title: String,
    svg: String,
    /// Column headings of the table.
    columns: Vec<String>,
    rows: Vec<ChartRow>,
    /// A legend entry per line or segment (class, text): line and stacked charts.
    legend: Vec<(&'static str, String)>,
}

impl ChartView {
    /// A row's cells, each beside the name of its column (after the label's).
    fn cells<'a>(&'a self, row: &'a ChartRow) -> Vec<(&'a str, &'a str)> {
        self.columns
            .iter()
            .skip(1)
            .map(String::as_str)
            .chain(std::iter::repeat(""))
            .zip(row.cells.iter().map(String::as_str))
            .collect()
    }
}

fn clicks_chart(t: &Tr, data: &Dashboard, chosen: &Chosen) -> ChartView {
    let series = |report: &KpiReport| -> Vec<(NaiveDate, f64)> {
        report
            .series
            .iter()
            .map(|(day, figures)| {
                let clicks = figures
                    .iter()
                    .find(|(n, _)| *n == "clicks")
                    .and_then(|(_, f)| dashboard::figure_value(*f))
                    .unwrap_or(0.0);
                (*day, clicks)
            })
            .collect()
    };
    let now = series(&data.current);
    let before = series(&data.previous);
    let now_values: Vec<f64> = now.iter().map(|(_, v)| *v).collect();
    let before_values: Vec<f64> = before.iter().map(|(_, v)| *v).collect();
    let x_labels: Vec<String> = now.iter().map(|(d, _)| t.date(d)).collect();
    let title = t.get("dash.chart-clicks");
    let total_now: f64 = now_values.iter().sum();
    let total_before: f64 = before_values.iter().sum();
    let description = t.with2(
        "dash.chart-clicks-desc",
        "current",
        format::integer(t.locale(), total_now as i64),
        "previous",
        format::integer(t.locale(), total_before as i64),
    );
    let locale = t.locale();
    let svg = charts::line_chart(
        &Labels {
            id: "chart-clicks",
            title: &title,
            description: &description,
            empty: &no_data(t),
        },
        &[
            Line {
                class: "current",
                values: &now_values,
            },
            Line {
                class: "previous",
                values: &before_values,
            },
        ],
        &x_labels,
        &|v| format::integer(locale, v.round() as i64),
    );
    let rows = now
        .iter()
        .enumerate()
        .map(|(i, (day, v))| ChartRow {
            label: t.date(day),
            cells: vec![
                format::integer(locale, *v as i64),
                before.get(i).map_or(String::new(), |(d, _)| t.date(d)),
                before
                    .get(i)
                    .map_or(String::new(), |(_, v)| format::integer(locale, *v as i64)),
            ],
        })
        .collect();
    ChartView {
        id: "chart-clicks",
        title,
        svg,
        columns: vec![
            t.get("dash.col-day"),
            t.get("dash.col-clicks"),
            t.get("dash.col-previous-day"),
            t.get("dash.col-clicks"),
        ],
        rows,
        legend: vec![
            ("current", period_text(t, chosen.first, chosen.last)),
            (
                "previous",
                period_text(
                    t,
                    data.previous_period.first_day,
                    data.previous_period.last_day,
                ),
            ),
        ],
    }
}

fn funnel_chart(t: &Tr, data: &Dashboard) -> ChartView {
    let locale = t.locale();
    let steps: Vec<Step> = data
        .current
        .engagement_levels
        .steps
        .iter()
        .map(|s| Step {
            label: t.get(&format!("dash.level-{}", s.level.as_str())),
            measure: metric_name(t, s.level.measure()),
            count: s.count as f64,
            count_text: format::integer(locale, s.count),
            // The chart has room for the percentage; the table says what it is.
            from_previous_text: s
                .from_previous
                .map(|r| format::percent(locale, r))
                .unwrap_or_default(),
        })
        .collect();
    let title = t.get("dash.chart-funnel");
    let description = t.get("dash.chart-funnel-desc");
    let svg = charts::funnel(
        &Labels {
            id: "chart-funnel",
            title: &title,
            description: &description,
            empty: &no_data(t),
        },
        &steps,
    );
    let rows = steps
        .into_iter()
        .map(|s| ChartRow {
            label: format!("{} · {}", s.label, s.measure),
            cells: vec![
                s.count_text,
                if s.from_previous_text.is_empty() {
                    String::new()
                } else {
                    t.with("dash.of-previous", "share", &s.from_previous_text)
                },
            ],
        })
        .collect();
    ChartView {
        id: "chart-funnel",
        title,
        svg,
        columns: vec![
            t.get("dash.col-level"),
            t.get("dash.col-count"),
            t.get("dash.col-from-previous"),
        ],
        rows,
        legend: Vec::new(),
    }
}

/// A breakdown of human clicks as a bar chart: `id` names the chart, `name` its keys
/// (`dash.chart-{name}`, `dash.chart-{name}-desc`), `column` the key of its first
/// column; `label` names a row's value.
fn breakdown_chart(
    t: &Tr,
    id: &'static str,
    name: &str,
    column: &str,
    breakdown: &Breakdown,
    label: &dyn Fn(&str) -> String,
) -> ChartView {
    let locale = t.locale();
    let bars: Vec<Bar> = breakdown
        .rows
        .iter()
        .map(|r| Bar {
            label: r
                .value
                .as_deref()
                .map_or_else(|| t.get("dash.unknown"), label),
            value: r.clicks as f64,
            value_text: format!(
                "{} · {}",
                format::integer(locale, r.clicks),
                format::percent(locale, r.share)
            ),
        })
        .collect();
    let title = t.get(&format!("dash.chart-{name}"));
    let description = t.with(
        &format!("dash.chart-{name}-desc"),
        "total",
        format::integer(locale, breakdown.total),
    );
    let svg = charts::bar_chart(
        &Labels {
            id,
            title: &title,
            description: &description,
            empty: &no_data(t),
        },
        &bars,
    );
    let rows = breakdown
        .rows
        .iter()
        .zip(bars)
        .map(|(r, b)| ChartRow {
            label: b.label,
            cells: vec![
                format::integer(locale, r.clicks),
                format::percent(locale, r.share),
            ],
        })
        .collect();
    ChartView {
        id,
        title,
        svg,
        columns: vec![
            t.get(column),
            t.get("dash.col-clicks"),
            t.get("dash.col-share"),
        ],
        rows,
        legend: Vec::new(),
    }
}

fn network_chart(t: &Tr, data: &Dashboard) -> ChartView {
    let chart = "chart-networks";
    breakdown_chart(
        t,
        chart,
        "networks",
        "dash.col-network",
        &data.by_network,
        &|v| Network::parse(v).map_or(v.to_string(), |n| crate::i18n::network_label(t, n)),
    )
}

/// Human clicks by country, device and referrer host (`dashboard::FACETS`, in order).
fn facet_charts(t: &Tr, data: &Dashboard) -> Vec<ChartView> {
    data.by_facet
        .iter()
        .filter_map(|b| {
            let (id, name, column) = match b.dimension.name() {
                "country" => ("chart-countries", "countries", "dash.col-country"),
                "device" => ("chart-devices", "devices", "dash.col-device"),
                "referrer" => ("chart-referrers", "referrers", "dash.col-referrer"),
                _ => return None,
            };
            Some(breakdown_chart(t, id, name, column, b, &|v| v.to_string()))
        })
        .collect()
}

/// A share of voice (or "no data") as a bar and its text.
fn sov_bar(t: &Tr, label: String, share: Option<f64>) -> Bar {
    Bar {
        label,
        value: share.unwrap_or(0.0),
        value_text: share.map_or_else(|| no_data(t), |s| format::percent(t.locale(), s)),
    }
}

/// A brand's name, marked when it is the own brand (in the tables; the charts draw the
/// own brand first, as their descriptions say, and keep the name short).
fn brand_label(t: &Tr, b: &BrandFigures) -> String {
    if b.own {
        t.with("dash.own-brand", "brand", &b.brand)
    } else {
        b.brand.clone()
    }
}

/// Share of voice of every brand (`by_brand` of `/kpis`: each equals `share_of_voice`
/// of `/kpis?brand=NAME`).
fn sov_brand_chart(t: &Tr, data: &Dashboard) -> ChartView {
    let locale = t.locale();
    let brands = &data.current.by_brand;
    let all: i64 = brands.iter().map(|b| b.mentions).sum();
    let bars: Vec<Bar> = brands
        .iter()
        .map(|b| sov_bar(t, b.brand.clone(), b.share_of_voice))
        .collect();
    let title = t.get("dash.chart-sov-brands");
    let description = t.with(
        "dash.chart-sov-brands-desc",
        "total",
        format::integer(locale, all),
    );
    let svg = charts::bar_chart(
        &Labels {
            id: "chart-sov-brands",
            title: &title,
            description: &description,
            empty: &no_data(t),
        },
        &bars,
    );
    let rows = brands
        .iter()
        .zip(bars)
        .map(|(b, bar)| ChartRow {
            label: brand_label(t, b),
            cells: vec![format::integer(locale, b.mentions), bar.value_text],
        })
        .collect();
    ChartView {
        id: "chart-sov-brands",
        title,
        svg,
        columns: vec![
            t.get("dash.col-brand"),
            t.get("dash.col-mentions"),
            metric_name(t, "share_of_voice"),
        ],
        rows,
        legend: Vec::new(),
    }
}

/// The own brand's share of voice on each mention channel (`by_channel` of `/kpis`).
fn sov_channel_chart(t: &Tr, data: &Dashboard) -> ChartView {
    let locale = t.locale();
    let channels = &data.current.by_channel;
    let bars: Vec<Bar> = channels
        .iter()
        .map(|c| sov_bar(t, c.channel.clone(), c.share_of_voice))
        .collect();
    let title = t.get("dash.chart-sov-channels");
    let description = t.get("dash.chart-sov-channels-desc");
    let svg = charts::bar_chart(
        &Labels {
            id: "chart-sov-channels",
            title: &title,
            description: &description,
            empty: &no_data(t),
        },
        &bars,
    );
    let rows = channels
        .iter()
        .zip(bars)
        .map(|(c, bar)| ChartRow {
            label: bar.label,
            cells: vec![
                format::integer(locale, c.own_mentions),
                format::integer(locale, c.all_mentions),
                bar.value_text,
            ],
        })
        .collect();
    ChartView {
        id: "chart-sov-channels",
        title,
        svg,
        columns: vec![
            t.get("dash.col-channel"),
            t.get("dash.col-own-mentions"),
            t.get("dash.col-all-mentions"),
            metric_name(t, "share_of_voice"),
        ],
        rows,
        legend: Vec::new(),
    }
}

/// Mention volume of the own brand against the competitors, split by sentiment.
fn sentiment_chart(t: &Tr, data: &Dashboard) -> ChartView {
    let locale = t.locale();
    let brands = &data.current.by_brand;
    /// One sentiment's count of a brand.
    type Count = fn(&BrandFigures) -> i64;
    let kinds: [(&'static str, Count); 3] = [
        ("positive", |b| b.positive),
        ("neutral", |b| b.neutral),
        ("negative", |b| b.negative),
    ];
    let bars: Vec<StackedBar> = brands
        .iter()
        .map(|b| StackedBar {
            label: b.brand.clone(),
            segments: kinds
                .iter()
                .map(|(class, count)| Segment {
                    class,
                    value: count(b) as f64,
                })
                .collect(),
            value_text: format::integer(locale, b.mentions),
        })
        .collect();
    let title = t.get("dash.chart-sentiment");
    let description = t.get("dash.chart-sentiment-desc");
    let svg = charts::stacked_bar_chart(
        &Labels {
            id: "chart-sentiment",
            title: &title,
            description: &description,
            empty: &no_data(t),
        },
        &bars,
    );
    let rows = brands
        .iter()
        .zip(bars)
        .map(|(b, bar)| ChartRow {
            label: brand_label(t, b),
            cells: std::iter::once(bar.value_text)
                .chain(
                    kinds
                        .iter()
                        .map(|(_, count)| format::integer(locale, count(b))),
                )
                .collect(),
        })
        .collect();
    let mut columns = vec![t.get("dash.col-brand"), t.get("dash.col-mentions")];
    let legend: Vec<(&'static str, String)> = kinds
        .iter()
        .map(|(class, _)| (*class, t.get(&format!("dash.sentiment-{class}"))))
        .collect();
    columns.extend(legend.iter().map(|(_, text)| text.clone()));
    ChartView {
        id: "chart-sentiment",
        title,
        svg,
        columns,
        rows,
        legend,
    }
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    form: FormView,
    /// Fields the filter form carries along (none here).
    hidden: Vec<(&'static str, String)>,
    /// The period and its comparison, in words.
    period: String,
    previous: String,
    timezone: String,
    advocacy: Vec<KpiCard>,
    brand: Vec<KpiCard>,
    charts: Vec<ChartView>,
    boards: Vec<BoardView>,
    /// `/admin/leaderboards?…` with the same period and filters.
    leaderboards_href: String,
    /// Entity counts, saying plainly what they count.
    counts: Option<store::counts::Counts>,
    /// Clicks against revenue: lagged correlations and the days that stood out.
    trend: Option<TrendView>,
}

/// The trend card (`app::trends` of clicks, as `/api/v1/trends?kpi=clicks`).
pub struct TrendView {
    /// The strongest correlation in words, or "not enough data".
    pub summary: String,
    /// (revenue how much later, r, days with data) per lag.
    pub lags: Vec<(String, String, String)>,
    /// (day, spike or drop, what happened, most mentioned topics, most used keywords) per
    /// outlier, latest first.
    pub outliers: Vec<(String, &'static str, String, String, String)>,
}

fn trend_view(t: &Tr, trend: &crate::app::trends::TrendReport) -> TrendView {
    use crate::domain::trends::Direction;
    let locale = t.locale();
    let r_text = |r: Option<f64>| match r {
        Some(r) => crate::i18n::format::decimal(locale, r, 2),
        None => t.get("trends.not-enough"),
    };
    let best = trend
        .correlations
        .iter()
        .filter_map(|c| Some((c, c.r?)))
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()));
    let summary = match best {
        Some((c, r)) => {
            t.with2(
                "trends.best",
                "r",
                crate::i18n::format::decimal(locale, r, 2),
                "lag",
                t.count("trends.lag", c.lag as i64),
            ) + " "
                + &t.count("trends.points", c.points as i64)
        }
        None => t.get("trends.summary-none"),
    };
    let lags = trend
        .correlations
        .iter()
        .map(|c| {
            (
                t.count("trends.lag", c.lag as i64),
                r_text(c.r),
                crate::i18n::format::integer(locale, c.points as i64),
            )
        })
        .collect();
    let outliers = trend
        .outliers
        .iter()
        .rev()
        .map(|o| {
            let topics: Vec<&str> = o.topics.iter().map(|x| x.topic.as_str()).collect();
            (
                t.date(&o.period_start),
                match o.direction {
                    Direction::Spike => "spike",
                    Direction::Drop => "drop",
                },
                t.with2(
                    "trends.outlier",
                    "value",
                    crate::i18n::format::integer(locale, o.value.round() as i64),
                    "mean",
                    crate::i18n::format::decimal(locale, o.trailing_mean, 1),
                ),
                if topics.is_empty() {
                    t.get("trends.no-topics")
                } else {
                    t.with("trends.topics", "topics", topics.join(", "))
                },
                if o.keywords.is_empty() {
                    String::new()
                } else {
                    let words: Vec<&str> = o.keywords.iter().map(|k| k.keyword.as_str()).collect();
                    t.with("trends.keywords", "keywords", words.join(", "))
                },
            )
        })
        .collect();
    TrendView {
        summary,
        lags,
        outliers,
    }
}

/// `GET /admin`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Query<ReportForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let t = Tr::current();
    let effective = state.effective();
    let tz = effective.timezone;
    let currency = effective.default_currency.clone();
    let (campaigns, teams) = filter_options(&state).await?;
    let parsed = form.parse(&t, tz, today(tz), &campaigns, &teams);
    let chosen = parsed.as_ref().ok().cloned();
    let errors = parsed.err().map(|e| *e).unwrap_or_default();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let form_view = FormView::new(&t, &form, chosen.as_ref(), errors, &campaigns, &teams);
    let mut page = DashboardPage {
        title: "page.overview",
        nav: Some(Nav::new(&user, "home")),
        t,
        form: form_view,
        hidden: Vec::new(),
        period: String::new(),
        previous: String::new(),
        timezone: tz.name().to_string(),
        advocacy: Vec::new(),
        brand: Vec::new(),
        charts: Vec::new(),
        boards: Vec::new(),
        leaderboards_href: "/admin/leaderboards".to_string(),
        counts: None,
        trend: None,
    };
    let Some(chosen) = chosen else {
        return render(status, &page);
    };
    let request = DashboardRequest {
        filter: chosen.filter(&currency),
        timezone: tz,
        rates: effective.exchange_rates.clone(),
        emv_rates: effective.emv_rates.clone(),
        boards: TOP_BOARDS.to_vec(),
        top: TOP_ROWS,
        audience: super::leaderboards::audience(&state, &user),
    };
    // Clicks answered before this request count in it.
    state.clicks.settle().await;
    let (data, counts) = state
        .db
        .run(move |conn| {
            Ok((
                dashboard::dashboard(conn, &request),
                store::counts::overview(conn)?,
            ))
        })
        .await?;
    let data = data.map_err(|e| match e {
        KpiError::Store(e) => PageError::from(e),
        KpiError::UnknownBrand(_) => PageError::Internal,
    })?;
    let t = &page.t;
    let advocacy_names = [
        "clicks",
        "unique_clicks",
        "engagement_rate",
        "total_employee_reach",
        "impressions",
        "conversions",
        "conversion_rate",
        "revenue_cents",
    ];
    let mut advocacy: Vec<KpiCard> = advocacy_names
        .iter()
        .map(|name| card(t, &data, &currency, name))
        .collect();
    if let Some(revenue) = advocacy.iter_mut().find(|c| c.name == "revenue_cents") {
        revenue.beside = Some(Box::new(card(
            t,
            &data,
            &currency,
            "earned_media_value_cents",
        )));
    }
    let brand = [
        "share_of_voice",
        "support_rate",
        "brand_attribute_recognition",
        "response_time_median_s",
    ]
    .iter()
    .map(|name| card(t, &data, &currency, name))
    .collect();
    let pairs = chosen.pairs();
    page.period = period_text(t, chosen.first, chosen.last);
    page.previous = period_text(
        t,
        data.previous_period.first_day,
        data.previous_period.last_day,
    );
    page.trend = Some(trend_view(&page.t, &data.trend));
    let mut charts = vec![
        clicks_chart(t, &data, &chosen),
        funnel_chart(t, &data),
        network_chart(t, &data),
    ];
    charts.extend(facet_charts(t, &data));
    charts.extend([
        sov_brand_chart(t, &data),
        sov_channel_chart(t, &data),
        sentiment_chart(t, &data),
    ]);
    page.charts = charts;
    page.boards = data
        .boards
        .iter()
        .map(|(board, rows)| board_view(t, *board, rows, &currency))
        .collect();
    page.leaderboards_href = format!("/admin/leaderboards?{}", query(&pairs));
    page.advocacy = advocacy;
    page.brand = brand;
    page.counts = Some(counts);
    render(status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn form(range: &str, from: &str, to: &str) -> ReportForm {
        ReportForm {
            range: range.into(),
            from: from.into(),
            to: to.into(),
            ..ReportForm::default()
        }
    }

    fn parse(f: &ReportForm) -> Result<Chosen, Box<FormErrors>> {
        let campaigns = vec![(3, "Spring".to_string())];
        let teams = vec!["Sales".to_string()];
        f.parse(
            &Tr::new(Locale::En),
            chrono_tz::UTC,
            day("2026-03-15"),
            &campaigns,
            &teams,
        )
    }

    #[test]
    fn presets_end_today_and_include_it() {
        let c = parse(&ReportForm::default()).unwrap();
        assert_eq!(
            (c.range, c.first, c.last),
            ("30d", day("2026-02-14"), day("2026-03-15"))
        );
        assert_eq!(c.days(), 30);
        let c = parse(&form("7d", "", "")).unwrap();
        assert_eq!((c.first, c.last), (day("2026-03-09"), day("2026-03-15")));
        let c = parse(&form("month", "", "")).unwrap();
        assert_eq!((c.first, c.days()), (day("2026-03-01"), 15));
        assert_eq!(
            c.period.to.to_string(),
            "2026-03-16 00:00:00",
            "to is exclusive"
        );
        // The form shows a preset's dates; unchanged, they keep the preset.
        let c = parse(&form("7d", "2026-03-09", "2026-03-15")).unwrap();
        assert_eq!(c.range, "7d");
    }

    #[test]
    fn edited_dates_make_a_custom_period() {
        let c = parse(&form("30d", "2026-01-01", "2026-01-31")).unwrap();
        assert_eq!(
            (c.range, c.first, c.last),
            ("custom", day("2026-01-01"), day("2026-01-31"))
        );
        let c = parse(&form("", "2026-01-01", "2026-01-01")).unwrap();
        assert_eq!((c.range, c.days()), ("custom", 1));
    }

    #[test]
    fn bad_input_is_reported_beside_each_field() {
        let e = parse(&form("custom", "yesterday", "")).unwrap_err();
        assert!(e.from.as_deref().unwrap().contains("yesterday"), "{e:?}");
        assert!(e.to.is_some());
        let e = parse(&form("custom", "2026-03-10", "2026-03-01")).unwrap_err();
        assert!(e.from.is_none() && e.to.is_some());
        let e = parse(&form("custom", "2000-01-01", "2026-03-01")).unwrap_err();
        assert!(e.to.is_some());
        let e = parse(&form("fortnight", "", "")).unwrap_err();
        assert!(e.range.is_some());
        let mut f = ReportForm {
            campaign_id: "x".into(),
            team: "Nobody".into(),
            network: "myspace".into(),
            ..ReportForm::default()
        };
        let e = parse(&f).unwrap_err();
        assert!(e.campaign_id.is_some() && e.team.is_some() && e.network.is_some());
        f.campaign_id = "4".into();
        assert!(
            parse(&f).unwrap_err().campaign_id.is_some(),
            "unknown campaign"
        );
        let f = ReportForm {
            campaign_id: "3".into(),
            team: "Sales".into(),
            network: "linkedin".into(),
            ..ReportForm::default()
        };
        let c = parse(&f).unwrap();
        assert_eq!(
            (c.campaign_id, c.team.as_deref(), c.network.as_deref()),
            (Some(3), Some("Sales"), Some("linkedin"))
        );
        let q = query(&c.pairs());
        assert_eq!(
            q,
            "range=30d&from=2026-02-14&to=2026-03-15&campaign_id=3&team=Sales&network=linkedin"
        );
    }

    #[test]
    fn every_metric_has_its_inputs_in_both_languages() {
        for m in kpi::dictionary() {
            for locale in Locale::ALL {
                let key = format!("metric.{}.inputs", m.name);
                let text = Tr::new(locale).get(&key);
                assert_ne!(text, key.replace('.', "-"), "{locale}: {}", m.name);
            }
        }
    }

    #[test]
    fn null_figures_read_no_data_never_zero_percent() {
        let t = Tr::new(Locale::En);
        let text = figure_text(&t, "conversion_rate", Figure::Number(None), "USD", None);
        assert_eq!(text, t.get("dash.no-data"));
        assert!(!text.contains('%'));
        assert_eq!(
            figure_text(
                &t,
                "conversion_rate",
                Figure::Number(Some(0.125)),
                "USD",
                None
            ),
            "12.5%"
        );
        assert_eq!(
            figure_text(&t, "revenue_cents", Figure::Count(123456), "USD", None),
            "1,234.56 USD"
        );
        assert_eq!(
            figure_text(&t, "clicks", Figure::Count(4200), "USD", None),
            "4,200"
        );
        assert_eq!(
            figure_text(
                &t,
                "earned_media_value_cents",
                Figure::Amount(None),
                "USD",
                None
            ),
            t.get("dash.no-data")
        );
        assert!(figure_text(
            &t,
            "engagement_rate",
            Figure::Number(Some(4.5)),
            "USD",
            Some(EngagementBasis::PerPost)
        )
        .contains("4.5"));
    }
}
