//! An employee's own results (DESIGN.md §6, "my stats"): their row on every employee board
//! for a period, with their rank among everyone on that board ("4th of 37 in clicks").
//! The rows are the boards' own (`app::leaderboards`), so the numbers equal the
//! leaderboards page and the API for the same period.

use crate::app::leaderboards::{self, BoardRequest};
use crate::db::DbConnection;
use crate::domain::leaderboard::{Board, MAX_ROWS};
use crate::store::reports::ReportFilter;
use crate::store::StoreError;

/// The boards that rank employees, in the order "my stats" shows them.
pub const MY_BOARDS: [Board; 7] = [
    Board::EmployeesClicks,
    Board::EmployeesShares,
    Board::EmployeesEngagement,
    Board::EmployeesReach,
    Board::EmployeesConversions,
    Board::EmployeesRevenue,
    Board::EmployeesPosts,
];

/// One employee on one board.
#[derive(Debug, Clone, PartialEq)]
pub struct MyRank {
    pub board: Board,
    /// Their value, `None` when they are not on the board (nothing in the period).
    pub value: Option<f64>,
    /// 1 for the top; `None` when not on the board.
    pub rank: Option<usize>,
    /// How many are on the board.
    pub of: usize,
}

/// `employee_id`'s row on each of [`MY_BOARDS`] for `filter`. A board beyond
/// [`MAX_ROWS`] employees ranks only its first `MAX_ROWS`: further down, the rank is unknown
/// and the value shows without it.
pub fn my_ranks(
    conn: &mut DbConnection,
    employee_id: i64,
    filter: &ReportFilter,
) -> Result<Vec<MyRank>, StoreError> {
    MY_BOARDS
        .iter()
        .map(|&board| {
            let rows = leaderboards::ranked(
                conn,
                &BoardRequest {
                    board,
                    filter: filter.clone(),
                    limit: MAX_ROWS,
                },
            )?;
            let mine = rows.iter().find(|row| row.id == employee_id);
            Ok(MyRank {
                board,
                value: mine.map(|row| row.value),
                rank: mine.map(|row| row.rank),
                of: rows.len(),
            })
        })
        .collect()
}
