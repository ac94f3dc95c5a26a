//! `/api/v1/mentions`: batches of brand mentions in, filtered lists out.
//!
//! `POST` takes `{"mentions": [...]}`, 1 to [`MAX_BATCH`] items, all or nothing: the first
//! bad item refuses the batch and the error names it (`mentions[3].occurred_at: …`) —
//! 400 for a wrong JSON type, 422 for a broken rule or an unknown brand, 413 beyond
//! [`MAX_BATCH`] items or [`BODY_LIMIT`] bytes. Repeats of a stored (or earlier in the
//! batch) `(channel, external_id)` are counted in `duplicates` and skipped. A mention
//! without `sentiment` gets one computed by the lexicon scorer.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{invalid, query_period};
use crate::domain::mention::{self, Channel, MentionFields, Sentiment, MAX_BATCH};
use crate::error::ApiError;
use crate::store::mentions::{BatchRefused, MentionFilter, NewMention};
use crate::store::{self};
use crate::web::auth::FullAccess;
use crate::web::AppState;

/// The request body limit of `POST /mentions`: [`MAX_BATCH`] mentions of a few kilobytes
/// each need more than the API's default.
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The body of `POST /mentions`; each item is read field by field ([`fields`]) so a type
/// error can name its item.
#[derive(Deserialize)]
pub struct CreateMentions {
    mentions: Vec<Value>,
}

/// Reads item `index` into [`MentionFields`]. Missing or `null` fields are empty (the
/// domain rules then say what is required); a value of the wrong JSON type is a 400 that
/// names the item and field.
pub fn fields(index: usize, item: &Value) -> Result<MentionFields, ApiError> {
    let Some(object) = item.as_object() else {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("mentions[{index}]: expected an object"),
        ));
    };
    let wrong = |field: &str, expected: &str| {
        ApiError::bad_request(
            "invalid_body",
            format!("mentions[{index}].{field}: expected {expected}"),
        )
    };
    let text = |object: &Map<String, Value>, field: &str| -> Result<Option<String>, ApiError> {
        match object.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(wrong(field, "a string")),
        }
    };
    let author_reach = match object.get("author_reach") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(
            n.as_i64()
                .ok_or_else(|| wrong("author_reach", "a whole number"))?,
        ),
        Some(_) => return Err(wrong("author_reach", "a whole number")),
    };
    // Platforms hand out numeric ids; both spellings name the same mention.
    let external_id = match object.get("external_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Some(_) => return Err(wrong("external_id", "a string or a whole number")),
    };
    Ok(MentionFields {
        brand: text(object, "brand")?.unwrap_or_default(),
        channel: text(object, "channel")?.unwrap_or_default(),
        author: text(object, "author")?.unwrap_or_default(),
        text: text(object, "text")?.unwrap_or_default(),
        occurred_at: text(object, "occurred_at")?.unwrap_or_default(),
        kind: text(object, "kind")?,
        sentiment: text(object, "sentiment")?,
        author_reach,
        url: text(object, "url")?,
        external_id,
    })
}

/// `POST /mentions` → 201 `{"inserted","duplicates"}`.
pub async fn create(
    _: FullAccess,
    state: web::Data<AppState>,
    body: web::Json<CreateMentions>,
) -> Result<HttpResponse, ApiError> {
    let items = body.into_inner().mentions;
    if items.is_empty() {
        return Err(ApiError::unprocessable(
            "empty_batch",
            "mentions: send at least one mention",
        ));
    }
    if items.len() > MAX_BATCH {
        return Err(ApiError::PayloadTooLarge(format!(
            "mentions: a batch holds at most {MAX_BATCH} mentions (got {}); split it",
            items.len()
        )));
    }
    let tz = state.effective().timezone;
    let now = store::now();
    let mut checked = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let fields = fields(index, item)?;
        checked.push(
            mention::validate(index, &fields, tz, now)
                .map_err(|e| ApiError::unprocessable(e.code, e.to_string()))?,
        );
    }
    let lexicon = state.lexicon.get(&state.db).await?;
    let batch: Vec<NewMention> = checked
        .into_iter()
        .map(|m| NewMention::new(m, &lexicon))
        .collect();
    let outcome = state
        .db
        .run(move |conn| Ok(store::mentions::insert_batch(conn, &batch)))
        .await?
        .map_err(|e| match e {
            BatchRefused::UnknownBrand { index, name } => ApiError::unprocessable(
                "unknown_brand",
                format!("mentions[{index}].brand: no brand named {name:?}; create it with POST /api/v1/brands"),
            ),
            BatchRefused::Store(e) => e.into(),
        })?;
    Ok(HttpResponse::Created().json(outcome))
}

/// Filters of `GET /mentions`, as query parameters.
#[derive(Deserialize)]
pub struct FilterQuery {
    brand: Option<String>,
    brand_id: Option<i64>,
    channel: Option<String>,
    sentiment: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
    limit: Option<i64>,
    offset: Option<i64>,
}

/// The most `GET /mentions` returns at once.
const MAX_LIST: i64 = 1_000;

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl FilterQuery {
    /// The store filter without the brand (a name is resolved against the database).
    fn filter(&self, tz: chrono_tz::Tz) -> Result<MentionFilter, ApiError> {
        let (from, to) = query_period(self.from.as_deref(), self.to.as_deref(), tz)?;
        let channel = present(&self.channel)
            .map(|c| {
                Channel::parse(c)
                    .map(|c| c.as_str().to_owned())
                    .map_err(|e| invalid("invalid_channel", "channel", e))
            })
            .transpose()?;
        let sentiment = present(&self.sentiment)
            .map(|s| {
                Sentiment::parse(s)
                    .map(|s| s.as_str().to_owned())
                    .ok_or_else(|| {
                        invalid(
                            "invalid_sentiment",
                            "sentiment",
                            format!("must be positive, neutral or negative (got {s:?})"),
                        )
                    })
            })
            .transpose()?;
        let q = present(&self.q).map(str::to_owned);
        if q.as_ref()
            .is_some_and(|q| q.chars().count() > mention::MAX_QUERY_LEN)
        {
            return Err(invalid(
                "invalid_q",
                "q",
                format!("at most {} characters", mention::MAX_QUERY_LEN),
            ));
        }
        Ok(MentionFilter {
            brand_id: self.brand_id,
            channel,
            sentiment,
            from,
            to,
            q,
        })
    }
}

/// `GET /mentions?brand&brand_id&channel&sentiment&from&to&q&limit&offset` →
/// `{"mentions": [...], "total"}`, newest first, 100 by default (at most 1,000). `brand`
/// is a name (ignoring case); an unknown one is 422.
pub async fn list(
    _: FullAccess,
    state: web::Data<AppState>,
    query: web::Query<FilterQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut filter = query.filter(state.effective().timezone)?;
    let limit = query.limit.unwrap_or(100).clamp(1, MAX_LIST);
    let offset = query.offset.unwrap_or(0).max(0);
    let brand = present(&query.brand).map(str::to_owned);
    let found = state
        .db
        .run(move |conn| {
            if let Some(name) = &brand {
                match store::brands::find_id_by_name(conn, name)? {
                    Some(id) => filter.brand_id = Some(id),
                    None => return Ok(Err(name.clone())),
                }
            }
            let total = store::mentions::count(conn, &filter)?;
            let rows = store::mentions::list(conn, &filter, limit, offset)?;
            Ok(Ok((total, rows)))
        })
        .await?;
    let (total, rows) = found.map_err(|name| {
        ApiError::unprocessable("unknown_brand", format!("brand: no brand named {name:?}"))
    })?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "mentions": rows,
        "total": total,
        "limit": limit,
        "offset": offset,
    })))
}
