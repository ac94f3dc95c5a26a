//! The employee's own page.

use actix_web::HttpResponse;
use askama::Template;

use super::{ok, Nav};
use crate::error::PageError;
use crate::web::auth::CurrentUser;

#[derive(Template)]
#[template(path = "employee/home.html")]
struct MePage {
    title: &'static str,
    nav: Option<Nav>,
    name: String,
    email: String,
}

pub async fn home(user: CurrentUser) -> Result<HttpResponse, PageError> {
    ok(&MePage {
        title: "My links",
        nav: Some(Nav::new(&user, "me")),
        name: user.name.clone(),
        email: user.email.clone(),
    })
}
