//! `/admin/mentions`: the mentions browser — filter by brand, channel, sentiment, period
//! and text, 50 a page, newest first. It reads through the same store query as
//! `GET /api/v1/mentions`.
//!
//! As on the conversions page, the period is whole days of the configured zone and both
//! days are included: internally `[from, to + 1 day)`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::{render, Nav, Tr};
use crate::domain::mention::MAX_QUERY_LEN;
use crate::domain::mention::{Channel, Sentiment};
use crate::error::PageError;
use crate::store::mentions::{Mention, MentionFilter};
use crate::store::{self};
use crate::web::auth::AdminUser;
use crate::web::AppState;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;
/// Characters of a mention's text shown in the table.
const EXCERPT: usize = 280;

/// The filter form as submitted, kept as text so a bad value is shown back.
#[derive(Deserialize, Default, Clone)]
pub struct FilterForm {
    #[serde(default)]
    brand_id: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    sentiment: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

#[derive(Default)]
struct FilterErrors {
    brand_id: Option<String>,
    channel: Option<String>,
    sentiment: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
}

impl FilterErrors {
    fn any(&self) -> bool {
        self.brand_id.is_some()
            || self.channel.is_some()
            || self.sentiment.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || self.q.is_some()
    }
}

impl FilterForm {
    fn parse(&self, tz: chrono_tz::Tz) -> Result<MentionFilter, Box<FilterErrors>> {
        let t = Tr::current();
        let mut errors = FilterErrors::default();
        let period = super::FormPeriod::parse(&self.from, &self.to, tz);
        errors.from = period.from_error;
        errors.to = period.to_error;
        let (from, to) = (period.from, period.to);
        let brand_id = match self.brand_id.trim() {
            "" => None,
            v => v
                .parse::<i64>()
                .map_err(|_| errors.brand_id = Some(t.get("mentions.error-brand")))
                .ok(),
        };
        let channel = match self.channel.trim() {
            "" => None,
            c => Channel::parse(c)
                .map(|c| c.as_str().to_owned())
                .map_err(|_| errors.channel = Some(t.get("mentions.error-channel")))
                .ok(),
        };
        let sentiment = match self.sentiment.trim() {
            "" => None,
            s => Sentiment::parse(s)
                .map(|s| s.as_str().to_owned())
                .or_else(|| {
                    errors.sentiment = Some(t.get("mentions.error-sentiment"));
                    None
                }),
        };
        let q = match self.q.trim() {
            "" => None,
            q if q.chars().count() > MAX_QUERY_LEN => {
                errors.q = Some(t.with("mentions.error-query", "max", MAX_QUERY_LEN));
                None
            }
            q => Some(q.to_owned()),
        };
        if errors.any() {
            return Err(Box::new(errors));
        }
        Ok(MentionFilter {
            brand_id,
            channel,
            sentiment,
            from,
            to,
            q,
        })
    }

    fn page(&self) -> i64 {
        self.page
            .trim()
            .parse::<i64>()
            .unwrap_or(1)
            .clamp(1, 1_000_000)
    }

    /// The filters as a query string, for the pager's links.
    fn query(&self, page: i64) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("brand_id", &self.brand_id),
            ("channel", &self.channel),
            ("sentiment", &self.sentiment),
            ("from", &self.from),
            ("to", &self.to),
            ("q", &self.q),
        ] {
            if !value.trim().is_empty() {
                q.append_pair(name, value.trim());
            }
        }
        q.append_pair("page", &page.to_string());
        q.finish()
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct RowView {
    id: i64,
    time: String,
    brand: String,
    channel: String,
    author: String,
    reach: String,
    excerpt: String,
    full_text: String,
    sentiment: String,
    sentiment_label: String,
    source_label: String,
    kind: String,
    url: Option<String>,
    topics: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/mentions.html")]
struct MentionsPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    form: FilterForm,
    errors: FilterErrors,
    has_errors: bool,
    brands: Vec<Choice>,
    channels: Vec<Choice>,
    rows: Vec<RowView>,
    range: String,
    prev_href: Option<String>,
    next_href: Option<String>,
    timezone: String,
}

/// `GET /admin/mentions`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Query<FilterForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let tz = state.effective().timezone;
    let filter = form.parse(tz);
    let page = form.page();
    let offset = (page - 1) * PAGE_SIZE;
    let loaded = filter.as_ref().ok().cloned();
    let (brands, channels, data) = state
        .db
        .run(move |conn| {
            let brands = store::brands::list_names(conn)?;
            let channels = store::mentions::list_channels(conn)?;
            let data = match loaded {
                None => None,
                Some(filter) => Some((
                    store::mentions::count(conn, &filter)?,
                    store::mentions::list(conn, &filter, PAGE_SIZE, offset)?,
                )),
            };
            Ok((brands, channels, data))
        })
        .await?;
    let mut brands: Vec<(i64, String)> = brands;
    brands.sort_by_key(|b| b.1.to_lowercase());
    let brands = brands
        .into_iter()
        .map(|(id, name)| Choice {
            selected: id.to_string() == form.brand_id.trim(),
            value: id.to_string(),
            label: name,
        })
        .collect();
    let channels = channels
        .into_iter()
        .map(|c| Choice {
            selected: c == form.channel.trim().to_ascii_lowercase(),
            label: c.clone(),
            value: c,
        })
        .collect();
    let (status, errors, count, rows) = match (filter, data) {
        (Ok(_), Some((count, rows))) => (StatusCode::OK, FilterErrors::default(), count, rows),
        (Err(errors), _) => (StatusCode::UNPROCESSABLE_ENTITY, *errors, 0, Vec::new()),
        (Ok(_), None) => return Err(PageError::Internal),
    };
    let t = Tr::current();
    let rows: Vec<RowView> = rows.into_iter().map(|m| row_view(&t, m, tz)).collect();
    let last = offset + rows.len() as i64;
    let range = t.page_range("mentions-range", offset, rows.len(), count);
    let href = |p: i64| format!("/admin/mentions?{}", form.query(p));
    render(
        status,
        &MentionsPage {
            title: "page.mentions",
            nav: Some(Nav::new(&user, "mentions")),
            t,
            range,
            prev_href: (page > 1 && count > 0).then(|| href(page - 1)),
            next_href: (last < count).then(|| href(page + 1)),
            has_errors: errors.any(),
            form,
            errors,
            brands,
            channels,
            rows,
            timezone: tz.name().to_owned(),
        },
    )
}

fn row_view(t: &Tr, m: Mention, tz: chrono_tz::Tz) -> RowView {
    let excerpt = if m.text.chars().count() > EXCERPT {
        let cut: String = m.text.chars().take(EXCERPT).collect();
        format!("{}…", cut.trim_end())
    } else {
        m.text.clone()
    };
    RowView {
        id: m.id,
        time: m
            .occurred_at
            .with_timezone(&tz)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        brand: m.brand,
        channel: m.channel,
        author: m.author,
        reach: m.author_reach.map(group_digits).unwrap_or_default(),
        excerpt,
        full_text: m.text,
        sentiment_label: match m.sentiment.as_str() {
            "positive" | "neutral" | "negative" => {
                t.get(&format!("sentiment.label-{}", m.sentiment))
            }
            other => other.to_owned(),
        },
        sentiment: m.sentiment,
        source_label: match m.sentiment_source.as_str() {
            "computed" | "given" => t.get(&format!("mentions.source-{}", m.sentiment_source)),
            other => other.to_owned(),
        },
        kind: m.kind,
        url: m.url,
        topics: m.topics,
    }
}

/// `12345` → `12,345`.
fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_are_grouped() {
        assert_eq!(super::group_digits(0), "0");
        assert_eq!(super::group_digits(999), "999");
        assert_eq!(super::group_digits(1_234_567), "1,234,567");
    }
}
