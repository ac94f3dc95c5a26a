//! Admin pages: the home with live counts, employees and teams.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{form_text, ok, render, see_other, Nav, Tr};
use crate::domain::email::Email;
use crate::domain::leaderboard::{self, Board, Ranked};
use crate::domain::password;
use crate::domain::period::Period;
use crate::domain::person::{Label, Role};
use crate::error::PageError;
use crate::store::reports::ReportFilter;
use crate::store::{
    self, counts::Counts, employees::Employee, employees::NewEmployee, teams::TeamWithSize,
    StoreError,
};
use crate::web::auth::AdminUser;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "admin/home.html")]
struct HomePage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    counts: Counts,
    backend: &'static str,
    top_employees: Vec<Ranked>,
    top_shares: Vec<Ranked>,
}

pub async fn home(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let period = Period::parse(None, None, state.settings.timezone, chrono::Utc::now())
        .map_err(|_| PageError::Internal)?;
    state.clicks.settle().await;
    let filter = ReportFilter {
        period,
        campaign_id: None,
        team: None,
        network: None,
        unique: false,
        currency: state.settings.default_currency.clone(),
        model: crate::domain::attribution::Model::LastClick,
        influenced: false,
        sources: crate::store::snapshots::Sources::ALL,
        channel: None,
        influence: crate::domain::kpi::Influence::Reach,
    };
    let (counts, employees, shares) = state
        .db
        .run(move |conn| {
            Ok((
                store::counts::overview(conn)?,
                store::reports::board_rows(conn, Board::EmployeesClicks, &filter)?,
                store::reports::board_rows(conn, Board::TopShares, &filter)?,
            ))
        })
        .await?;
    ok(&HomePage {
        title: "page.overview",
        nav: Some(Nav::new(&user, "home")),
        t: Tr::current(),
        counts,
        backend: state.db.backend_name(),
        top_employees: leaderboard::rank(employees, 5),
        top_shares: leaderboard::rank(shares, 5),
    })
}

#[derive(Template)]
#[template(path = "admin/employees.html")]
struct EmployeesPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    employees: Vec<Employee>,
    teams: Vec<TeamWithSize>,
    form: EmployeeForm,
    errors: EmployeeErrors,
    team_form: TeamForm,
    team_error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct EmployeeForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Default)]
struct EmployeeErrors {
    email: Option<String>,
    name: Option<String>,
    team: Option<String>,
    role: Option<String>,
    password: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct TeamForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
pub struct Notice {
    added: Option<String>,
}

struct Draft {
    form: EmployeeForm,
    errors: EmployeeErrors,
    team_form: TeamForm,
    team_error: Option<String>,
    notice: Option<String>,
}

async fn employees_page(
    state: &AppState,
    user: &crate::web::auth::CurrentUser,
    status: StatusCode,
    draft: Draft,
) -> Result<HttpResponse, PageError> {
    let (employees, teams) = state
        .db
        .run(|conn| {
            Ok((
                store::employees::list(conn)?,
                store::teams::list_with_sizes(conn)?,
            ))
        })
        .await?;
    render(
        status,
        &EmployeesPage {
            title: "page.employees",
            nav: Some(Nav::new(user, "employees")),
            t: Tr::current(),
            csrf: user.csrf.clone(),
            employees,
            teams,
            form: draft.form,
            errors: draft.errors,
            team_form: draft.team_form,
            team_error: draft.team_error,
            notice: draft.notice,
        },
    )
}

pub async fn employees(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    notice: web::Query<Notice>,
) -> Result<HttpResponse, PageError> {
    let notice = notice
        .into_inner()
        .added
        .map(|what| added_notice(&Tr::current(), &what));
    let draft = Draft {
        form: EmployeeForm::default(),
        errors: EmployeeErrors::default(),
        team_form: TeamForm::default(),
        team_error: None,
        notice,
    };
    employees_page(&state, &user, StatusCode::OK, draft).await
}

pub async fn add_employee(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<EmployeeForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let mut errors = EmployeeErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|e| errors.email = Some(form_text::email(&t, &e.0)))
        .ok();
    let name = Label::parse(&form.name)
        .map_err(|e| errors.name = Some(form_text::label(&t, "form.field.name", &e)))
        .ok();
    let team = match form.team.trim() {
        "" => Some(None),
        team => Label::parse(team)
            .map(Some)
            .map_err(|e| errors.team = Some(form_text::label(&t, "form.field.team", &e)))
            .ok(),
    };
    let role = Role::parse(&form.role)
        .map_err(|e| errors.role = Some(form_text::role(&t, &e.0)))
        .ok();
    let password_hash = if form.password.is_empty() {
        Some(None)
    } else {
        let password = form.password.clone();
        let hashed = web::block(move || password::hash(&password))
            .await
            .map_err(|_| PageError::Internal)?;
        hashed
            .map(Some)
            .map_err(|e| errors.password = Some(form_text::password(&t, &e)))
            .ok()
    };
    let (Some(email), Some(name), Some(team), Some(role), Some(password_hash)) =
        (email, name, team, role, password_hash)
    else {
        let draft = Draft {
            form,
            errors,
            team_form: TeamForm::default(),
            team_error: None,
            notice: None,
        };
        return employees_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await;
    };
    let shown = email.to_string();
    let new = NewEmployee {
        email,
        name,
        team,
        role,
        password_hash,
    };
    match state
        .db
        .run(move |conn| store::employees::insert(conn, new))
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/admin/employees?added={}",
            percent_encoding::utf8_percent_encode(&shown, percent_encoding::NON_ALPHANUMERIC)
        ))),
        Err(StoreError::Conflict(_)) => {
            errors.email = Some(t.get("employees.email-taken"));
            let draft = Draft {
                form,
                errors,
                team_form: TeamForm::default(),
                team_error: None,
                notice: None,
            };
            employees_page(&state, &user, StatusCode::CONFLICT, draft).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn add_team(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let failed = |team_form: TeamForm, why: String| Draft {
        form: EmployeeForm::default(),
        errors: EmployeeErrors::default(),
        team_form,
        team_error: Some(why),
        notice: None,
    };
    let name = match Label::parse(&form.name) {
        Ok(name) => name,
        Err(e) => {
            return employees_page(
                &state,
                &user,
                StatusCode::UNPROCESSABLE_ENTITY,
                failed(
                    form,
                    form_text::label(&Tr::current(), "form.field.team-name", &e),
                ),
            )
            .await
        }
    };
    let shown = name.as_str().to_string();
    match state
        .db
        .run(move |conn| store::teams::insert(conn, name.as_str()))
        .await
    {
        Ok(_) => Ok(see_other(&format!(
            "/admin/employees?added={}",
            percent_encoding::utf8_percent_encode(
                &format!("team {shown}"),
                percent_encoding::NON_ALPHANUMERIC
            )
        ))),
        Err(StoreError::Conflict(_)) => {
            employees_page(
                &state,
                &user,
                StatusCode::CONFLICT,
                failed(form, Tr::current().get("employees.team-taken")),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The notice after `?added=`: an e-mail (an employee) or `team NAME`.
fn added_notice(t: &Tr, what: &str) -> String {
    match what.strip_prefix("team ") {
        Some(team) => t.with("employees.added-team", "name", team),
        None => t.with("employees.added-employee", "email", what),
    }
}
