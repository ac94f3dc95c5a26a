//! The employee feed (`/feed`, the landing page after sign-in): the content library as
//! cards with one-tap share buttons per network, a copy-link button and the QR code of the
//! links that exist.
//!
//! A share button posts to `/feed/{content_id}/share/{target}`, which creates the
//! employee's share (or reuses it: the same `store::shares::create` as the API) and answers
//! 303 to the network's compose window ([`share_intent`]). The copy-link button makes the
//! share recorded as network `other`; with `static/js/feed.js` it is fetched as JSON and
//! copied at once, without script the page comes back with the link in a selectable field.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{ok, see_other, Nav, Tr};
use crate::domain::network::Network;
use crate::domain::share;
use crate::domain::share_intent::{self, IntentText, ShareTarget};
use crate::domain::slug::Slug;
use crate::error::PageError;
use crate::store;
use crate::store::content::{FeedFilter, FeedItem};
use crate::store::shares::{NewShare, Share, ShareFilter, ShareRefused};
use crate::web::auth::CurrentUser;
use crate::web::AppState;

/// How many cards a page shows; the rest is reached by search and the campaign filter.
const CAP: usize = 60;
/// Longest search text taken.
const MAX_SEARCH: usize = 200;

/// The feed's query string: `q` (words in the title or a topic) and `campaign` (an id;
/// empty or unreadable means every campaign).
#[derive(Deserialize, Default)]
pub struct FeedQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    campaign: String,
}

impl FeedQuery {
    fn search(&self) -> Option<String> {
        let q: String = self.q.trim().chars().take(MAX_SEARCH).collect();
        (!q.is_empty()).then_some(q)
    }

    fn campaign_id(&self) -> Option<i64> {
        self.campaign.trim().parse().ok()
    }

    /// `?q=…&campaign=…` for links back to the same view ("" when unfiltered).
    fn query_string(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        if let Some(q) = self.search() {
            out.append_pair("q", &q);
        }
        if let Some(id) = self.campaign_id() {
            out.append_pair("campaign", &id.to_string());
        }
        let s = out.finish();
        if s.is_empty() {
            s
        } else {
            format!("?{s}")
        }
    }
}

/// One network button of a card.
pub struct TargetView {
    pub name: &'static str,
    pub label: &'static str,
}

/// One of the employee's existing links for a card.
pub struct LinkView {
    pub network: &'static str,
    pub slug: String,
    pub short_url: String,
}

/// One card.
pub struct CardView {
    pub id: i64,
    pub title: String,
    pub host: String,
    pub campaign: Option<String>,
    pub topics: Vec<String>,
    pub text: String,
    /// The preview image as Chorus serves it, once the server has fetched it (never the
    /// remote URL: see `app::preview_images`).
    pub image: Option<String>,
    /// The copy-link share (network `other`), when it exists.
    pub link: Option<LinkView>,
    /// Every share of this employee for the item, in network order.
    pub shares: Vec<LinkView>,
    /// Pinned by an admin: shown first, with a badge.
    pub pinned: bool,
}

/// A campaign option of the filter.
pub struct CampaignOption {
    pub id: i64,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "employee/feed.html")]
struct FeedPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    cards: Vec<CardView>,
    targets: Vec<TargetView>,
    campaigns: Vec<CampaignOption>,
    search: String,
    campaign: String,
    filtered: bool,
    total: usize,
    cap: usize,
}

fn link_view(base: &str, s: &Share) -> LinkView {
    let network = Network::parse(&s.network)
        .map(Network::display_name)
        .unwrap_or("?");
    LinkView {
        network,
        slug: s.slug.clone(),
        short_url: share::short_url(base, &s.slug),
    }
}

fn card(base: &str, item: FeedItem, mine: &[Share], has_image: bool) -> CardView {
    let content = item.content;
    let host = url::Url::parse(&content.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let mut ordered: Vec<&Share> = mine.iter().collect();
    ordered.sort_by_key(|s| {
        Network::ALL
            .iter()
            .position(|n| n.as_str() == s.network)
            .unwrap_or(usize::MAX)
    });
    CardView {
        id: content.id,
        host,
        campaign: item.campaign,
        topics: content.topics,
        text: content.suggested_text.unwrap_or_default(),
        image: has_image.then(|| format!("/content/{}/image", content.id)),
        link: mine
            .iter()
            .find(|s| s.network == Network::Other.as_str())
            .map(|s| link_view(base, s)),
        shares: ordered.into_iter().map(|s| link_view(base, s)).collect(),
        pinned: content.pinned,
        title: content.title,
    }
}

/// `GET /feed?q&campaign`.
pub async fn page(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let filter = FeedFilter {
        search: query.search(),
        campaign_id: query.campaign_id(),
        limit: CAP,
    };
    let employee_id = user.id;
    let ((items, total), campaigns, shares, images) = state
        .db
        .run(move |conn| {
            let feed = store::content::list_feed(conn, &filter)?;
            let ids: Vec<i64> = feed.0.iter().map(|item| item.content.id).collect();
            let images = store::content_images::available(conn, &ids)?;
            let campaigns = store::campaigns::list(conn)?;
            let shares = store::shares::list(
                conn,
                &ShareFilter {
                    employee_id: Some(employee_id),
                    ..ShareFilter::default()
                },
            )?;
            Ok((feed, campaigns, shares, images))
        })
        .await?;
    let base = state.settings.public_base();
    let mut by_content: HashMap<i64, Vec<Share>> = HashMap::new();
    for s in shares {
        by_content.entry(s.content_id).or_default().push(s);
    }
    let cards = items
        .into_iter()
        .map(|item| {
            let mine = by_content
                .get(&item.content.id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let has_image = images.contains(&item.content.id);
            card(base, item, mine, has_image)
        })
        .collect();
    let selected = query.campaign_id();
    ok(&FeedPage {
        title: "page.feed",
        nav: Some(Nav::new(&user, "feed")),
        t: Tr::current(),
        csrf: user.csrf.clone(),
        cards,
        targets: ShareTarget::ALL
            .into_iter()
            .map(|t| TargetView {
                name: t.as_str(),
                label: t.display_name(),
            })
            .collect(),
        campaigns: campaigns
            .into_iter()
            .map(|c| CampaignOption {
                selected: Some(c.id) == selected,
                id: c.id,
                name: c.name,
            })
            .collect(),
        filtered: query.search().is_some() || selected.is_some(),
        search: query.search().unwrap_or_default(),
        campaign: selected.map(|id| id.to_string()).unwrap_or_default(),
        total,
        cap: CAP,
    })
}

/// The body of the share forms: the CSRF token, and the feed's filter to come back to.
#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    campaign: String,
}

/// Creates (or finds) `user`'s share of `content_id` on `network`, through the same store
/// function as `POST /api/v1/shares`, and returns it with the content's title and text.
async fn share_for(
    state: &AppState,
    user: &CurrentUser,
    content_id: i64,
    network: Network,
) -> Result<(Share, String, String), PageError> {
    // Deactivated meanwhile (the session check came first): no new links.
    let me = user.id;
    if state
        .db
        .run(move |conn| store::employees::is_active(conn, me))
        .await?
        != Some(true)
    {
        return Err(PageError::Forbidden);
    }
    let new = NewShare {
        employee_id: user.id,
        content_id,
        network,
        slug: None,
    };
    let slug_length = state.effective().slug_length;
    let (share, title, text) = state
        .db
        .run(move |conn| {
            let made = store::shares::create(conn, &new, &mut || Slug::generate(slug_length));
            match made {
                Ok((share, _)) => {
                    let content = store::content::find_by_id(conn, content_id)?;
                    // The network's own text when the item has one.
                    let text = content.text_for(network).unwrap_or_default();
                    Ok(Ok((share, content.title, text)))
                }
                Err(ShareRefused::Store(e)) => Err(e),
                Err(refused) => Ok(Err(refused)),
            }
        })
        .await?
        .map_err(|refused| match refused {
            // Missing or archived content, or an account erased meanwhile: nothing to share.
            ShareRefused::UnknownContent | ShareRefused::UnknownEmployee => PageError::NotFound,
            ShareRefused::NoFreeSlug => {
                tracing::error!(
                    slug_length,
                    "no free slug after several attempts; raise CHORUS_SLUG_LENGTH"
                );
                PageError::Unavailable
            }
            ShareRefused::SlugTaken | ShareRefused::Store(_) => PageError::Internal,
        })?;
    // A visit before the link existed may have left a short-lived "unknown" entry.
    state.links.invalidate(&share.slug);
    Ok((share, title, text))
}

/// `POST /feed/{content_id}/share/{target}`: 303 to the network's compose window with the
/// employee's short link and the suggested text. Unknown targets and content are 404.
pub async fn share(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    form: web::Form<ShareForm>,
) -> Result<HttpResponse, PageError> {
    let (content_id, target) = path.into_inner();
    let target = ShareTarget::parse(&target).map_err(|_| PageError::NotFound)?;
    user.check_csrf(&form.csrf)?;
    let (share, title, text) = share_for(&state, &user, content_id, target.network()).await?;
    let link = share::short_url(state.settings.public_base(), &share.slug);
    let intent = share_intent::intent_url(
        target,
        IntentText {
            link: &link,
            text: &text,
            subject: &title,
        },
    )
    .map_err(|e| {
        tracing::error!(error = %e, "the public base URL does not make http(s) short links");
        PageError::Internal
    })?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, intent))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}

/// `POST /feed/{content_id}/link`: the copy-link share (network `other`). Asked for JSON
/// (by `feed.js`), answers `{"short_url", "qr"}`; otherwise 303 back to the card, which now
/// shows the link in a selectable field.
pub async fn link(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<ShareForm>,
) -> Result<HttpResponse, PageError> {
    let content_id = path.into_inner();
    user.check_csrf(&form.csrf)?;
    let (share, _, _) = share_for(&state, &user, content_id, Network::Other).await?;
    let wants_json = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if wants_json {
        return Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json(serde_json::json!({
                "short_url": share::short_url(state.settings.public_base(), &share.slug),
                "qr": format!("/qr/{}.svg", share.slug),
            })));
    }
    let back = FeedQuery {
        q: form.q.clone(),
        campaign: form.campaign.clone(),
    };
    Ok(see_other(&format!(
        "/feed{}#content-{content_id}",
        back.query_string()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_survives_the_way_back() {
        let q = FeedQuery {
            q: " AI & 데이터 ".into(),
            campaign: "7".into(),
        };
        assert_eq!(
            q.query_string(),
            "?q=AI+%26+%EB%8D%B0%EC%9D%B4%ED%84%B0&campaign=7"
        );
        let none = FeedQuery {
            q: " ".into(),
            campaign: "x".into(),
        };
        assert_eq!(none.query_string(), "");
    }
}
