//! The signed-in person's own settings: for now the UI language (the header's switch).

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::see_other;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::store;
use crate::web::auth::CurrentUser;
use crate::web::AppState;

#[derive(Deserialize)]
pub struct LocaleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    locale: String,
}

/// `POST /me/locale`: stores the choice in `employees.locale`, then back to the page the
/// form was on.
pub async fn set_locale(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<LocaleForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let locale = Locale::parse(&form.locale)
        .ok_or_else(|| PageError::BadRequest("choose English (en) or Korean (ko)".into()))?;
    let id = user.id;
    state
        .db
        .run(move |conn| store::employees::set_locale(conn, id, Some(locale.code())))
        .await?;
    Ok(see_other(&back_to(&req)))
}

/// The path (and query) of the page that sent the form, from `Referer`; `/` otherwise.
/// Only the path is kept, so the redirect cannot leave this site.
fn back_to(req: &HttpRequest) -> String {
    req.headers()
        .get(actix_web::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .filter(|p| p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/me/locale"))
        .unwrap_or_else(|| "/".to_string())
}
