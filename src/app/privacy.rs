//! The privacy mode (DESIGN.md §6) applied to every board that ranks or names employees:
//! the leaderboards API and its CSV, `/admin/leaderboards` and its CSV, the dashboard's
//! top lists, "my stats" on `/me` and the employees' own `/me/leaderboard`. All of them go
//! through [`crate::app::leaderboards::ranked`], which calls [`apply`] here, so one rule
//! decides what every viewer sees:
//!
//! - `off`: names shown to everyone who can see boards.
//! - `admins_only`: individual rankings for admins (and full API keys) only; an employee
//!   sees their own row and rank on each board and nobody else's.
//! - `teams_only`: employee boards are summed by team for everyone, admins and API
//!   included (a team row has no id: its label is the team's name); an employee's own
//!   rank is hidden.
//! - `opt_in`: an employee appears by name only once they opted in (on `/me`; admins see
//!   the choice but cannot make it); everyone else is an anonymous row, with no id or
//!   link, for every viewer, except that employees see their own row by name.
//!
//! Erased employees are always shown as "Erased employee" (no id, no link): their shares
//! still count, so board totals stay the same.
//!
//! Boards of shares name the sharer in their label ("title · name · network"): in
//! `teams_only` the name becomes the sharer's team, in `opt_in` the anonymous word for
//! those who did not opt in.

use std::collections::HashMap;

use crate::config::PrivacyMode;
use crate::db::DbConnection;
use crate::domain::leaderboard::Board;
use crate::store::employees::PrivacyFacts;
use crate::store::{self, StoreError};

/// Who looks at a board. Full API keys are admins here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Admin,
    Employee(i64),
}

/// The words that stand in for people who are not shown by name: from the i18n layer on
/// pages, fixed English words in the API (README, "Data and privacy").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    pub anonymous: String,
    pub erased: String,
    pub no_team: String,
}

impl Words {
    /// The API's words (its answers are not translated).
    pub fn api() -> Words {
        Words {
            anonymous: "Anonymous employee".to_string(),
            erased: "Erased employee".to_string(),
            no_team: "No team".to_string(),
        }
    }
}

/// Who is looking, under which mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    pub mode: PrivacyMode,
    pub viewer: Viewer,
    pub words: Words,
}

impl Audience {
    /// An admin (or a full API key) under the API's words.
    pub fn api(mode: PrivacyMode) -> Audience {
        Audience {
            mode,
            viewer: Viewer::Admin,
            words: Words::api(),
        }
    }
}

/// How the rows of an employee board reach a viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardAccess {
    /// One row per employee (each named or not by [`row_shown`]).
    Individual,
    /// Only the viewer's own row, with its rank among everyone.
    OwnOnly,
    /// One row per team, values summed.
    ByTeam,
}

/// How `viewer` sees employee boards under `mode`.
pub fn board_access(mode: PrivacyMode, viewer: Viewer) -> BoardAccess {
    match (mode, viewer) {
        (PrivacyMode::TeamsOnly, _) => BoardAccess::ByTeam,
        (PrivacyMode::AdminsOnly, Viewer::Employee(_)) => BoardAccess::OwnOnly,
        _ => BoardAccess::Individual,
    }
}

/// Whether employees get a board of others (`/me/leaderboard`) at all.
pub fn employee_board_visible(mode: PrivacyMode) -> bool {
    mode != PrivacyMode::AdminsOnly
}

/// Whether an employee sees their own rank in "my stats".
pub fn own_rank_shown(mode: PrivacyMode) -> bool {
    mode != PrivacyMode::TeamsOnly
}

/// What a person needs to be decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub opted_in: bool,
    pub erased: bool,
}

/// How one employee's row is labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Named,
    Anonymous,
    Erased,
}

/// How `person` is shown to `viewer` under `mode` on an individual board.
pub fn row_shown(mode: PrivacyMode, viewer: Viewer, person: Person) -> Shown {
    if person.erased {
        return Shown::Erased;
    }
    match mode {
        PrivacyMode::OptIn if !person.opted_in && viewer != Viewer::Employee(person.id) => {
            Shown::Anonymous
        }
        _ => Shown::Named,
    }
}

/// A board row before ranking: `None` is a row without an id (anonymous, erased, no team).
pub type Row = (Option<i64>, String, f64);

/// Applies the audience's rule to the unranked rows `(id, label, value)` of `board`.
/// `OwnOnly` is not applied here (ranks are among everyone): see [`keep_own`].
pub fn apply(
    conn: &mut DbConnection,
    board: Board,
    rows: Vec<(i64, String, f64)>,
    audience: &Audience,
) -> Result<Vec<Row>, StoreError> {
    let shares_named = matches!(board, Board::TopShares | Board::EngagementShares);
    if !board.ranks_people() {
        if shares_named && audience.mode != PrivacyMode::Off {
            return share_rows(conn, rows, audience);
        }
        return Ok(rows
            .into_iter()
            .map(|(id, l, v)| (Some(id), l, v))
            .collect());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let facts = store::employees::privacy_facts(conn, &ids)?;
    let access = board_access(audience.mode, audience.viewer);
    Ok(people_rows(rows, &facts, audience, access))
}

/// Employee rows as the audience sees them (pure, given the facts).
pub fn people_rows(
    rows: Vec<(i64, String, f64)>,
    facts: &HashMap<i64, PrivacyFacts>,
    audience: &Audience,
    access: BoardAccess,
) -> Vec<Row> {
    if access == BoardAccess::ByTeam {
        let mut teams: HashMap<Option<i64>, (String, f64)> = HashMap::new();
        for (id, _, value) in rows {
            let (team_id, team) = facts
                .get(&id)
                .and_then(|f| Some((f.team_id?, f.team.clone()?)))
                .map(|(tid, name)| (Some(tid), name))
                .unwrap_or_else(|| (None, audience.words.no_team.clone()));
            teams.entry(team_id).or_insert((team, 0.0)).1 += value;
        }
        // Team rows carry no id: the API's `id` names employees on these boards.
        return teams
            .into_values()
            .map(|(label, value)| (None, label, value))
            .collect();
    }
    rows.into_iter()
        .map(|(id, label, value)| {
            let person = person_of(id, facts);
            match row_shown(audience.mode, audience.viewer, person) {
                Shown::Named => (Some(id), label, value),
                Shown::Anonymous => (None, audience.words.anonymous.clone(), value),
                Shown::Erased => (None, audience.words.erased.clone(), value),
            }
        })
        .collect()
}

fn person_of(id: i64, facts: &HashMap<i64, PrivacyFacts>) -> Person {
    facts.get(&id).map_or(
        // Unknown here means deleted meanwhile: show nobody.
        Person {
            id,
            opted_in: false,
            erased: true,
        },
        |f| Person {
            id,
            opted_in: f.opted_in,
            erased: f.erased,
        },
    )
}

/// Share rows whose label names the sharer ("title · name · network").
fn share_rows(
    conn: &mut DbConnection,
    rows: Vec<(i64, String, f64)>,
    audience: &Audience,
) -> Result<Vec<Row>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let owners = store::employees::share_owners(conn, &ids)?;
    let people: Vec<i64> = owners.values().copied().collect();
    let facts = store::employees::privacy_facts(conn, &people)?;
    Ok(rows
        .into_iter()
        .map(|(id, label, value)| {
            let label = match owners.get(&id).map(|owner| (owner, facts.get(owner))) {
                Some((owner, Some(f))) => {
                    relabel_sharer(&label, &f.name, &sharer_word(*owner, f, audience))
                }
                _ => label,
            };
            (Some(id), label, value)
        })
        .collect())
}

/// What stands for a share's owner in a share board's label.
fn sharer_word(owner: i64, f: &PrivacyFacts, audience: &Audience) -> String {
    if audience.mode == PrivacyMode::TeamsOnly {
        return f
            .team
            .clone()
            .unwrap_or_else(|| audience.words.no_team.clone());
    }
    let person = Person {
        id: owner,
        opted_in: f.opted_in,
        erased: f.erased,
    };
    match row_shown(audience.mode, audience.viewer, person) {
        Shown::Named => f.name.clone(),
        Shown::Anonymous => audience.words.anonymous.clone(),
        Shown::Erased => audience.words.erased.clone(),
    }
}

/// `title · name · network` with `name` replaced by `word` (the last occurrence: titles may
/// contain anything).
pub fn relabel_sharer(label: &str, name: &str, word: &str) -> String {
    let needle = format!(" · {name} · ");
    match label.rfind(&needle) {
        Some(at) => format!(
            "{} · {word} · {}",
            &label[..at],
            &label[at + needle.len()..]
        ),
        None => label.to_string(),
    }
}

/// With [`BoardAccess::OwnOnly`], the viewer's own row among the ranked rows.
pub fn keep_own<T>(rows: Vec<T>, id_of: impl Fn(&T) -> Option<i64>, viewer: Viewer) -> Vec<T> {
    match viewer {
        Viewer::Employee(me) => rows.into_iter().filter(|r| id_of(r) == Some(me)).collect(),
        Viewer::Admin => rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: i64 = 7;

    fn person(id: i64, opted_in: bool, erased: bool) -> Person {
        Person {
            id,
            opted_in,
            erased,
        }
    }

    #[test]
    fn access_follows_the_mode_and_the_viewer() {
        use BoardAccess::*;
        let me = Viewer::Employee(ME);
        assert_eq!(board_access(PrivacyMode::Off, Viewer::Admin), Individual);
        assert_eq!(board_access(PrivacyMode::Off, me), Individual);
        assert_eq!(
            board_access(PrivacyMode::AdminsOnly, Viewer::Admin),
            Individual
        );
        assert_eq!(board_access(PrivacyMode::AdminsOnly, me), OwnOnly);
        assert_eq!(board_access(PrivacyMode::TeamsOnly, Viewer::Admin), ByTeam);
        assert_eq!(board_access(PrivacyMode::TeamsOnly, me), ByTeam);
        assert_eq!(board_access(PrivacyMode::OptIn, Viewer::Admin), Individual);
        assert_eq!(board_access(PrivacyMode::OptIn, me), Individual);
        assert!(!employee_board_visible(PrivacyMode::AdminsOnly));
        assert!(employee_board_visible(PrivacyMode::OptIn));
        assert!(!own_rank_shown(PrivacyMode::TeamsOnly));
        assert!(own_rank_shown(PrivacyMode::AdminsOnly));
    }

    #[test]
    fn opt_in_names_only_those_who_chose_it_and_yourself() {
        let me = Viewer::Employee(ME);
        let other = person(8, false, false);
        let willing = person(9, true, false);
        assert_eq!(row_shown(PrivacyMode::OptIn, me, other), Shown::Anonymous);
        assert_eq!(
            row_shown(PrivacyMode::OptIn, Viewer::Admin, other),
            Shown::Anonymous
        );
        assert_eq!(row_shown(PrivacyMode::OptIn, me, willing), Shown::Named);
        assert_eq!(
            row_shown(PrivacyMode::OptIn, me, person(ME, false, false)),
            Shown::Named
        );
        assert_eq!(row_shown(PrivacyMode::Off, me, other), Shown::Named);
        for mode in PrivacyMode::ALL {
            assert_eq!(
                row_shown(mode, Viewer::Admin, person(3, true, true)),
                Shown::Erased
            );
        }
    }

    fn facts(team: Option<(i64, &str)>, opted_in: bool, erased: bool) -> PrivacyFacts {
        PrivacyFacts {
            name: "x".into(),
            opted_in,
            erased,
            team_id: team.map(|t| t.0),
            team: team.map(|t| t.1.to_string()),
        }
    }

    #[test]
    fn teams_sum_their_people_and_the_teamless_share_a_row() {
        let f = HashMap::from([
            (1, facts(Some((10, "Sales")), false, false)),
            (2, facts(Some((10, "Sales")), false, false)),
            (3, facts(None, false, false)),
            (4, facts(Some((11, "Ops")), false, true)),
        ]);
        let rows = vec![
            (1, "Ann".to_string(), 2.0),
            (2, "Bo".to_string(), 3.0),
            (3, "Cy".to_string(), 1.0),
            (4, "Erased".to_string(), 4.0),
        ];
        let audience = Audience::api(PrivacyMode::TeamsOnly);
        let mut out = people_rows(rows, &f, &audience, BoardAccess::ByTeam);
        out.sort_by(|a, b| a.1.cmp(&b.1));
        assert_eq!(
            out,
            vec![
                (None, "No team".to_string(), 1.0),
                (None, "Ops".to_string(), 4.0),
                (None, "Sales".to_string(), 5.0),
            ]
        );
    }

    #[test]
    fn anonymous_and_erased_rows_lose_their_id_and_name() {
        let f = HashMap::from([
            (1, facts(None, true, false)),
            (2, facts(None, false, false)),
            (3, facts(None, false, true)),
        ]);
        let rows = vec![
            (1, "Ann".to_string(), 2.0),
            (2, "Bo".to_string(), 3.0),
            (3, "Cy".to_string(), 1.0),
        ];
        let audience = Audience::api(PrivacyMode::OptIn);
        let out = people_rows(rows, &f, &audience, BoardAccess::Individual);
        assert_eq!(
            out,
            vec![
                (Some(1), "Ann".to_string(), 2.0),
                (None, "Anonymous employee".to_string(), 3.0),
                (None, "Erased employee".to_string(), 1.0),
            ]
        );
    }

    #[test]
    fn a_sharer_is_replaced_in_a_share_label() {
        assert_eq!(
            relabel_sharer("A · B · Ann · linkedin", "Ann", "Sales"),
            "A · B · Sales · linkedin"
        );
        assert_eq!(relabel_sharer("odd label", "Ann", "Sales"), "odd label");
    }

    #[test]
    fn own_only_keeps_the_viewers_row() {
        let rows = vec![(Some(1), 1), (Some(ME), 2), (None, 3)];
        assert_eq!(
            keep_own(rows.clone(), |r| r.0, Viewer::Employee(ME)),
            vec![(Some(ME), 2)]
        );
        assert_eq!(keep_own(rows.clone(), |r| r.0, Viewer::Admin), rows);
    }
}
