//! `/admin/campaigns`: campaigns for admins — the list (current or archived) with a create
//! form, and `/admin/campaigns/{id}` to edit a campaign's name, dates, goal and UTM
//! overrides, or archive it.
//!
//! Both forms show where GA4 will file the campaign's links (the GA4 channel preview) and
//! lint the medium while it is typed: `static/js/campaign.js` asks
//! `/admin/campaigns/preview` (JSON), which runs `domain::utm::channel_preview`, so the
//! rules live in one place. Saving checks the same preview again: a campaign whose links
//! would not count as Organic Social is saved only once "save anyway" is ticked.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{form_text, render, see_other, Nav, Tr};
use crate::domain::campaign::{self, InvalidUtmValue, UtmValue, UTM_MAX_LEN};
use crate::domain::network::Network;
use crate::domain::person::Label;
use crate::domain::utm::{channel_preview, ChannelPreview, ChannelWarning};
use crate::error::PageError;
use crate::store::campaigns::{
    Campaign, CampaignChanges, CampaignRefused, NewCampaign, UtmCampaignChange,
};
use crate::store::{self, StoreError};
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

// ---------------------------------------------------------------------------------------
// The GA4 channel preview
// ---------------------------------------------------------------------------------------

/// One channel and the networks whose links land in it.
#[derive(Serialize)]
pub struct GroupView {
    pub label: &'static str,
    pub networks: String,
    pub warn: bool,
}

/// The preview as the page shows it and `/admin/campaigns/preview` answers it: sentences in
/// the page's language, GA4's channel names as GA4 writes them.
#[derive(Serialize)]
pub struct PreviewView {
    pub headline: String,
    pub groups: Vec<GroupView>,
    pub warnings: Vec<String>,
}

fn names(networks: &[Network]) -> String {
    networks
        .iter()
        .map(|n| n.display_name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn preview_view(t: &Tr, preview: &ChannelPreview) -> PreviewView {
    let headline = match preview.single_channel() {
        Some(channel) => t.with("campaign.preview-single", "channel", channel.label()),
        None => t.get("campaign.preview-mixed"),
    };
    let groups = preview
        .groups
        .iter()
        .map(|g| GroupView {
            label: g.channel.label(),
            networks: names(&g.networks),
            warn: ChannelWarning::of(g.channel).is_some(),
        })
        .collect();
    let mut warnings: Vec<String> = preview
        .warnings
        .iter()
        .map(|w| {
            let networks = if w.networks.len() == Network::ALL.len() {
                t.get("campaign.all-networks")
            } else {
                names(&w.networks)
            };
            match w.warning {
                ChannelWarning::Unassigned => t.with2(
                    "campaign.warning-unassigned",
                    "networks",
                    networks,
                    "medium",
                    &preview.medium,
                ),
                ChannelWarning::Paid => t.with2(
                    "campaign.warning-paid",
                    "networks",
                    networks,
                    "channel",
                    w.channel.label(),
                ),
                ChannelWarning::Shopping => {
                    t.with("campaign.warning-shopping", "networks", networks)
                }
                ChannelWarning::Direct => t.with("campaign.warning-direct", "networks", networks),
            }
        })
        .collect();
    if preview.medium_not_lowercase {
        warnings.push(t.with2(
            "campaign.warning-medium-case",
            "medium",
            &preview.medium,
            "lower",
            preview.medium.to_lowercase(),
        ));
    }
    PreviewView {
        headline,
        groups,
        warnings,
    }
}

/// The `utm_campaign` the preview judges: the typed value, else the one the name gives.
fn campaign_value(utm_campaign: &str, name: &str) -> String {
    match utm_campaign.trim() {
        "" => campaign::utm_value(name),
        v => v.to_owned(),
    }
}

/// What the form's UTM fields preview as, read as typed (values that are not valid UTM
/// values are previewed as typed too: the field error says what is wrong with them).
fn preview_of(form: &CampaignForm) -> ChannelPreview {
    channel_preview(
        Some(&form.utm_source),
        Some(&form.utm_medium),
        Some(&campaign_value(&form.utm_campaign, &form.name)),
    )
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    #[serde(default)]
    source: String,
    #[serde(default)]
    medium: String,
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    name: String,
}

/// `GET /admin/campaigns/preview?source&medium&campaign&name`: the preview as JSON, for
/// `campaign.js` while the form is typed in.
pub async fn preview(
    AdminUser(_): AdminUser,
    query: web::Query<PreviewQuery>,
) -> Result<HttpResponse, PageError> {
    let cut = |s: &str| s.chars().take(UTM_MAX_LEN * 2).collect::<String>();
    let value = campaign_value(&cut(&query.campaign), &cut(&query.name));
    let preview = channel_preview(
        Some(&cut(&query.source)),
        Some(&cut(&query.medium)),
        Some(&value),
    );
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(preview_view(&Tr::current(), &preview)))
}

// ---------------------------------------------------------------------------------------
// Forms
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct CampaignForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub utm_campaign: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub utm_source: String,
    #[serde(default)]
    pub utm_medium: String,
    #[serde(default)]
    pub utm_overwrite: Option<String>,
    #[serde(default)]
    pub accept_warning: Option<String>,
    #[serde(default)]
    csrf: String,
}

impl CampaignForm {
    fn of(c: &Campaign) -> CampaignForm {
        CampaignForm {
            name: c.name.clone(),
            utm_campaign: c.utm_campaign.clone(),
            starts_on: c.starts_on.map(|d| d.to_string()).unwrap_or_default(),
            ends_on: c.ends_on.map(|d| d.to_string()).unwrap_or_default(),
            goal: c.goal.clone().unwrap_or_default(),
            utm_source: c.utm_source.clone().unwrap_or_default(),
            utm_medium: c.utm_medium.clone().unwrap_or_default(),
            utm_overwrite: c.utm_overwrite.then(|| "1".to_owned()),
            accept_warning: None,
            csrf: String::new(),
        }
    }
}

#[derive(Default)]
pub struct CampaignErrors {
    pub name: Option<String>,
    pub utm_campaign: Option<String>,
    pub starts_on: Option<String>,
    pub ends_on: Option<String>,
    pub goal: Option<String>,
    pub utm_source: Option<String>,
    pub utm_medium: Option<String>,
    /// The GA4 check: links would not count as Organic Social and "save anyway" is not
    /// ticked.
    pub ga4: Option<String>,
}

impl CampaignErrors {
    fn any(&self) -> bool {
        self.name.is_some()
            || self.utm_campaign.is_some()
            || self.starts_on.is_some()
            || self.ends_on.is_some()
            || self.goal.is_some()
            || self.utm_source.is_some()
            || self.utm_medium.is_some()
            || self.ga4.is_some()
    }
}

fn utm_error(t: &Tr, e: &InvalidUtmValue) -> String {
    match e {
        InvalidUtmValue::Empty => t.get("campaign.error-utm-empty"),
        InvalidUtmValue::TooLong => t.with("campaign.error-utm-too-long", "max", UTM_MAX_LEN),
        InvalidUtmValue::Control => t.get("campaign.error-utm-control"),
        InvalidUtmValue::NothingToDerive => t.get("campaign.error-utm-nothing-to-derive"),
    }
}

/// A valid form.
struct Parsed {
    name: Label,
    utm_campaign: Option<UtmValue>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    goal: Option<Label>,
    utm_source: Option<UtmValue>,
    utm_medium: Option<UtmValue>,
    utm_overwrite: bool,
}

/// Checks every field at once. `utm_campaign` is `None` when left blank (derived from the
/// name). The GA4 check is left to the caller.
fn parse_form(t: &Tr, form: &CampaignForm) -> Result<Parsed, Box<CampaignErrors>> {
    let mut errors = CampaignErrors::default();
    let name = Label::parse(&form.name)
        .map_err(|e| errors.name = Some(form_text::label(t, "form.field.name", &e)))
        .ok();
    let utm_campaign = match form.utm_campaign.trim() {
        "" => match &name {
            Some(n) => UtmValue::from_name(n.as_str())
                .map_err(|e| errors.utm_campaign = Some(utm_error(t, &e)))
                .ok()
                .map(|_| None),
            None => Some(None),
        },
        v => UtmValue::parse(v)
            .map_err(|e| errors.utm_campaign = Some(utm_error(t, &e)))
            .ok()
            .map(Some),
    };
    let date = |value: &str, slot: &mut Option<String>| {
        campaign::optional_date(Some(value))
            .map_err(|_| *slot = Some(t.with("form.date-invalid", "value", value.trim())))
            .ok()
    };
    let starts_on = date(&form.starts_on, &mut errors.starts_on);
    let ends_on = date(&form.ends_on, &mut errors.ends_on);
    if let (Some(starts), Some(ends)) = (starts_on, ends_on) {
        if campaign::check_dates(starts, ends).is_err() {
            errors.ends_on = Some(t.get("form.date-order"));
        }
    }
    let goal = match form.goal.trim() {
        "" => Some(None),
        g => Label::parse(g)
            .map_err(|e| errors.goal = Some(form_text::label(t, "campaign.field-goal", &e)))
            .ok()
            .map(Some),
    };
    let utm_source = campaign::optional_utm(Some(&form.utm_source))
        .map_err(|e| errors.utm_source = Some(utm_error(t, &e)))
        .ok();
    let utm_medium = campaign::optional_utm(Some(&form.utm_medium))
        .map_err(|e| errors.utm_medium = Some(utm_error(t, &e)))
        .ok();
    match (
        name,
        utm_campaign,
        starts_on,
        ends_on,
        goal,
        utm_source,
        utm_medium,
    ) {
        (
            Some(name),
            Some(utm_campaign),
            Some(starts_on),
            Some(ends_on),
            Some(goal),
            Some(utm_source),
            Some(utm_medium),
        ) if !errors.any() => Ok(Parsed {
            name,
            utm_campaign,
            starts_on,
            ends_on,
            goal,
            utm_source,
            utm_medium,
            utm_overwrite: form.utm_overwrite.is_some(),
        }),
        _ => Err(Box::new(errors)),
    }
}

/// The GA4 check of a save: a warning not accepted is an error of its own.
fn ga4_check(t: &Tr, form: &CampaignForm, errors: &mut CampaignErrors) {
    if preview_of(form).has_warnings() && form.accept_warning.is_none() {
        errors.ga4 = Some(t.get("campaign.error-confirm-warning"));
    }
}

fn notice_text(t: &Tr, done: &str) -> Option<String> {
    let key = match done {
        "created" => "campaign.notice-created",
        "saved" => "campaign.notice-saved",
        "archived" => "campaign.notice-archived",
        "restored" => "campaign.notice-restored",
        _ => return None,
    };
    Some(t.get(key))
}

// ---------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------

/// One row of the list.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub utm_campaign: String,
    pub dates: String,
    pub medium: String,
    pub source: Option<String>,
    pub channel: String,
    pub warn: bool,
    pub content: i64,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    archived: String,
    #[serde(default)]
    done: String,
}

impl ListQuery {
    fn archived(&self) -> bool {
        matches!(self.archived.as_str(), "1" | "on" | "true")
    }
}

#[derive(Template)]
#[template(path = "admin/campaigns.html")]
struct ListPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    rows: Vec<Row>,
    archived: bool,
    form: CampaignForm,
    errors: CampaignErrors,
    preview: PreviewView,
    warned: bool,
    notice: Option<String>,
}

fn dates(t: &Tr, c: &Campaign) -> String {
    match (c.starts_on, c.ends_on) {
        (None, None) => "—".to_owned(),
        (Some(s), None) => t.with("campaign.dates-from", "date", t.date(&s)),
        (None, Some(e)) => t.with("campaign.dates-until", "date", t.date(&e)),
        (Some(s), Some(e)) => format!("{} – {}", t.date(&s), t.date(&e)),
    }
}

async fn list_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    query: ListQuery,
    form: CampaignForm,
    errors: CampaignErrors,
) -> Result<HttpResponse, PageError> {
    let archived = query.archived();
    let (campaigns, counts) = state
        .db
        .run(move |conn| {
            Ok((
                store::campaigns::list_archived(conn, archived)?,
                store::campaigns::content_counts(conn)?,
            ))
        })
        .await?;
    let t = Tr::current();
    let rows = campaigns
        .into_iter()
        .map(|c| {
            let preview = channel_preview(
                c.utm_source.as_deref(),
                c.utm_medium.as_deref(),
                Some(&c.utm_campaign),
            );
            Row {
                id: c.id,
                dates: dates(&t, &c),
                medium: preview.medium.clone(),
                source: c.utm_source.clone(),
                channel: match preview.single_channel() {
                    Some(ch) => ch.label().to_owned(),
                    None => t.get("campaign.channel-mixed"),
                },
                warn: preview.has_warnings(),
                content: counts.get(&c.id).copied().unwrap_or(0),
                name: c.name,
                utm_campaign: c.utm_campaign,
            }
        })
        .collect();
    let preview = preview_of(&form);
    render(
        status,
        &ListPage {
            title: "campaign.page-title",
            nav: Some(Nav::new(user, "campaigns")),
            t,
            csrf: user.csrf.clone(),
            rows,
            archived,
            warned: preview.has_warnings(),
            preview: preview_view(&t, &preview),
            form,
            errors,
            notice: notice_text(&t, &query.done),
        },
    )
}

/// `GET /admin/campaigns?archived`.
pub async fn list(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let form = CampaignForm::default();
    let errors = CampaignErrors::default();
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

/// `POST /admin/campaigns`: creates a campaign and goes to its page.
pub async fn create(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<CampaignForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let (parsed, mut errors) = match parse_form(&t, &form) {
        Ok(p) => (Some(p), CampaignErrors::default()),
        Err(e) => (None, *e),
    };
    ga4_check(&t, &form, &mut errors);
    let parsed = match parsed {
        Some(p) if !errors.any() => p,
        _ => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return list_page(&state, &user, status, ListQuery::default(), form, errors).await;
        }
    };
    let utm_campaign = match parsed.utm_campaign {
        Some(v) => v,
        None => UtmValue::from_name(parsed.name.as_str()).map_err(|_| PageError::Internal)?,
    };
    let taken = utm_campaign.as_str().to_owned();
    let new = NewCampaign {
        name: parsed.name,
        utm_campaign,
        starts_on: parsed.starts_on,
        ends_on: parsed.ends_on,
        goal: parsed.goal,
        utm_source: parsed.utm_source,
        utm_medium: parsed.utm_medium,
        utm_overwrite: parsed.utm_overwrite,
    };
    let made = state
        .db
        .run(move |conn| Ok(store::campaigns::insert(conn, new)))
        .await?;
    match made {
        Ok(c) => Ok(see_other(&format!(
            "/admin/campaigns/{}?done=created",
            c.id
        ))),
        Err(StoreError::Conflict(_)) => {
            let errors = CampaignErrors {
                utm_campaign: Some(t.with("campaign.error-utm-taken", "value", taken)),
                ..CampaignErrors::default()
            };
            list_page(
                &state,
                &user,
                StatusCode::CONFLICT,
                ListQuery::default(),
                form,
                errors,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// One campaign
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/campaign_edit.html")]
struct EditPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    id: i64,
    name: String,
    archived: bool,
    content: i64,
    form: CampaignForm,
    errors: CampaignErrors,
    preview: PreviewView,
    warned: bool,
    notice: Option<String>,
}

async fn edit_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    status: StatusCode,
    draft: Option<(CampaignForm, CampaignErrors)>,
    notice: Option<String>,
) -> Result<HttpResponse, PageError> {
    let (campaign, counts) = state
        .db
        .run(move |conn| {
            Ok((
                store::campaigns::find_by_id(conn, id)?,
                store::campaigns::content_counts(conn)?,
            ))
        })
        .await?;
    let t = Tr::current();
    let (form, errors) =
        draft.unwrap_or_else(|| (CampaignForm::of(&campaign), CampaignErrors::default()));
    let preview = preview_of(&form);
    render(
        status,
        &EditPage {
            title: "campaign.edit-page-title",
            nav: Some(Nav::new(user, "campaigns")),
            t,
            csrf: user.csrf.clone(),
            id,
            name: campaign.name,
            archived: campaign.archived,
            content: counts.get(&id).copied().unwrap_or(0),
            warned: preview.has_warnings(),
            preview: preview_view(&t, &preview),
            form,
            errors,
            notice,
        },
    )
}

#[derive(Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// `GET /admin/campaigns/{id}`.
pub async fn edit(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    done: web::Query<Done>,
) -> Result<HttpResponse, PageError> {
    let notice = notice_text(&Tr::current(), &done.done);
    edit_page(&state, &user, id.into_inner(), StatusCode::OK, None, notice).await
}

/// `POST /admin/campaigns/{id}`: saves every field of the form. The GA4 check applies when
/// a UTM value changes (a campaign saved with a warning before is not asked again for a
/// change of its dates).
pub async fn save(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CampaignForm>,
) -> Result<HttpResponse, PageError> {
    let id = id.into_inner();
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let t = Tr::current();
    let current = state
        .db
        .run(move |conn| store::campaigns::find_by_id(conn, id))
        .await?;
    let (parsed, mut errors) = match parse_form(&t, &form) {
        Ok(p) => (Some(p), CampaignErrors::default()),
        Err(e) => (None, *e),
    };
    let utm_changed = form.utm_source.trim() != current.utm_source.as_deref().unwrap_or("")
        || form.utm_medium.trim() != current.utm_medium.as_deref().unwrap_or("")
        || campaign_value(&form.utm_campaign, &form.name) != current.utm_campaign;
    if utm_changed {
        ga4_check(&t, &form, &mut errors);
    }
    let parsed = match parsed {
        Some(p) if !errors.any() => p,
        _ => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return edit_page(&state, &user, id, status, Some((form, errors)), None).await;
        }
    };
    let changes = CampaignChanges {
        utm_campaign: match parsed.utm_campaign {
            Some(v) => UtmCampaignChange::Set(v),
            None => UtmCampaignChange::Derive,
        },
        name: Some(parsed.name),
        starts_on: Some(parsed.starts_on),
        ends_on: Some(parsed.ends_on),
        goal: Some(parsed.goal),
        utm_source: Some(parsed.utm_source),
        utm_medium: Some(parsed.utm_medium),
        utm_overwrite: Some(parsed.utm_overwrite),
        archived: None,
    };
    match apply(&state, id, changes).await? {
        Ok(()) => Ok(see_other(&format!("/admin/campaigns/{id}?done=saved"))),
        Err(refused) => {
            let mut errors = CampaignErrors::default();
            let status = match refused {
                CampaignRefused::UtmCampaignTaken(value) => {
                    errors.utm_campaign = Some(t.with("campaign.error-utm-taken", "value", value));
                    StatusCode::CONFLICT
                }
                CampaignRefused::Dates(_) => {
                    errors.ends_on = Some(t.get("form.date-order"));
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                CampaignRefused::Utm(e) => {
                    errors.utm_campaign = Some(utm_error(&t, &e));
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                CampaignRefused::Store(e) => return Err(e.into()),
            };
            edit_page(&state, &user, id, status, Some((form, errors)), None).await
        }
    }
}

async fn apply(
    state: &AppState,
    id: i64,
    changes: CampaignChanges,
) -> Result<Result<(), CampaignRefused>, PageError> {
    let result = state
        .db
        .run(move |conn| Ok(store::campaigns::update(conn, id, &changes)))
        .await?;
    Ok(result.map(|updated| {
        for slug in &updated.relinked {
            state.links.invalidate(slug);
        }
    }))
}

#[derive(Deserialize)]
pub struct SwitchForm {
    #[serde(default)]
    value: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/campaigns/{id}/archive` `value=1|0`: archive (gone from the lists and the
/// feed's filter; its content and links stay) or restore.
pub async fn archive(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    let on = match form.value.as_str() {
        "1" => true,
        "0" => false,
        _ => return Err(PageError::BadRequest("value must be 1 or 0".into())),
    };
    let changes = CampaignChanges {
        archived: Some(on),
        ..CampaignChanges::default()
    };
    match apply(&state, id, changes).await? {
        Ok(()) => Ok(see_other(&format!(
            "/admin/campaigns/{id}?done={}",
            if on { "archived" } else { "restored" }
        ))),
        Err(CampaignRefused::Store(e)) => Err(e.into()),
        Err(_) => Err(PageError::Internal),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(name: &str, medium: &str) -> CampaignForm {
        CampaignForm {
            name: name.into(),
            utm_medium: medium.into(),
            ..CampaignForm::default()
        }
    }

    #[test]
    fn every_broken_field_is_reported_at_once() {
        let t = Tr::new(crate::i18n::Locale::En);
        let f = CampaignForm {
            name: " ".into(),
            utm_campaign: "a".repeat(UTM_MAX_LEN + 1),
            starts_on: "2026-02-30".into(),
            ends_on: "tomorrow".into(),
            goal: "x\u{7}".into(),
            utm_source: "a\tb".into(),
            utm_medium: "b".repeat(UTM_MAX_LEN + 1),
            ..CampaignForm::default()
        };
        let e = parse_form(&t, &f).err().expect("refused");
        assert!(e.name.is_some() && e.utm_campaign.is_some());
        assert!(e.starts_on.is_some() && e.ends_on.is_some() && e.goal.is_some());
        assert!(e.utm_source.is_some() && e.utm_medium.is_some());
    }

    #[test]
    fn dates_in_the_wrong_order_are_an_error_of_the_end_date() {
        let t = Tr::new(crate::i18n::Locale::En);
        let mut f = form("Spring", "");
        f.starts_on = "2026-03-02".into();
        f.ends_on = "2026-03-01".into();
        let e = parse_form(&t, &f).err().expect("refused");
        assert!(e.ends_on.is_some() && e.starts_on.is_none());
    }

    #[test]
    fn the_ga4_check_wants_a_warning_accepted() {
        let t = Tr::new(crate::i18n::Locale::En);
        let mut errors = CampaignErrors::default();
        ga4_check(&t, &form("Spring", "social"), &mut errors);
        assert!(errors.ga4.is_none());
        let mut paid = form("Spring", "cpc");
        ga4_check(&t, &paid, &mut errors);
        assert!(errors.ga4.is_some());
        paid.accept_warning = Some("1".into());
        let mut errors = CampaignErrors::default();
        ga4_check(&t, &paid, &mut errors);
        assert!(errors.ga4.is_none());
    }

    #[test]
    fn the_preview_reads_the_name_when_no_value_is_typed() {
        let t = Tr::new(crate::i18n::Locale::En);
        let shop = preview_view(&t, &preview_of(&form("Summer Shop", "")));
        assert!(
            shop.headline.contains("Organic Shopping"),
            "{}",
            shop.headline
        );
        assert_eq!(shop.warnings.len(), 1);
        let ok = preview_view(&t, &preview_of(&form("Spring", "")));
        assert!(ok.headline.contains("Organic Social"), "{}", ok.headline);
        assert!(ok.warnings.is_empty());
    }
}
