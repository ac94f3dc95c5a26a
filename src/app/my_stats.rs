//! An employee's own results (DESIGN.md §6, "my stats"): their row on every employee board
//! for a period, with their rank among everyone on that board ("4th of 37 in clicks").
//! The rows are the boards' own (`app::leaderboards`), so the numbers equal the
//! leaderboards page and the API for the same period.

use crate::app::leaderboards;
use crate::app::privacy;
use crate::config::PrivacyMode;
use crate::db::DbConnection;
use crate::domain::leaderboard::Board;
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
    /// 1 for the top; `None` when not on the board or when the privacy mode hides it.
    pub rank: Option<usize>,
    /// `false` when the privacy mode hides ranks (`teams_only`): `rank` and `of` are unset.
    pub rank_shown: bool,
    /// How many are on the board.
    pub of: usize,
}

/// `employee_id`'s row on each of [`MY_BOARDS`] for `filter`. A board beyond
/// `MAX_ROWS` employees ranks only its first `MAX_ROWS`: further down, the rank is unknown
/// and the value shows without it. Under `teams_only` the rank is hidden (only the value
/// shows); the other modes show one's own rank (`app::privacy`).
pub fn my_ranks(
    conn: &mut DbConnection,
    employee_id: i64,
    filter: &ReportFilter,
    mode: PrivacyMode,
) -> Result<Vec<MyRank>, StoreError> {
    let rank_shown = privacy::own_rank_shown(mode);
    MY_BOARDS
        .iter()
        .map(|&board| {
            let rows = leaderboards::ranked_individuals(conn, board, filter)?;
            let mine = rows.iter().find(|row| row.id == Some(employee_id));
            Ok(MyRank {
                board,
                value: mine.map(|row| row.value),
                rank: mine.map(|row| row.rank).filter(|_| rank_shown),
                rank_shown,
                of: if rank_shown { rows.len() } else { 0 },
            })
        })
        .collect()
}
