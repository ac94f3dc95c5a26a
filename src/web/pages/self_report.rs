//! What employees report themselves on `/me`: likes, comments, reshares and impressions
//! of their own shares (`POST /me/shares/{id}/metrics`), and their follower counts per
//! network (`POST /me/followers`). Both are stored as snapshots with source
//! `self_reported`, which reports can leave out. A refused form stores nothing and shows
//! each error beside its field.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono_tz::Tz;
use serde::Deserialize;

use super::links::{my_page, MyPageDraft};
use super::{see_other, Tr};
use crate::domain::network::Network;
use crate::domain::record::{Invalid, RawNumber, Source};
use crate::domain::snapshot::{self, FollowersInput, MetricsInput};
use crate::error::PageError;
use crate::store::snapshots::{FollowerSnapshot, NewFollowerSnapshot, SnapshotRefused};
use crate::store::{self};
use crate::web::auth::CurrentUser;
use crate::web::AppState;

/// The metrics form as submitted: text, so a bad value can be shown back.
#[derive(Deserialize, Default, Clone)]
pub struct MetricsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    likes: String,
    #[serde(default)]
    comments: String,
    #[serde(default)]
    reshares: String,
    #[serde(default)]
    impressions: String,
}

/// Errors beside the fields of a metrics form.
#[derive(Default, Clone)]
pub struct MetricsErrors {
    pub likes: Option<String>,
    pub comments: Option<String>,
    pub reshares: Option<String>,
    pub impressions: Option<String>,
}

/// A refused metrics form, shown again on its share's row.
pub struct MetricsDraft {
    pub share_id: i64,
    form: MetricsForm,
    errors: MetricsErrors,
}

/// The self-report form of one share's row.
pub struct ReportForm {
    /// Prefix of the inputs' ids, unique per share.
    pub id: String,
    pub csrf: String,
    /// Shown unfolded (after a refusal).
    pub open: bool,
    pub likes: String,
    pub comments: String,
    pub reshares: String,
    pub impressions: String,
    pub errors: MetricsErrors,
}

impl ReportForm {
    pub fn empty(user: &CurrentUser, share_id: i64) -> ReportForm {
        ReportForm {
            id: format!("report-{share_id}"),
            csrf: user.csrf.clone(),
            open: false,
            likes: String::new(),
            comments: String::new(),
            reshares: String::new(),
            impressions: String::new(),
            errors: MetricsErrors::default(),
        }
    }

    /// The form with the share's latest snapshot filled in, when there is one.
    pub fn prefilled(
        user: &CurrentUser,
        share_id: i64,
        latest: Option<&super::links::MetricsView>,
    ) -> ReportForm {
        let mut form = ReportForm::empty(user, share_id);
        if let Some(m) = latest {
            form.likes = m.likes.to_string();
            form.comments = m.comments.to_string();
            form.reshares = m.reshares.to_string();
            form.impressions = m.impressions.map(|i| i.to_string()).unwrap_or_default();
        }
        form
    }

    pub fn refused(user: &CurrentUser, draft: &MetricsDraft) -> ReportForm {
        ReportForm {
            id: format!("report-{}", draft.share_id),
            csrf: user.csrf.clone(),
            open: true,
            likes: draft.form.likes.clone(),
            comments: draft.form.comments.clone(),
            reshares: draft.form.reshares.clone(),
            impressions: draft.form.impressions.clone(),
            errors: draft.errors.clone(),
        }
    }
}

/// A sentence for a field error: `Likes must not be negative (got -3).`
/// In the page's language: the field's name, then what to type (the English domain
/// message stays for English, which says exactly what was wrong).
fn sentence(label: &str, invalid: &Invalid, field: &str) -> Option<String> {
    let t = Tr::current();
    invalid.of(field).map(|e| match t.locale() {
        crate::i18n::Locale::En => format!("{label} {}.", e.message),
        _ => t.with("form.count-invalid", "field", label),
    })
}

/// `POST /me/shares/{id}/metrics`: stores the numbers as a `self_reported` snapshot of
/// the user's own share, observed now. Someone else's (or no) share: 404, nothing stored.
pub async fn report_metrics(
    user: CurrentUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<MetricsForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let share_id = id.into_inner();
    let checked = snapshot::validate_metrics(
        &MetricsInput {
            likes: RawNumber::Text(&form.likes),
            comments: RawNumber::Text(&form.comments),
            reshares: RawNumber::Text(&form.reshares),
            impressions: Some(RawNumber::Text(&form.impressions)),
            observed_at: None,
        },
        store::now(),
        state.effective().timezone,
    );
    let reading = match checked {
        Ok(reading) => reading,
        Err(invalid) => {
            let t = Tr::current();
            let errors = MetricsErrors {
                likes: sentence(&t.get("links.likes"), &invalid, "likes"),
                comments: sentence(&t.get("links.comments"), &invalid, "comments"),
                reshares: sentence(&t.get("links.reshares"), &invalid, "reshares"),
                impressions: sentence(&t.get("links.col.impressions"), &invalid, "impressions"),
            };
            let draft = MyPageDraft {
                metrics: Some(MetricsDraft {
                    share_id,
                    form,
                    errors,
                }),
                ..MyPageDraft::default()
            };
            return my_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await;
        }
    };
    let employee_id = user.id;
    state
        .db
        .run(move |conn| {
            Ok(store::snapshots::insert_own_metrics(
                conn,
                employee_id,
                share_id,
                &reading,
            ))
        })
        .await?
        .map_err(|e| match e {
            SnapshotRefused::UnknownShare(_)
            | SnapshotRefused::NotOwnShare(_)
            | SnapshotRefused::UnknownEmployee(_) => PageError::NotFound,
            SnapshotRefused::Store(e) => e.into(),
        })?;
    Ok(see_other(&format!("/me?saved=metrics#share-{share_id}")))
}

/// One network's input of the follower form.
pub struct FollowerField {
    /// The API name, also the input's name.
    pub network: &'static str,
    pub label: &'static str,
    pub value: String,
    pub error: Option<String>,
    /// The latest count on record, any source.
    pub current: Option<i64>,
    pub current_self_reported: bool,
    /// Local date of that count.
    pub current_date: String,
}

impl FollowerField {
    pub fn new(
        network: Network,
        current: Option<FollowerSnapshot>,
        value: String,
        error: Option<String>,
        tz: Tz,
    ) -> FollowerField {
        FollowerField {
            network: network.as_str(),
            label: network.display_name(),
            value,
            error,
            current_self_reported: current
                .as_ref()
                .is_some_and(|c| c.source == Source::SelfReported.as_str()),
            current_date: current
                .as_ref()
                .map(|c| Tr::current().date(&c.observed_at.with_timezone(&tz).date_naive()))
                .unwrap_or_default(),
            current: current.map(|c| c.followers),
        }
    }
}

/// `POST /me/followers`: one input per network (named by the network's API name); every
/// filled-in count is stored as a `self_reported` follower snapshot observed now, all in
/// one transaction. Blank inputs are skipped; one bad count refuses the whole form.
pub async fn report_followers(
    user: CurrentUser,
    state: web::Data<AppState>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let fields: HashMap<String, String> = form.into_inner().into_iter().collect();
    user.check_csrf(fields.get("csrf").map_or("", String::as_str))?;
    let now = store::now();
    let tz = state.effective().timezone;
    let mut batch = Vec::new();
    let mut draft: HashMap<Network, (String, Option<String>)> = HashMap::new();
    let mut refused = false;
    for network in Network::ALL {
        let value = fields
            .get(network.as_str())
            .map(|v| v.trim().to_owned())
            .unwrap_or_default();
        if value.is_empty() {
            continue;
        }
        let checked = snapshot::validate_followers(
            &FollowersInput {
                network: network.as_str(),
                followers: RawNumber::Text(&value),
                observed_at: None,
            },
            now,
            tz,
        );
        let error = match checked {
            Ok(reading) => {
                batch.push(NewFollowerSnapshot {
                    employee_id: user.id,
                    reading,
                });
                None
            }
            Err(invalid) => {
                refused = true;
                sentence(
                    &Tr::current().with("me.network-followers", "network", network.display_name()),
                    &invalid,
                    "followers",
                )
            }
        };
        draft.insert(network, (value, error));
    }
    if refused || batch.is_empty() {
        let draft = MyPageDraft {
            followers_error: Some(if refused {
                Tr::current().get("me.followers-refused")
            } else {
                Tr::current().get("me.followers-empty")
            }),
            followers: draft,
            ..MyPageDraft::default()
        };
        return my_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await;
    }
    state
        .db
        .run(move |conn| {
            Ok(store::snapshots::insert_followers_batch(
                conn,
                &batch,
                Source::SelfReported,
            ))
        })
        .await?
        .map_err(|e| match e {
            SnapshotRefused::Store(e) => e.into(),
            // The signed-in employee was erased meanwhile.
            _ => PageError::NotFound,
        })?;
    Ok(see_other("/me?saved=followers#followers"))
}
