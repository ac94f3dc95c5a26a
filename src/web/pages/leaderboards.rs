//! `/admin/leaderboards`: every board of DESIGN.md §6 for the period and filters of the
//! dashboard's form, the first rows of each with "show more", the unique/verified toggle
//! on the click boards, attribution model and sourced/influenced on the conversion
//! boards, reach/mentions on the supporters board, and a CSV download of exactly the rows
//! shown (`/admin/leaderboards/{board}.csv`, under the admin session, written by the same
//! `app::leaderboards` function as the API's export).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::dashboard::{filter_options, period_text, query, today, Chosen, FormView, ReportForm};
use super::{render, Nav, Tr};
use crate::app::leaderboards::{self, BoardRequest, DEFAULT_LIMIT};
use crate::app::privacy::{Audience, Viewer, Words};
use crate::domain::attribution::Model;
use crate::domain::conversion::format_money;
use crate::domain::kpi::Influence;
use crate::domain::leaderboard::{Board, Ranked, MAX_ROWS};
use crate::error::PageError;
use crate::i18n::format;
use crate::store::reports::ReportFilter;
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

/// The boards in the order the page shows them: shares and content, then people, then
/// the brand's supporters.
const ORDER: [Board; 12] = [
    Board::TopShares,
    Board::EngagementShares,
    Board::PopularContent,
    Board::MostSharedContent,
    Board::EmployeesClicks,
    Board::EmployeesShares,
    Board::EmployeesPosts,
    Board::EmployeesEngagement,
    Board::EmployeesReach,
    Board::EmployeesConversions,
    Board::EmployeesRevenue,
    Board::Supporters,
];

/// The boards that rank by clicks, where unique visitors can replace verified clicks.
fn counts_clicks(board: Board) -> bool {
    matches!(
        board,
        Board::TopShares | Board::PopularContent | Board::EmployeesClicks
    )
}

/// The boards that credit conversions (attribution model, sourced/influenced).
fn credits_conversions(board: Board) -> bool {
    matches!(board, Board::EmployeesConversions | Board::EmployeesRevenue)
}

/// The leaderboards form: the dashboard's period and filters, and the board options.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct LeaderboardForm {
    #[serde(flatten)]
    pub report: ReportForm,
    /// `unique` ranks click boards by unique visitors; anything else, verified clicks.
    #[serde(default)]
    pub count: String,
    /// `last_click` (default), `first_click` or `linear`.
    #[serde(default)]
    pub model: String,
    /// `sourced` (default) or `influenced`.
    #[serde(default)]
    pub revenue: String,
    /// `reach` (default) or `mentions`.
    #[serde(default)]
    pub influence: String,
    /// The board that shows `limit` rows instead of the first ten.
    #[serde(default)]
    pub show: String,
    #[serde(default)]
    pub limit: String,
}

/// The board options a form chose (anything unknown falls back to the default).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Options {
    unique: bool,
    model: Model,
    influenced: bool,
    influence: Influence,
}

impl LeaderboardForm {
    fn options(&self) -> Options {
        Options {
            unique: self.count.trim() == "unique",
            model: Model::parse(self.model.trim()).unwrap_or(Model::LastClick),
            influenced: self.revenue.trim() == "influenced",
            influence: Influence::parse(self.influence.trim()).unwrap_or(Influence::Reach),
        }
    }

    /// The limit of `board`: the asked one for the board being shown in full, the first
    /// ten for the others. Out of range or unreadable limits are brought into range.
    fn limit_of(&self, board: Board) -> usize {
        if self.show.trim() != board.name() {
            return DEFAULT_LIMIT;
        }
        self.limit
            .trim()
            .parse::<usize>()
            .unwrap_or(DEFAULT_LIMIT)
            .clamp(1, MAX_ROWS)
    }
}

impl Options {
    fn apply(&self, mut filter: ReportFilter) -> ReportFilter {
        filter.unique = self.unique;
        filter.model = self.model;
        filter.influenced = self.influenced;
        filter.influence = self.influence;
        filter
    }

    /// The option fields that differ from the defaults.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if self.unique {
            out.push(("count", "unique".to_string()));
        }
        if self.model != Model::LastClick {
            out.push(("model", self.model.as_str().to_string()));
        }
        if self.influenced {
            out.push(("revenue", "influenced".to_string()));
        }
        if self.influence != Influence::Reach {
            out.push(("influence", self.influence.as_str().to_string()));
        }
        out
    }
}

/// The privacy words in the page's language.
pub fn words(t: &Tr) -> Words {
    Words {
        anonymous: t.get("privacy.anonymous"),
        erased: t.get("privacy.erased"),
        no_team: t.get("privacy.no-team"),
    }
}

/// `user` looking at boards under the privacy mode in force.
pub fn audience(state: &AppState, user: &CurrentUser) -> Audience {
    Audience {
        mode: state.effective().privacy_mode,
        viewer: if user.is_admin() {
            Viewer::Admin
        } else {
            Viewer::Employee(user.id)
        },
        words: words(&Tr::current()),
    }
}

/// One row of a board as a table shows it.
pub struct RowView {
    pub rank: usize,
    pub id: Option<i64>,
    pub label: String,
    /// The page of what the row names (employee, share, content), if it has one.
    pub href: Option<String>,
    pub value: String,
}

/// A segmented choice (`Verified clicks | Unique visitors`): links that keep everything
/// else of the page's query.
pub struct Toggle {
    pub label: String,
    pub options: Vec<ToggleOption>,
}

pub struct ToggleOption {
    pub label: String,
    pub href: String,
    pub current: bool,
}

/// One board as a card shows it.
pub struct BoardView {
    pub name: &'static str,
    pub title: String,
    /// What the value column counts.
    pub value_label: String,
    pub rows: Vec<RowView>,
    pub toggles: Vec<Toggle>,
    /// "Show more" (a larger limit), when the board may have more rows.
    pub more_href: Option<String>,
    /// Back to the first ten, when showing more.
    pub fewer_href: Option<String>,
    pub csv_href: String,
}

/// Where a board's row leads.
fn row_href(board: Board, id: i64) -> Option<String> {
    match board {
        Board::TopShares | Board::EngagementShares => Some(format!("/admin/shares/{id}")),
        Board::PopularContent | Board::MostSharedContent => {
            Some(format!("/admin/content/{id}/stats"))
        }
        Board::Supporters => None,
        _ => Some(format!("/admin/employees/{id}")),
    }
}

/// A row's value as people read it: money for revenue, a share for supporters, a whole
/// number for counts (or two decimals where linear attribution split credit).
pub(crate) fn value_text(t: &Tr, board: Board, value: f64, currency: &str) -> String {
    let locale = t.locale();
    match board {
        Board::EmployeesRevenue => format_money(value.round() as i64, currency),
        Board::Supporters => format::percent(locale, value),
        _ if value.fract() != 0.0 => format::decimal(locale, value, 2),
        _ => format::integer(locale, value as i64),
    }
}

/// A board's rows as a table shows them (the dashboard's top lists too).
pub fn board_view(t: &Tr, board: Board, rows: &[Ranked], currency: &str) -> BoardView {
    BoardView {
        name: board.name(),
        title: t.get(&format!("board.{}.title", board.name())),
        value_label: t.get(&format!("board.{}.value", board.name())),
        rows: rows
            .iter()
            .map(|r| RowView {
                rank: r.rank,
                id: r.id,
                label: r.label.clone(),
                // Rows without an id (anonymous, erased, teams) lead nowhere.
                href: r.id.and_then(|id| row_href(board, id)),
                value: value_text(t, board, r.value, currency),
            })
            .collect(),
        toggles: Vec::new(),
        more_href: None,
        fewer_href: None,
        csv_href: String::new(),
    }
}

#[derive(Template)]
#[template(path = "admin/leaderboards.html")]
struct LeaderboardsPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    form: FormView,
    /// The option fields the filter form carries along.
    hidden: Vec<(&'static str, String)>,
    period: String,
    timezone: String,
    boards: Vec<BoardView>,
    dashboard_href: String,
}

/// `GET /admin/leaderboards`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Query<LeaderboardForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let t = Tr::current();
    let effective = state.effective();
    let tz = effective.timezone;
    let currency = effective.default_currency.clone();
    let (campaigns, teams) = filter_options(&state).await?;
    let parsed = form.report.parse(&t, tz, today(tz), &campaigns, &teams);
    let chosen = parsed.as_ref().ok().cloned();
    let errors = parsed.err().map(|e| *e).unwrap_or_default();
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let options = form.options();
    let mut page = LeaderboardsPage {
        title: "board.page-title",
        nav: Some(Nav::new(&user, "leaderboards")),
        t,
        form: FormView::new(
            &t,
            &form.report,
            chosen.as_ref(),
            errors,
            &campaigns,
            &teams,
        ),
        hidden: options.pairs(),
        period: String::new(),
        timezone: tz.name().to_string(),
        boards: Vec::new(),
        dashboard_href: "/admin".to_string(),
    };
    let Some(chosen) = chosen else {
        return render(status, &page);
    };
    let filter = options.apply(chosen.filter(&currency));
    let audience = audience(&state, &user);
    let requests: Vec<BoardRequest> = ORDER
        .iter()
        .map(|board| BoardRequest {
            board: *board,
            filter: filter.clone(),
            limit: form.limit_of(*board),
            audience: audience.clone(),
        })
        .collect();
    state.clicks.settle().await;
    let ranked = state
        .db
        .run(move |conn| {
            requests
                .iter()
                .map(|req| Ok((req.board, req.limit, leaderboards::ranked(conn, req)?)))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    page.period = period_text(&t, chosen.first, chosen.last);
    page.dashboard_href = format!("/admin?{}", query(&chosen.pairs()));
    page.boards = ranked
        .into_iter()
        .map(|(board, limit, rows)| decorate(&t, &chosen, options, board, limit, &rows, &currency))
        .collect();
    render(status, &page)
}

/// A board's card: rows, toggles, "show more" and the CSV link, all keeping the query.
fn decorate(
    t: &Tr,
    chosen: &Chosen,
    options: Options,
    board: Board,
    limit: usize,
    rows: &[Ranked],
    currency: &str,
) -> BoardView {
    let mut view = board_view(t, board, rows, currency);
    if counts_clicks(board) && options.unique {
        view.value_label = t.get("board.unique-visitors");
    }
    let base = chosen.pairs();
    let href = |opts: Options, show: Option<(Board, usize)>, anchor: bool| {
        let mut pairs = base.clone();
        pairs.extend(opts.pairs());
        if let Some((b, n)) = show {
            pairs.push(("show", b.name().to_string()));
            pairs.push(("limit", n.to_string()));
        }
        let mut out = format!("/admin/leaderboards?{}", query(&pairs));
        if anchor {
            out.push_str(&format!("#board-{}", board.name()));
        }
        out
    };
    // The board keeps its number of rows when an option changes.
    let keep = (limit != DEFAULT_LIMIT).then_some((board, limit));
    let toggle = |label: &str, choices: Vec<(String, Options)>| Toggle {
        label: t.get(label),
        options: choices
            .into_iter()
            .map(|(label, opts)| ToggleOption {
                current: opts == options,
                href: href(opts, keep, true),
                label,
            })
            .collect(),
    };
    if counts_clicks(board) {
        view.toggles.push(toggle(
            "board.count",
            vec![
                (
                    t.get("board.count-verified"),
                    Options {
                        unique: false,
                        ..options
                    },
                ),
                (
                    t.get("board.count-unique"),
                    Options {
                        unique: true,
                        ..options
                    },
                ),
            ],
        ));
    }
    if credits_conversions(board) {
        view.toggles.push(toggle(
            "board.model",
            Model::ALL
                .iter()
                .map(|m| {
                    (
                        t.get(&format!("board.model-{}", m.as_str())),
                        Options {
                            model: *m,
                            ..options
                        },
                    )
                })
                .collect(),
        ));
        view.toggles.push(toggle(
            "board.revenue",
            vec![
                (
                    t.get("board.revenue-sourced"),
                    Options {
                        influenced: false,
                        ..options
                    },
                ),
                (
                    t.get("board.revenue-influenced"),
                    Options {
                        influenced: true,
                        ..options
                    },
                ),
            ],
        ));
    }
    if board == Board::Supporters {
        view.toggles.push(toggle(
            "board.influence",
            [Influence::Reach, Influence::Mentions]
                .iter()
                .map(|i| {
                    (
                        t.get(&format!("board.influence-{}", i.as_str())),
                        Options {
                            influence: *i,
                            ..options
                        },
                    )
                })
                .collect(),
        ));
    }
    // A full page of rows may have more behind it.
    if rows.len() >= limit && limit < MAX_ROWS {
        let next = (limit * 5).clamp(50, MAX_ROWS);
        view.more_href = Some(href(options, Some((board, next)), true));
    }
    if limit != DEFAULT_LIMIT {
        view.fewer_href = Some(href(options, None, true));
    }
    let mut csv_pairs = base.clone();
    csv_pairs.extend(options.pairs());
    csv_pairs.push(("limit", limit.to_string()));
    view.csv_href = format!(
        "/admin/leaderboards/{}.csv?{}",
        board.name(),
        query(&csv_pairs)
    );
    view
}

/// `GET /admin/leaderboards/{board}.csv`: exactly the rows the page shows for the same
/// query, written as the API's `/export/leaderboards/{board}.csv` writes them.
pub async fn csv(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    board: web::Path<String>,
    form: web::Query<LeaderboardForm>,
) -> Result<HttpResponse, PageError> {
    let board = Board::parse(&board).ok_or(PageError::NotFound)?;
    let mut form = form.into_inner();
    // The link names the board's own limit.
    form.show = board.name().to_string();
    let t = Tr::current();
    let effective = state.effective();
    let tz = effective.timezone;
    let (campaigns, teams) = filter_options(&state).await?;
    let chosen = form
        .report
        .parse(&t, tz, today(tz), &campaigns, &teams)
        .map_err(|errors| {
            let message = [
                errors.range,
                errors.from,
                errors.to,
                errors.campaign_id,
                errors.team,
                errors.network,
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            PageError::BadRequest(message)
        })?;
    let request = BoardRequest {
        board,
        filter: form
            .options()
            .apply(chosen.filter(&effective.default_currency)),
        limit: form.limit_of(board),
        audience: audience(&state, &user),
    };
    state.clicks.settle().await;
    let rows = state
        .db
        .run(move |conn| leaderboards::ranked(conn, &request))
        .await?;
    // People open this file in a spreadsheet: on pages in another language than English
    // the column names are in that language, and a byte-order mark tells Excel the text
    // is UTF-8 (without it, Hangul shows as mojibake). In English the file is byte for
    // byte the API's export.
    let body = if t.locale() == crate::i18n::Locale::En {
        leaderboards::csv(&rows)
    } else {
        let header = [
            "board.csv-rank",
            "board.csv-id",
            "board.csv-label",
            "board.csv-value",
        ]
        .map(|key| t.get(key));
        leaderboards::csv_with_header(&rows, header.each_ref().map(String::as_str)).map(|csv| {
            let mut body = "\u{feff}".as_bytes().to_vec();
            body.extend(csv);
            body
        })
    };
    let body = body.map_err(|err| {
        tracing::error!(error = %err, "cannot write a leaderboard CSV");
        PageError::Internal
    })?;
    Ok(crate::web::csv_export::csv_attachment(&leaderboards::csv_filename(board)).body(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_fall_back_to_the_defaults_and_only_differences_travel() {
        let f = LeaderboardForm::default();
        let o = f.options();
        assert_eq!(
            o,
            Options {
                unique: false,
                model: Model::LastClick,
                influenced: false,
                influence: Influence::Reach
            }
        );
        assert!(o.pairs().is_empty());
        let f = LeaderboardForm {
            count: "unique".into(),
            model: "linear".into(),
            revenue: "influenced".into(),
            influence: "bogus".into(),
            ..LeaderboardForm::default()
        };
        let o = f.options();
        assert_eq!(
            o.pairs(),
            vec![
                ("count", "unique".to_string()),
                ("model", "linear".to_string()),
                ("revenue", "influenced".to_string())
            ]
        );
    }

    #[test]
    fn only_the_shown_board_gets_the_limit() {
        let f = LeaderboardForm {
            show: "top-shares".into(),
            limit: "50".into(),
            ..LeaderboardForm::default()
        };
        assert_eq!(f.limit_of(Board::TopShares), 50);
        assert_eq!(f.limit_of(Board::EmployeesClicks), DEFAULT_LIMIT);
        let f = LeaderboardForm {
            show: "top-shares".into(),
            limit: "100000".into(),
            ..LeaderboardForm::default()
        };
        assert_eq!(f.limit_of(Board::TopShares), MAX_ROWS);
        let f = LeaderboardForm {
            show: "top-shares".into(),
            limit: "lots".into(),
            ..LeaderboardForm::default()
        };
        assert_eq!(f.limit_of(Board::TopShares), DEFAULT_LIMIT);
    }

    #[test]
    fn rows_link_to_what_they_name() {
        assert_eq!(
            row_href(Board::TopShares, 4).as_deref(),
            Some("/admin/shares/4")
        );
        assert_eq!(
            row_href(Board::PopularContent, 5).as_deref(),
            Some("/admin/content/5/stats")
        );
        assert_eq!(
            row_href(Board::EmployeesRevenue, 6).as_deref(),
            Some("/admin/employees/6")
        );
        assert_eq!(row_href(Board::Supporters, 7), None);
        for board in Board::ALL {
            assert!(ORDER.contains(&board), "{} is on the page", board.name());
        }
    }
}
