//! `/admin/content`: the content library for admins — the list (search, campaign filter,
//! current or archived items) with a create form, and `/admin/content/{id}` to edit an
//! item (title, URL, campaign, topics, suggested texts, preview image, click-id switch),
//! archive or pin it, and see the UTM-tagged destination its links get per network.
//!
//! Every form carries the CSRF token; a refused form comes back with every broken field
//! marked beside it and what was typed kept; a saved one redirects (POST/redirect/GET) to
//! a page with a notice. The changes go through the same store functions as the API
//! (`store::content::insert` / `update`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{form_text, render, see_other, Nav, Tr};
use crate::domain::content::{self as rules, InvalidImageUrl, SUGGESTED_TEXT_MAX};
use crate::domain::network::Network;
use crate::domain::person::{InvalidLabel, Label};
use crate::domain::share;
use crate::domain::utm::{channel_preview, DestinationError, DestinationUrl};
use crate::error::PageError;
use crate::store::content::{AdminFilter, ContentChanges, ContentRefused, NewContent};
use crate::store::{self, StoreError};
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

/// Longest search text taken.
const MAX_SEARCH: usize = 200;

/// The list's query string: `q`, `campaign` (an id), `archived` (`1`: the archived items).
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    archived: String,
    #[serde(default)]
    done: String,
}

impl ListQuery {
    fn search(&self) -> Option<String> {
        let q: String = self.q.trim().chars().take(MAX_SEARCH).collect();
        (!q.is_empty()).then_some(q)
    }

    fn campaign_id(&self) -> Option<i64> {
        self.campaign.trim().parse().ok()
    }

    fn archived(&self) -> bool {
        matches!(self.archived.as_str(), "1" | "on" | "true")
    }
}

/// A campaign of a select.
pub struct CampaignOption {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

/// One row of the list.
pub struct Row {
    pub id: i64,
    pub title: String,
    pub host: String,
    pub campaign: Option<String>,
    pub topics: Vec<String>,
    pub shares: i64,
    pub created: String,
    pub pinned: bool,
}

/// The fields of the create and edit forms, as typed. Network texts are `text_<network>`.
#[derive(Default)]
pub struct ContentForm {
    pub title: String,
    pub url: String,
    pub campaign: String,
    pub topics: String,
    pub suggested_text: String,
    pub preview_image_url: String,
    pub click_param: bool,
    /// `(network API name, display name, text)` in [`Network::ALL`] order.
    pub texts: Vec<(&'static str, &'static str, String)>,
    csrf: String,
}

impl ContentForm {
    /// Reads a posted form; unknown fields are ignored.
    fn from_pairs(pairs: Vec<(String, String)>) -> ContentForm {
        let mut form = ContentForm {
            texts: empty_texts(),
            ..ContentForm::default()
        };
        for (key, value) in pairs {
            match key.as_str() {
                "title" => form.title = value,
                "url" => form.url = value,
                "campaign" => form.campaign = value,
                "topics" => form.topics = value,
                "suggested_text" => form.suggested_text = value,
                "preview_image_url" => form.preview_image_url = value,
                "click_param" => form.click_param = !value.is_empty(),
                "csrf" => form.csrf = value,
                other => {
                    if let Some(name) = other.strip_prefix("text_") {
                        if let Some(slot) = form.texts.iter_mut().find(|(n, _, _)| *n == name) {
                            slot.2 = value;
                        }
                    }
                }
            }
        }
        form
    }

    /// The form of a new item: the click id on, as the API defaults.
    fn new_item() -> ContentForm {
        ContentForm {
            click_param: true,
            texts: empty_texts(),
            ..ContentForm::default()
        }
    }

    fn of(c: &store::content::Content) -> ContentForm {
        ContentForm {
            title: c.title.clone(),
            url: c.url.clone(),
            campaign: c.campaign_id.map(|id| id.to_string()).unwrap_or_default(),
            topics: c.topics.join(", "),
            suggested_text: c.suggested_text.clone().unwrap_or_default(),
            preview_image_url: c.preview_image_url.clone().unwrap_or_default(),
            click_param: c.click_param,
            texts: Network::ALL
                .into_iter()
                .map(|n| {
                    let text = c
                        .suggested_texts
                        .get(n.as_str())
                        .cloned()
                        .unwrap_or_default();
                    (n.as_str(), n.display_name(), text)
                })
                .collect(),
            csrf: String::new(),
        }
    }
}

fn empty_texts() -> Vec<(&'static str, &'static str, String)> {
    Network::ALL
        .into_iter()
        .map(|n| (n.as_str(), n.display_name(), String::new()))
        .collect()
}

/// The message beside each broken field; `texts` by network API name.
#[derive(Default)]
pub struct ContentErrors {
    pub title: Option<String>,
    pub url: Option<String>,
    pub campaign: Option<String>,
    pub topics: Option<String>,
    pub suggested_text: Option<String>,
    pub preview_image_url: Option<String>,
    pub texts: Vec<(&'static str, String)>,
}

impl ContentErrors {
    fn any(&self) -> bool {
        self.title.is_some()
            || self.url.is_some()
            || self.campaign.is_some()
            || self.topics.is_some()
            || self.suggested_text.is_some()
            || self.preview_image_url.is_some()
            || !self.texts.is_empty()
    }

    /// The error of network `name`'s text field.
    pub fn text(&self, name: &str) -> Option<&String> {
        self.texts.iter().find(|(n, _)| *n == name).map(|(_, e)| e)
    }
}

/// Topics as typed: comma- or line-separated, blanks between separators ignored.
fn split_topics(typed: &str) -> Vec<String> {
    typed
        .split([',', '\n', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn label_error(t: &Tr, field: &str, e: &InvalidLabel) -> String {
    form_text::label(t, field, e)
}

/// A refused destination URL in the page's language.
pub fn url_error(t: &Tr, e: &DestinationError) -> String {
    match e {
        DestinationError::Empty => t.get("content.error-url-empty"),
        DestinationError::NotAUrl => t.get("content.error-url-not-absolute"),
        DestinationError::SchemeNotAllowed(scheme) => {
            t.with("content.error-url-scheme", "scheme", scheme)
        }
        DestinationError::MissingHost | DestinationError::InvalidHost => {
            t.get("content.error-url-host")
        }
        DestinationError::InvalidPort => t.get("content.error-url-port"),
        DestinationError::UserinfoNotAllowed => t.get("content.error-url-userinfo"),
        DestinationError::TooLong => {
            t.with("content.error-url-too-long", "max", DestinationUrl::MAX_LEN)
        }
    }
}

/// What a valid form becomes (every field set: the edit form shows them all).
struct Parsed {
    title: Label,
    url: DestinationUrl,
    campaign_id: Option<i64>,
    topics: Vec<Label>,
    suggested_text: Option<String>,
    network_texts: Vec<(Network, Option<String>)>,
    preview_image_url: Option<String>,
    click_param: bool,
}

/// Checks every field at once: either everything parsed, or a message per broken field.
/// (The errors are boxed: a page's worth of messages is large for a `Result`.)
fn parse_form(t: &Tr, form: &ContentForm) -> Result<Parsed, Box<ContentErrors>> {
    let mut errors = ContentErrors::default();
    let title = Label::parse(&form.title)
        .map_err(|e| errors.title = Some(label_error(t, "content.field-title", &e)))
        .ok();
    let url = DestinationUrl::parse(&form.url)
        .map_err(|e| errors.url = Some(url_error(t, &e)))
        .ok();
    let campaign_id = match form.campaign.trim() {
        "" => Some(None),
        id => id
            .parse::<i64>()
            .map(Some)
            .map_err(|_| errors.campaign = Some(t.get("content.error-campaign-unknown")))
            .ok(),
    };
    let topics = rules::parse_topics(&split_topics(&form.topics))
        .map_err(|e| {
            let why = label_error(t, "content.field-topic", &e.reason);
            errors.topics = Some(t.with2("content.error-topic", "n", e.position, "why", why));
        })
        .ok();
    let too_long = || t.with("content.error-text-too-long", "max", SUGGESTED_TEXT_MAX);
    let suggested_text = rules::parse_suggested_text(Some(&form.suggested_text))
        .map_err(|_| errors.suggested_text = Some(too_long()))
        .ok();
    let mut network_texts = Vec::new();
    for (name, _, text) in &form.texts {
        match rules::parse_network_texts([(*name, Some(text.as_str()))]) {
            Ok(mut parsed) => network_texts.append(&mut parsed),
            Err(_) => errors.texts.push((name, too_long())),
        }
    }
    let preview_image_url = rules::parse_image_url(Some(&form.preview_image_url))
        .map_err(|e| {
            errors.preview_image_url = Some(match e {
                InvalidImageUrl::NotHttps => t.get("content.error-image-https"),
                InvalidImageUrl::Url(e) => url_error(t, &e),
            })
        })
        .ok();
    match (
        title,
        url,
        campaign_id,
        topics,
        suggested_text,
        preview_image_url,
    ) {
        (
            Some(title),
            Some(url),
            Some(campaign_id),
            Some(topics),
            Some(suggested_text),
            Some(preview_image_url),
        ) if !errors.any() => Ok(Parsed {
            title,
            url,
            campaign_id,
            topics,
            suggested_text,
            network_texts,
            preview_image_url,
            click_param: form.click_param,
        }),
        _ => Err(Box::new(errors)),
    }
}

fn campaign_options(
    campaigns: Vec<store::campaigns::Campaign>,
    selected: Option<i64>,
) -> Vec<CampaignOption> {
    campaigns
        .into_iter()
        .map(|c| CampaignOption {
            selected: Some(c.id) == selected,
            id: c.id,
            name: c.name,
        })
        .collect()
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The notice after `?done=…`.
fn notice_text(t: &Tr, done: &str) -> Option<String> {
    let key = match done {
        "created" => "content.notice-created",
        "saved" => "content.notice-saved",
        "archived" => "content.notice-archived",
        "restored" => "content.notice-restored",
        "pinned" => "content.notice-pinned",
        "unpinned" => "content.notice-unpinned",
        _ => return None,
    };
    Some(t.get(key))
}

// ---------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/content.html")]
struct ListPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    rows: Vec<Row>,
    filter_campaigns: Vec<CampaignOption>,
    options: Vec<CampaignOption>,
    search: String,
    archived: bool,
    filtered: bool,
    form: ContentForm,
    errors: ContentErrors,
    notice: Option<String>,
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    query: ListQuery,
    form: ContentForm,
    errors: ContentErrors,
) -> Result<HttpResponse, PageError> {
    let filter = AdminFilter {
        search: query.search(),
        campaign_id: query.campaign_id(),
        archived: query.archived(),
    };
    let (items, campaigns) = state
        .db
        .run(move |conn| {
            Ok((
                store::content::list_admin(conn, &filter)?,
                store::campaigns::list(conn)?,
            ))
        })
        .await?;
    let t = Tr::current();
    let rows = items
        .into_iter()
        .map(|item| Row {
            id: item.content.id,
            host: host_of(&item.content.url),
            campaign: item.campaign,
            topics: item.content.topics,
            shares: item.shares,
            created: t.date(&item.content.created_at.date_naive()),
            pinned: item.content.pinned,
            title: item.content.title,
        })
        .collect();
    let chosen: Option<i64> = form.campaign.trim().parse().ok();
    render(
        status,
        &ListPage {
            title: "content.page-title",
            nav: Some(Nav::new(user, "content")),
            t,
            csrf: user.csrf.clone(),
            rows,
            filter_campaigns: campaign_options(campaigns.clone(), query.campaign_id()),
            options: campaign_options(campaigns, chosen),
            filtered: query.search().is_some() || query.campaign_id().is_some(),
            search: query.search().unwrap_or_default(),
            archived: query.archived(),
            notice: notice_text(&t, &query.done),
            form,
            errors,
        },
    )
}

/// `GET /admin/content?q&campaign&archived`.
pub async fn list(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let form = ContentForm::new_item();
    let errors = ContentErrors::default();
    list_page(
        &state,
        &user,
        StatusCode::OK,
        query.into_inner(),
        form,
        errors,
    )
    .await
}

/// `POST /admin/content`: creates an item and goes to its page (to add network texts and a
/// preview image there).
pub async fn create(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let form = ContentForm::from_pairs(form.into_inner());
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let parsed = match parse_form(&t, &form) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return list_page(&state, &user, status, ListQuery::default(), form, *errors).await;
        }
    };
    let new = NewContent {
        title: parsed.title,
        url: parsed.url,
        campaign_id: parsed.campaign_id,
        topics: parsed.topics,
        origin: rules::Origin::Curated,
        author_employee_id: None,
        suggested_text: parsed.suggested_text,
        click_param: parsed.click_param,
    };
    let made = state
        .db
        .run(move |conn| Ok(store::content::insert(conn, new)))
        .await?;
    match made {
        Ok(item) => Ok(see_other(&format!(
            "/admin/content/{}?done=created",
            item.id
        ))),
        Err(ContentRefused::UnknownCampaign) => {
            let errors = ContentErrors {
                campaign: Some(t.get("content.error-campaign-unknown")),
                ..ContentErrors::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            list_page(&state, &user, status, ListQuery::default(), form, errors).await
        }
        Err(ContentRefused::UnknownAuthor) => Err(PageError::Internal),
        Err(ContentRefused::Store(e)) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// One item
// ---------------------------------------------------------------------------------------

/// The tagged destination of a network's links, and the GA4 channel it lands in.
pub struct DestinationView {
    pub network: &'static str,
    pub url: String,
    pub channel: &'static str,
    pub warn: bool,
}

#[derive(Template)]
#[template(path = "admin/content_edit.html")]
struct EditPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    id: i64,
    name: String,
    archived: bool,
    pinned: bool,
    created: String,
    shares: usize,
    options: Vec<CampaignOption>,
    form: ContentForm,
    errors: ContentErrors,
    notice: Option<String>,
    destinations: Vec<DestinationView>,
    click_param_name: String,
    campaign_name: Option<String>,
    campaign_id: Option<i64>,
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    draft: Option<(ContentForm, ContentErrors)>,
    notice: Option<String>,
) -> Result<HttpResponse, PageError> {
    let (item, campaigns, shares, utm) = state
        .db
        .run(move |conn| {
            let item = store::content::find_by_id(conn, id)?;
            let campaigns = store::campaigns::list_all(conn)?;
            let shares = store::shares::list(
                conn,
                &store::shares::ShareFilter {
                    content_id: Some(id),
                    ..Default::default()
                },
            )?
            .len();
            let utm = match item.campaign_id {
                Some(c) => store::campaigns::find_utm(conn, c)?,
                None => None,
            };
            Ok((item, campaigns, shares, utm))
        })
        .await?;
    let t = Tr::current();
    let campaign_name = item
        .campaign_id
        .and_then(|c| campaigns.iter().find(|x| x.id == c))
        .map(|c| c.name.clone());
    // Archived campaigns are offered only when the item is in one.
    let campaigns: Vec<_> = campaigns
        .into_iter()
        .filter(|c| !c.archived || Some(c.id) == item.campaign_id)
        .collect();
    let (form, errors) =
        draft.unwrap_or_else(|| (ContentForm::of(&item), ContentErrors::default()));
    let chosen: Option<i64> = form.campaign.trim().parse().ok();
    let click_param_name = state.settings.click_param.clone();
    let destinations = match DestinationUrl::parse(&item.url) {
        Ok(url) => {
            let preview = channel_preview(
                utm.as_ref().and_then(|u| u.utm_source.as_deref()),
                utm.as_ref().and_then(|u| u.utm_medium.as_deref()),
                utm.as_ref().map(|u| u.utm_campaign.as_str()),
            );
            Network::ALL
                .into_iter()
                .map(|n| {
                    let mut url = share::destination(&url, n, utm.as_ref(), "TOKEN");
                    if item.click_param {
                        url = crate::domain::utm::append_query_param(
                            &url,
                            &click_param_name,
                            "CLICK-ID",
                        );
                    }
                    let group = preview.groups.iter().find(|g| g.networks.contains(&n));
                    let channel = group.map(|g| g.channel);
                    DestinationView {
                        network: n.display_name(),
                        url,
                        channel: channel.map(|c| c.label()).unwrap_or_default(),
                        warn: channel
                            .is_some_and(|c| crate::domain::utm::ChannelWarning::of(c).is_some()),
                    }
                })
                .collect()
        }
        Err(_) => Vec::new(),
    };
    render(
        status,
        &EditPage {
            title: "content.edit-page-title",
            nav: Some(Nav::new(user, "content")),
            csrf: user.csrf.clone(),
            id,
            name: item.title.clone(),
            archived: item.archived,
            pinned: item.pinned,
            created: t.date(&item.created_at.date_naive()),
            shares,
            options: campaign_options(campaigns, chosen),
            form,
            errors,
            notice,
            destinations,
            click_param_name,
            campaign_name,
            campaign_id: item.campaign_id,
            t,
        },
    )
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// `GET /admin/content/{id}`.
pub async fn edit(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    done: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let notice = notice_text(&Tr::current(), &done.done);
    edit_page(&state, &user, id.into_inner(), StatusCode::OK, None, notice).await
}

/// `POST /admin/content/{id}`: saves every field of the edit form.
pub async fn save(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form = ContentForm::from_pairs(form.into_inner());
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let parsed = match parse_form(&t, &form) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return edit_page(&state, &user, id, status, Some((form, *errors)), None).await;
        }
    };
    let changes = ContentChanges {
        title: Some(parsed.title),
        url: Some(parsed.url),
        campaign_id: Some(parsed.campaign_id),
        topics: Some(parsed.topics),
        suggested_text: Some(parsed.suggested_text),
        network_texts: parsed.network_texts,
        preview_image_url: Some(parsed.preview_image_url),
        click_param: Some(parsed.click_param),
        ..ContentChanges::default()
    };
    match apply(&state, id, changes).await? {
        Ok(()) => Ok(see_other(&format!("/admin/content/{id}?done=saved"))),
        Err(ContentRefused::UnknownCampaign) => {
            let errors = ContentErrors {
                campaign: Some(t.get("content.error-campaign-unknown")),
                ..ContentErrors::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            edit_page(&state, &user, id, status, Some((form, errors)), None).await
        }
        Err(ContentRefused::Store(StoreError::NotFound)) => Err(PageError::NotFound),
        Err(ContentRefused::Store(e)) => Err(e.into()),
        Err(ContentRefused::UnknownAuthor) => Err(PageError::Internal),
    }
}

/// Runs one change through the store and drops the links it changed from the link cache.
async fn apply(
    state: &AppState,
    id: i64,
    changes: ContentChanges,
) -> Result<Result<(), ContentRefused>, PageError> {
    let result = state
        .db
        .run(move |conn| Ok(store::content::update(conn, id, &changes)))
        .await?;
    Ok(result.map(|updated| {
        for slug in &updated.relinked {
            state.links.invalidate(slug);
        }
    }))
}

/// The body of the archive and pin buttons: the state to set (`1` or `0`).
#[derive(Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf: String,
}

impl SwitchForm {
    fn on(&self) -> Result<bool, PageError> {
        match self.value.as_str() {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err(PageError::BadRequest("value must be 1 or 0".into())),
        }
    }
}

async fn switch(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    form: &SwitchForm,
    changes: impl FnOnce(bool) -> (ContentChanges, &'static str),
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let (changes, done) = changes(form.on()?);
    match apply(state, id, changes).await? {
        Ok(()) => Ok(see_other(&format!("/admin/content/{id}?done={done}"))),
        Err(ContentRefused::Store(e)) => Err(e.into()),
        Err(_) => Err(PageError::Internal),
    }
}

/// `POST /admin/content/{id}/archive` `value=1|0`: archive (off the feed, no new shares;
/// existing links keep redirecting) or restore.
pub async fn archive(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, PageError> {
    switch(&state, &user, id.into_inner(), &form, |on| {
        (
            ContentChanges {
                archived: Some(on),
                ..ContentChanges::default()
            },
            if on { "archived" } else { "restored" },
        )
    })
    .await
}

/// `POST /admin/content/{id}/pin` `value=1|0`: pin to the top of the feed, or unpin.
pub async fn pin(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, PageError> {
    switch(&state, &user, id.into_inner(), &form, |on| {
        (
            ContentChanges {
                pinned: Some(on),
                ..ContentChanges::default()
            },
            if on { "pinned" } else { "unpinned" },
        )
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_split_on_commas_and_lines() {
        assert_eq!(
            split_topics("AI, Cloud\n클라우드，데이터 , ,"),
            vec!["AI", "Cloud", "클라우드", "데이터"]
        );
        assert!(split_topics("  ").is_empty());
    }

    #[test]
    fn every_broken_field_is_reported_at_once() {
        let t = Tr::new(crate::i18n::Locale::En);
        let mut form = ContentForm::from_pairs(vec![
            ("title".into(), " ".into()),
            ("url".into(), "ftp://example.com/x".into()),
            ("campaign".into(), "abc".into()),
            ("topics".into(), "ok".into()),
            (
                "preview_image_url".into(),
                "http://cdn.example.com/x.png".into(),
            ),
            ("text_x".into(), "a".repeat(SUGGESTED_TEXT_MAX + 1)),
        ]);
        form.suggested_text = "b".repeat(SUGGESTED_TEXT_MAX + 1);
        let errors = parse_form(&t, &form).err().expect("refused");
        assert!(errors.title.is_some());
        assert!(errors.url.as_deref().unwrap().contains("ftp"));
        assert!(errors.campaign.is_some());
        assert!(errors.topics.is_none());
        assert!(errors.suggested_text.is_some());
        assert!(errors.preview_image_url.is_some());
        assert!(errors.text("x").is_some());
        assert!(errors.text("linkedin").is_none());
    }
}
