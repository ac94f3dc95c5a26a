//! Admin pages: employees and teams (the dashboard is `dashboard`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{form_text, render, see_other, Nav, Tr};
use crate::domain::email::Email;
use crate::domain::password;
use crate::domain::person::{Label, Role};
use crate::error::PageError;
use crate::store::invitations::Purpose;
use crate::store::{
    self, employees::Employee, employees::EmployeeChanges, employees::EraseRefused,
    employees::NewEmployee, employees::UpdateRefused, teams::TeamWithSize, StoreError,
};
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::pages::invitations::{self as links, Delivery};
use crate::web::AppState;

// ---- Employees and teams: the list, invitations, the CSV of invitations ----

/// One row of the employee list.
pub struct EmployeeRow {
    pub employee: Employee,
    /// `active`, `invited` (pending invitation), `no-login` or `deactivated`.
    pub status: &'static str,
    pub status_label: String,
}

/// A pending link on an employee's page.
pub struct LinkView {
    pub url: String,
    pub until: String,
}

#[derive(Template)]
#[template(path = "admin/employees.html")]
struct EmployeesPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    employees: Vec<EmployeeRow>,
    teams: Vec<TeamWithSize>,
    form: EmployeeForm,
    errors: EmployeeErrors,
    team_form: TeamForm,
    team_error: Option<String>,
    csv_errors: Vec<String>,
    notice: Option<String>,
    mail: bool,
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
    invited: Option<usize>,
    /// `?erased=1` after an erasure.
    erased: Option<String>,
}

#[derive(Default)]
struct Draft {
    form: EmployeeForm,
    errors: EmployeeErrors,
    team_form: TeamForm,
    team_error: Option<String>,
    csv_errors: Vec<String>,
    notice: Option<String>,
}

fn status_of(e: &Employee, invited: &std::collections::HashSet<i64>) -> &'static str {
    if !e.active {
        "deactivated"
    } else if e.can_sign_in {
        "active"
    } else if invited.contains(&e.id) {
        "invited"
    } else {
        "no-login"
    }
}

async fn employees_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    draft: Draft,
) -> Result<HttpResponse, PageError> {
    let (employees, teams, invited) = state
        .db
        .run(|conn| {
            Ok((
                store::employees::list(conn)?,
                store::teams::list_with_sizes(conn)?,
                store::invitations::invited_ids(conn)?,
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
            employees: employees
                .into_iter()
                .map(|employee| {
                    let status = status_of(&employee, &invited);
                    EmployeeRow {
                        status,
                        status_label: Tr::current().get(&format!("employee.status-{status}")),
                        employee,
                    }
                })
                .collect(),
            teams,
            form: draft.form,
            errors: draft.errors,
            team_form: draft.team_form,
            team_error: draft.team_error,
            csv_errors: draft.csv_errors,
            notice: draft.notice,
            mail: state.settings.mail.is_some(),
        },
    )
}

pub async fn employees(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    notice: web::Query<Notice>,
) -> Result<HttpResponse, PageError> {
    let notice = notice.into_inner();
    let t = Tr::current();
    let notice = match (notice.added, notice.invited, notice.erased) {
        (Some(what), _, _) => Some(added_notice(&t, &what)),
        (None, Some(n), _) => Some(t.count("employee.csv-invited", n)),
        (None, None, Some(_)) => Some(t.get("privacy.erased-notice")),
        (None, None, None) => None,
    };
    let draft = Draft {
        notice,
        ..Draft::default()
    };
    employees_page(&state, &user, StatusCode::OK, draft).await
}

/// Issues an invitation made by `admin` and e-mails it when mail is configured; the
/// `done` value of the employee page that reports the outcome.
async fn invite_and_deliver(
    state: &AppState,
    admin: i64,
    employee: &Employee,
) -> Result<&'static str, PageError> {
    let link = links::issue(state, employee.id, Purpose::Invite, Some(admin)).await?;
    let locale = {
        let id = employee.id;
        state
            .db
            .run(move |conn| store::employees::locale(conn, id))
            .await?
    };
    let mail = links::link_mail(
        state,
        Purpose::Invite,
        &employee.name,
        &employee.email,
        locale.as_deref(),
        &link.url,
    );
    Ok(match links::deliver(state, mail).await {
        Delivery::NoMail => "invited",
        Delivery::Sent => "invite-sent",
        Delivery::Failed => "invite-failed",
    })
}

/// The fields the add and edit forms share, each checked on its own (every mistake is
/// reported at once): e-mail, name, team (blank: none) and role.
#[allow(clippy::type_complexity)]
fn person_fields(
    t: &Tr,
    errors: &mut EmployeeErrors,
    email: &str,
    name: &str,
    team: &str,
    role: &str,
) -> (
    Option<Email>,
    Option<Label>,
    Option<Option<Label>>,
    Option<Role>,
) {
    let email = Email::parse(email)
        .map_err(|e| errors.email = Some(form_text::email(t, &e.0)))
        .ok();
    let name = Label::parse(name)
        .map_err(|e| errors.name = Some(form_text::label(t, "form.field.name", &e)))
        .ok();
    let team = match team.trim() {
        "" => Some(None),
        team => Label::parse(team)
            .map(Some)
            .map_err(|e| errors.team = Some(form_text::label(t, "form.field.team", &e)))
            .ok(),
    };
    let role = Role::parse(role.trim())
        .map_err(|e| errors.role = Some(form_text::role(t, &e.0)))
        .ok();
    (email, name, team, role)
}

/// `POST /admin/employees`: adds an employee. With an initial password they can sign in at
/// once; without one (the usual way) an invitation link is made, e-mailed when SMTP is
/// configured, and shown on the employee's page to copy.
pub async fn add_employee(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<EmployeeForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let mut errors = EmployeeErrors::default();
    // A new employee without a role is an employee; the edit form always sends one.
    let role_text = match form.role.trim() {
        "" => Role::Employee.as_str(),
        role => role,
    };
    let (email, name, team, role) = person_fields(
        &t,
        &mut errors,
        &form.email,
        &form.name,
        &form.team,
        role_text,
    );
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
    // A taken address is reported beside the other mistakes, not after they are fixed
    // (the insert still refuses it if another admin takes it meanwhile).
    if let Some(address) = email.clone() {
        if email_owner(&state, address).await?.is_some() {
            errors.email = Some(t.get("employees.email-taken"));
        }
    }
    let (Some(email), Some(name), Some(team), Some(role), Some(password_hash)) =
        (email, name, team, role, password_hash)
    else {
        let draft = Draft {
            form,
            errors,
            ..Draft::default()
        };
        return employees_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await;
    };
    let invite = password_hash.is_none();
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
        Ok(employee) if invite => {
            let done = invite_and_deliver(&state, user.id, &employee).await?;
            Ok(see_other(&format!(
                "/admin/employees/{}?done={done}",
                employee.id
            )))
        }
        Ok(employee) => Ok(see_other(&format!(
            "/admin/employees/{}?done=added",
            employee.id
        ))),
        Err(StoreError::Conflict(_)) => {
            errors.email = Some(t.get("employees.email-taken"));
            let draft = Draft {
                form,
                errors,
                ..Draft::default()
            };
            employees_page(&state, &user, StatusCode::CONFLICT, draft).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Largest CSV of people to invite (a few thousand rows fit easily).
const CSV_LIMIT: usize = 1024 * 1024;

/// `POST /admin/employees/invite-csv` (multipart: `csrf`, `file` with `name,email,team`):
/// every row checked first; any problem refuses the whole file (422, every problem listed,
/// nothing stored). Otherwise every employee is created in one transaction, then invited;
/// the e-mails go out in the background, and each link is on the employee's page.
pub async fn invite_csv(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    mut payload: actix_multipart::Multipart,
) -> Result<HttpResponse, PageError> {
    use futures_util::TryStreamExt;
    let bad = |e: &dyn std::fmt::Display| {
        PageError::BadRequest(format!("the upload could not be read: {e}"))
    };
    let mut csrf = String::new();
    let mut file: Vec<u8> = Vec::new();
    while let Some(mut field) = payload.try_next().await.map_err(|e| bad(&e))? {
        let name = field.name().unwrap_or_default().to_owned();
        let mut value = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(|e| bad(&e))? {
            if value.len() + chunk.len() > CSV_LIMIT {
                return Err(PageError::BadRequest(
                    "the file is larger than 1 MiB; split it".into(),
                ));
            }
            value.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&value).into_owned(),
            "file" => file = value,
            _ => {}
        }
    }
    user.check_csrf(&csrf)?;
    let t = Tr::current();
    let rows = match links::parse_csv(&file) {
        Ok(rows) => rows,
        Err(problems) => {
            let draft = Draft {
                csv_errors: problems
                    .iter()
                    .map(|p| links::problem_text(&t, p))
                    .collect(),
                ..Draft::default()
            };
            return employees_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await;
        }
    };
    let emails: Vec<String> = rows.iter().map(|r| r.email.as_str().to_string()).collect();
    let created = state
        .db
        .run(move |conn| {
            store::tx::write_transaction(conn, |conn| {
                let refs: Vec<&str> = emails.iter().map(String::as_str).collect();
                let taken = store::employees::ids_by_email(conn, &refs)?;
                if !taken.is_empty() {
                    let mut taken: Vec<String> = taken.into_keys().collect();
                    taken.sort();
                    return Ok(Err(taken));
                }
                let mut created = Vec::with_capacity(rows.len());
                for row in rows {
                    created.push(store::employees::insert(
                        conn,
                        NewEmployee {
                            email: row.email,
                            name: row.name,
                            team: row.team,
                            role: Role::Employee,
                            password_hash: None,
                        },
                    )?);
                }
                Ok(Ok(created))
            })
        })
        .await?;
    let created = match created {
        Ok(created) => created,
        Err(taken) => {
            let draft = Draft {
                csv_errors: taken
                    .iter()
                    .map(|email| t.with("employee.csv-taken", "email", email))
                    .collect(),
                ..Draft::default()
            };
            return employees_page(&state, &user, StatusCode::CONFLICT, draft).await;
        }
    };
    let count = created.len();
    for employee in &created {
        let link = links::issue(&state, employee.id, Purpose::Invite, Some(user.id)).await?;
        if let Some(settings) = state.settings.mail.clone() {
            let mail = links::link_mail(
                &state,
                Purpose::Invite,
                &employee.name,
                &employee.email,
                None,
                &link.url,
            );
            crate::mail::send_later(settings, mail);
        }
    }
    tracing::info!(invited = count, "employees invited from a CSV file");
    Ok(see_other(&format!("/admin/employees?invited={count}")))
}

pub async fn add_team(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let failed = |team_form: TeamForm, why: String| Draft {
        team_form,
        team_error: Some(why),
        ..Draft::default()
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

/// `POST /admin/teams/{id}`: renames a team (field `name`); errors as on the new-team form.
pub async fn rename_team(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TeamForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let failed = |why: String| Draft {
        team_error: Some(why),
        ..Draft::default()
    };
    let name = match Label::parse(&form.name) {
        Ok(name) => name,
        Err(e) => {
            let why = form_text::label(&t, "form.field.team-name", &e);
            return employees_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, failed(why))
                .await;
        }
    };
    match state
        .db
        .run(move |conn| store::teams::rename(conn, id, name.as_str()))
        .await
    {
        Ok(team) => Ok(see_other(&format!(
            "/admin/employees?added={}",
            percent_encoding::utf8_percent_encode(
                &format!("team {}", team.name),
                percent_encoding::NON_ALPHANUMERIC
            )
        ))),
        Err(StoreError::Conflict(_)) => {
            employees_page(
                &state,
                &user,
                StatusCode::CONFLICT,
                failed(t.get("employees.team-taken")),
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

// ---- One employee: edit, invitation and reset links, deactivation, sessions ----

#[derive(Template)]
#[template(path = "admin/employees_edit.html")]
struct EmployeePage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    employee: Employee,
    status: &'static str,
    status_label: String,
    teams: Vec<TeamWithSize>,
    form: EditForm,
    errors: EmployeeErrors,
    notice: Option<String>,
    error: Option<String>,
    invite_link: Option<LinkView>,
    reset_link: Option<LinkView>,
    sessions: i64,
    mail: bool,
    is_self: bool,
    /// The employee's own choice to appear by name (shown, never set, here).
    opt_in: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct EditForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    team: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

/// The outcomes an employee page reports after a redirect (`?done=`), each a message key.
const DONE: &[&str] = &[
    "added",
    "saved",
    "invited",
    "invite-sent",
    "invite-failed",
    "reset-link",
    "deactivated",
    "reactivated",
    "sessions-ended",
];

async fn employee_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    draft: Option<(EditForm, EmployeeErrors)>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let idle_since = store::now() - state.settings.session_idle;
    let (employee, teams, invited, invite, reset, sessions, opt_in) = state
        .db
        .run(move |conn| {
            let employee = store::employees::find_by_id(conn, id)?;
            Ok((
                employee,
                store::teams::list_with_sizes(conn)?,
                store::invitations::invited_ids(conn)?,
                store::invitations::pending_admin_link(conn, id, Purpose::Invite)?,
                store::invitations::pending_admin_link(conn, id, Purpose::Reset)?,
                store::sessions::count_live(conn, id, idle_since)?,
                store::employees::find_opt_in(conn, id)?,
            ))
        })
        .await?;
    let t = Tr::current();
    let shown = |purpose, link: Option<(String, chrono::NaiveDateTime)>| {
        link.map(|(nonce, expires)| LinkView {
            url: links::url_from_nonce(state, purpose, &nonce),
            until: t.datetime(&expires),
        })
    };
    let (form, errors) = draft.unwrap_or_else(|| {
        (
            EditForm {
                email: employee.email.clone(),
                name: employee.name.clone(),
                team: employee.team.clone().unwrap_or_default(),
                role: employee.role.clone(),
                csrf: String::new(),
            },
            EmployeeErrors::default(),
        )
    });
    render(
        status,
        &EmployeePage {
            title: "employee.title",
            nav: Some(Nav::new(user, "employees")),
            t,
            csrf: user.csrf.clone(),
            status: status_of(&employee, &invited),
            status_label: t.get(&format!(
                "employee.status-{}",
                status_of(&employee, &invited)
            )),
            is_self: employee.id == user.id,
            invite_link: if employee.can_sign_in || !employee.active {
                None
            } else {
                shown(Purpose::Invite, invite)
            },
            reset_link: if employee.active {
                shown(Purpose::Reset, reset)
            } else {
                None
            },
            employee,
            teams,
            form,
            errors,
            notice,
            error,
            sessions,
            mail: state.settings.mail.is_some(),
            opt_in,
        },
    )
}

/// `GET /admin/employees/{id}`.
pub async fn employee(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, PageError> {
    let t = Tr::current();
    let notice = query
        .done
        .as_deref()
        .filter(|d| DONE.contains(d))
        .map(|d| t.get(&format!("employee.done-{d}")));
    employee_page(
        &state,
        &user,
        id.into_inner(),
        StatusCode::OK,
        None,
        notice,
        None,
    )
    .await
}

/// The page's message for a refused change.
fn refusal_text(t: &Tr, refused: &UpdateRefused) -> Option<String> {
    match refused {
        UpdateRefused::LastAdmin => Some(t.get("employee.last-admin")),
        _ => None,
    }
}

/// The employee (deactivated ones included) who has `email`, if any.
async fn email_owner(state: &AppState, email: Email) -> Result<Option<i64>, PageError> {
    Ok(state
        .db
        .run(move |conn| store::employees::find_login(conn, &email))
        .await?
        .map(|(id, _, _)| id))
}

/// `POST /admin/employees/{id}`: name, e-mail, team and role; every broken field at once.
pub async fn edit_employee(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<EditForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let mut errors = EmployeeErrors::default();
    let (email, name, team, role) = person_fields(
        &t,
        &mut errors,
        &form.email,
        &form.name,
        &form.team,
        &form.role,
    );
    if let Some(address) = email.clone() {
        if email_owner(&state, address)
            .await?
            .is_some_and(|owner| owner != id)
        {
            errors.email = Some(t.get("employees.email-taken"));
        }
    }
    let (Some(email), Some(name), Some(team), Some(role)) = (email, name, team, role) else {
        return employee_page(
            &state,
            &user,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((form, errors)),
            None,
            None,
        )
        .await;
    };
    let changes = EmployeeChanges {
        email: Some(email),
        name: Some(name),
        team: Some(team),
        role: Some(role),
        active: None,
    };
    match state
        .db
        .run(move |conn| Ok(store::employees::update(conn, id, &changes)))
        .await?
    {
        Ok(_) => Ok(see_other(&format!("/admin/employees/{id}?done=saved"))),
        Err(UpdateRefused::NotFound) => Err(PageError::NotFound),
        Err(UpdateRefused::EmailTaken) => {
            errors.email = Some(t.get("employees.email-taken"));
            employee_page(
                &state,
                &user,
                id,
                StatusCode::CONFLICT,
                Some((form, errors)),
                None,
                None,
            )
            .await
        }
        Err(refused @ UpdateRefused::LastAdmin) => {
            employee_page(
                &state,
                &user,
                id,
                StatusCode::CONFLICT,
                Some((form, errors)),
                None,
                refusal_text(&t, &refused),
            )
            .await
        }
        Err(UpdateRefused::Store(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
}

async fn found(state: &AppState, id: i64) -> Result<Employee, PageError> {
    Ok(state
        .db
        .run(move |conn| store::employees::find_by_id(conn, id))
        .await?)
}

/// `POST /admin/employees/{id}/invite`: a new invitation in place of the old one (only for
/// an active employee who has no password yet).
pub async fn invite(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    user.check_csrf(&form.csrf)?;
    let employee = found(&state, id).await?;
    if employee.can_sign_in || !employee.active {
        let t = Tr::current();
        return employee_page(
            &state,
            &user,
            id,
            StatusCode::CONFLICT,
            None,
            None,
            Some(t.get("employee.invite-not-needed")),
        )
        .await;
    }
    let done = invite_and_deliver(&state, user.id, &employee).await?;
    Ok(see_other(&format!("/admin/employees/{id}?done={done}")))
}

/// `POST /admin/employees/{id}/reset-link`: a password-reset link for the admin to hand
/// over (shown on the page until used or expired); replaces the earlier one.
pub async fn reset_link(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    user.check_csrf(&form.csrf)?;
    let employee = found(&state, id).await?;
    if !employee.active {
        return Err(PageError::NotFound);
    }
    links::issue(&state, id, Purpose::Reset, Some(user.id)).await?;
    Ok(see_other(&format!("/admin/employees/{id}?done=reset-link")))
}

async fn set_active(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: i64,
    csrf: &str,
    active: bool,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(csrf)?;
    let changes = EmployeeChanges {
        active: Some(active),
        ..EmployeeChanges::default()
    };
    match state
        .db
        .run(move |conn| Ok(store::employees::update(conn, id, &changes)))
        .await?
    {
        Ok(_) => {
            let done = if active { "reactivated" } else { "deactivated" };
            tracing::info!(
                employee_id = id,
                by = user.id,
                done,
                "employee status changed"
            );
            Ok(see_other(&format!("/admin/employees/{id}?done={done}")))
        }
        Err(UpdateRefused::NotFound) => Err(PageError::NotFound),
        Err(refused) => {
            let t = Tr::current();
            let error = refusal_text(&t, &refused);
            if let UpdateRefused::Store(e) = refused {
                return Err(e.into());
            }
            employee_page(&state, &user, id, StatusCode::CONFLICT, None, None, error).await
        }
    }
}

/// `POST /admin/employees/{id}/deactivate`: no sign-in, every session ended, no new shares;
/// existing links keep redirecting and counting.
pub async fn deactivate(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    set_active(user, state, id.into_inner(), &form.csrf, false).await
}

/// `POST /admin/employees/{id}/reactivate`.
pub async fn reactivate(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    set_active(user, state, id.into_inner(), &form.csrf, true).await
}

/// `POST /admin/employees/{id}/sessions/end`: signs the employee out everywhere (the admin's
/// own current session stays when they end their own).
pub async fn end_sessions(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    user.check_csrf(&form.csrf)?;
    found(&state, id).await?;
    let keep = (id == user.id).then(|| user.session_token_hash().to_string());
    let ended = state
        .db
        .run(move |conn| store::sessions::end_all(conn, id, keep.as_deref()))
        .await?;
    tracing::info!(
        employee_id = id,
        by = user.id,
        ended,
        "sessions ended by an admin"
    );
    Ok(see_other(&format!(
        "/admin/employees/{id}?done=sessions-ended"
    )))
}

// ---- Privacy: erasure and the download of one employee's data ----

#[derive(Template)]
#[template(path = "admin/employee_erase.html")]
struct ErasePage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    employee: Employee,
    error: Option<String>,
    /// The only admin left: erasing is refused, so the page says why instead of offering
    /// the button.
    last_admin: bool,
}

async fn erase_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, PageError> {
    let employee = found(state, id).await?;
    let checked = employee.clone();
    let last_admin = state
        .db
        .run(move |conn| store::employees::is_last_admin(conn, &checked))
        .await?;
    render(
        status,
        &ErasePage {
            last_admin,
            title: "privacy.erase-title",
            nav: Some(Nav::new(user, "employees")),
            t: Tr::current(),
            csrf: user.csrf.clone(),
            employee,
            error,
        },
    )
}

/// `GET /admin/employees/{id}/erase`: what erasing removes and keeps, and the button.
pub async fn confirm_erase(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    erase_page(&state, &user, id.into_inner(), StatusCode::OK, None).await
}

/// `POST /admin/employees/{id}/erase`: erases the person (`app::erasure`), then back to
/// the employee list with a notice.
pub async fn erase(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    user.check_csrf(&form.csrf)?;
    match crate::app::erasure::erase(&state.db, id, Some(user.id)).await {
        Ok(()) => Ok(see_other("/admin/employees?erased=1")),
        Err(EraseRefused::NotFound | EraseRefused::AlreadyErased) => Err(PageError::NotFound),
        Err(EraseRefused::LastAdmin) => {
            let t = Tr::current();
            erase_page(
                &state,
                &user,
                id,
                StatusCode::CONFLICT,
                Some(t.get("privacy.erase-last-admin")),
            )
            .await
        }
        Err(EraseRefused::Store(e)) => Err(e.into()),
    }
}

/// `GET /admin/employees/{id}/data`: the employee's data as a JSON download
/// (`app::personal_data`).
pub async fn employee_data(
    AdminUser(_): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    super::account::data_download(&state, id.into_inner()).await
}
