//! Leaderboards (DESIGN.md §6): the ranked rows of a board for a period and filter, and
//! the same rows as CSV. `GET /api/v1/leaderboards/{board}`, its CSV export, the
//! dashboard's top lists and the leaderboards page (with its CSV link) all call these, so
//! a page shows exactly the rows the API answers for the same query. The privacy mode
//! is applied here, for every one of them (`app::privacy`).

use crate::app::credit;
use crate::app::privacy::{self, Audience, BoardAccess};
use crate::db::DbConnection;
use crate::domain::csv_cell;
use crate::domain::leaderboard::{self, Board, Ranked};
use crate::store::reports::{self, ReportFilter};
use crate::store::StoreError;

/// Rows when a query names no limit.
pub const DEFAULT_LIMIT: usize = 10;

/// What a board is asked for.
#[derive(Debug, Clone)]
pub struct BoardRequest {
    pub board: Board,
    /// Period, share filters, unique/verified, attribution model, sourced/influenced,
    /// mention channel and influence (what each board reads of it).
    pub filter: ReportFilter,
    /// The first `limit` rows (1..=[`leaderboard::MAX_ROWS`]).
    pub limit: usize,
    /// Who looks, under which privacy mode.
    pub audience: Audience,
}

/// Whether a limit is one a board answers.
pub fn valid_limit(limit: usize) -> bool {
    (1..=leaderboard::MAX_ROWS).contains(&limit)
}

/// The ranked rows of a board as the request's audience may see them, on the caller's
/// connection: rank 1 first, ties broken by label, rows without a value left out.
pub fn ranked(conn: &mut DbConnection, req: &BoardRequest) -> Result<Vec<Ranked>, StoreError> {
    // A board that ranks people may rank the viewer among everyone (privacy), so it
    // needs every row; the others only what can make the first `limit` places.
    let keep = if req.board.ranks_people() {
        leaderboard::MAX_ROWS
    } else {
        req.limit
    };
    let rows = board_rows(conn, req.board, &req.filter, keep)?;
    let rows = privacy::apply(conn, req.board, rows, &req.audience)?;
    let access = privacy::board_access(req.audience.mode, req.audience.viewer);
    if req.board.ranks_people() && access == BoardAccess::OwnOnly {
        // The viewer's rank is among everyone.
        let all = leaderboard::rank(rows, leaderboard::MAX_ROWS);
        return Ok(privacy::keep_own(all, |r| r.id, req.audience.viewer));
    }
    Ok(leaderboard::rank(rows, req.limit))
}

/// The unranked rows of a board: counted by the database, or from shared conversion
/// credit ([`credit`]) under another model than last click, or influenced.
fn board_rows(
    conn: &mut DbConnection,
    board: Board,
    filter: &ReportFilter,
    keep: usize,
) -> Result<Vec<(i64, String, f64)>, StoreError> {
    if credit::shares_credit(board, filter) {
        credit::board_rows(conn, board, filter)
    } else {
        reports::board_rows(conn, board, filter, keep)
    }
}

/// Every employee's row of an employee board, by id, privacy aside: for "my stats", which
/// shows one person only their own row.
pub fn ranked_individuals(
    conn: &mut DbConnection,
    board: Board,
    filter: &ReportFilter,
) -> Result<Vec<Ranked>, StoreError> {
    let rows = board_rows(conn, board, filter, leaderboard::MAX_ROWS)?;
    Ok(leaderboard::rank(
        rows.into_iter()
            .map(|(id, label, value)| (Some(id), label, value))
            .collect(),
        leaderboard::MAX_ROWS,
    ))
}

/// The rows as the CSV export writes them: a `rank,id,label,value` header, then one line
/// per row with the value as the JSON shows it (labels made safe for spreadsheets).
pub fn csv(rows: &[Ranked]) -> Result<Vec<u8>, csv::Error> {
    csv_with_header(rows, ["rank", "id", "label", "value"])
}

/// [`csv`] under other column names (a page's language) — the rows exactly the same.
pub fn csv_with_header(rows: &[Ranked], header: [&str; 4]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(header)?;
    for row in rows {
        out.write_record([
            row.rank.to_string(),
            row.id.map(|id| id.to_string()).unwrap_or_default(),
            csv_cell::safe(&row.label).into_owned(),
            row.value_text(),
        ])?;
    }
    out.into_inner().map_err(|err| err.into_error().into())
}

/// The file name of a board's CSV download.
pub fn csv_filename(board: Board) -> String {
    format!("{}.csv", board.name())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_header_and_the_rows_as_shown() {
        let rows = vec![
            Ranked {
                rank: 1,
                id: Some(7),
                label: "=cmd".into(),
                value: 3.0,
            },
            Ranked {
                rank: 2,
                id: None,
                label: "Ahn, Ji".into(),
                value: 1.0 / 3.0,
            },
        ];
        let text = String::from_utf8(csv(&rows).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "rank,id,label,value");
        assert_eq!(lines[1], "1,7,'=cmd,3");
        assert_eq!(lines[2], "2,,\"Ahn, Ji\",0.3333");
        assert_eq!(
            String::from_utf8(csv(&[]).unwrap()).unwrap(),
            "rank,id,label,value\n"
        );
    }

    #[test]
    fn limits_are_one_to_max_rows() {
        assert!(!valid_limit(0));
        assert!(valid_limit(1) && valid_limit(leaderboard::MAX_ROWS));
        assert!(!valid_limit(leaderboard::MAX_ROWS + 1));
    }
}
