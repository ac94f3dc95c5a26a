//! `/admin/sentiment`: the admin's changes to the sentiment word lists — list, add or
//! re-weight a word, remove a change — and a "try it" box that scores a sentence with
//! the current lexicon and shows which words counted.
//!
//! Saving or removing drops this instance's cached lexicon at once; other instances
//! follow within `LEXICON_TTL`. Mentions already stored keep the sentiment they got.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::setup::capitalise;
use super::{render, see_other, Nav, Tr};
use crate::domain::sentiment::{self, Language, Lexicon, WordEntry, MAX_POLARITY};
use crate::error::PageError;
use crate::store::{self, StoreError};
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

/// The longest sentence the "try it" box scores.
const MAX_TRY_LEN: usize = 2_000;

struct WordView {
    id: i64,
    language: String,
    word: String,
    polarity: i64,
    /// The built-in list's polarity for the word, if it has one.
    builtin: Option<i8>,
}

struct HitView {
    token: String,
    polarity: i8,
    weight: String,
    negated: bool,
}

struct TryView {
    sentiment: String,
    label: String,
    value: String,
    hits: Vec<HitView>,
}

#[derive(Deserialize, Default)]
pub struct WordForm {
    #[serde(default)]
    language: String,
    #[serde(default)]
    word: String,
    #[serde(default)]
    polarity: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Default)]
struct WordErrors {
    language: Option<String>,
    word: Option<String>,
    polarity: Option<String>,
}

#[derive(Deserialize)]
pub struct PageQuery {
    text: Option<String>,
    done: Option<String>,
    word: Option<String>,
    language: Option<String>,
    polarity: Option<i64>,
}

#[derive(Template)]
#[template(path = "admin/sentiment.html")]
struct SentimentPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    words: Vec<WordView>,
    builtin_en: usize,
    builtin_ko: usize,
    form: WordForm,
    errors: WordErrors,
    polarities: Vec<(i64, String)>,
    text: String,
    text_error: Option<String>,
    tried: Option<TryView>,
    notice: Option<String>,
    threshold: String,
}

fn polarity_label(t: &Tr, p: i64) -> String {
    t.get(match p {
        3 => "sentiment.polarity-plus3",
        2 => "sentiment.polarity-plus2",
        1 => "sentiment.polarity-plus1",
        0 => "sentiment.polarity-zero",
        -1 => "sentiment.polarity-minus1",
        -2 => "sentiment.polarity-minus2",
        _ => "sentiment.polarity-minus3",
    })
}

fn language_name(t: &Tr, code: &str) -> String {
    if code == "ko" {
        t.get("sentiment.language-ko")
    } else {
        t.get("sentiment.language-en")
    }
}

/// The domain's refusal as a sentence in the page's language.
fn word_error(t: &Tr, e: &sentiment::InvalidWord) -> String {
    let m = e.message.as_str();
    match e.field {
        "language" => t.get("sentiment.error-language"),
        "polarity" => t.with("sentiment.error-polarity", "max", MAX_POLARITY),
        _ if m.starts_with("enter a word") => t.get("sentiment.error-word-empty"),
        _ if m.starts_with("a word is at most") => t.with(
            "sentiment.error-word-too-long",
            "max",
            sentiment::MAX_WORD_LEN,
        ),
        _ if m.starts_with("one word") => t.get("sentiment.error-word-chars"),
        _ if m.starts_with("a Korean word") => t.get("sentiment.error-word-hangul"),
        _ if m.starts_with("this is Hangul") => t.get("sentiment.error-word-not-hangul"),
        _ => format!("{}.", capitalise(m)),
    }
}

/// Every broken field of the word form at once (issue 12), each beside its own field:
/// `WordEntry::parse` stops at the first rule, so each field is checked with the others
/// set to a value that passes (the word against the language typed, or — when that is
/// not a language — against the one its script implies).
fn check_word(t: &Tr, form: &WordForm) -> Result<WordEntry, WordErrors> {
    let mut errors = WordErrors::default();
    let language = match Language::parse(&form.language) {
        Some(_) => form.language.clone(),
        None => {
            errors.language = Some(t.get("sentiment.error-language"));
            let hangul = form.word.chars().any(crate::domain::mention::is_hangul);
            (if hangul { "ko" } else { "en" }).to_owned()
        }
    };
    if let Err(e) = WordEntry::parse(&language, &form.word, "1") {
        errors.word = Some(word_error(t, &e));
    }
    if let Err(e) = WordEntry::parse("en", "good", &form.polarity) {
        errors.polarity = Some(word_error(t, &e));
    }
    if errors.language.is_some() || errors.word.is_some() || errors.polarity.is_some() {
        return Err(errors);
    }
    WordEntry::parse(&form.language, &form.word, &form.polarity).map_err(|e| {
        let mut errors = WordErrors::default();
        let message = Some(word_error(t, &e));
        match e.field {
            "language" => errors.language = message,
            "polarity" => errors.polarity = message,
            _ => errors.word = message,
        }
        errors
    })
}

struct Draft {
    form: WordForm,
    errors: WordErrors,
    text: String,
    notice: Option<String>,
}

async fn sentiment_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    draft: Draft,
) -> Result<HttpResponse, PageError> {
    let stored = state.db.run(store::sentiment_words::list).await?;
    let lexicon = state.lexicon.get(&state.db).await?;
    let builtin = Lexicon::builtin();
    let words = stored
        .into_iter()
        .map(|w| WordView {
            builtin: Language::parse(&w.language).and_then(|l| builtin.get(l, &w.word)),
            id: w.id,
            language: w.language,
            word: w.word,
            polarity: w.polarity,
        })
        .collect();
    let t = Tr::current();
    let text = draft.text.trim().to_owned();
    let (tried, text_error) = if text.is_empty() {
        (None, None)
    } else if text.chars().count() > MAX_TRY_LEN {
        (
            None,
            Some(t.with("sentiment.try-too-long", "max", MAX_TRY_LEN)),
        )
    } else {
        let score = sentiment::score(&text, &lexicon);
        (
            Some(TryView {
                sentiment: score.sentiment.as_str().to_owned(),
                label: t.get(&format!("sentiment.label-{}", score.sentiment.as_str())),
                value: format!("{:+.2}", score.value),
                hits: score
                    .hits
                    .into_iter()
                    .map(|h| HitView {
                        token: h.token,
                        polarity: h.polarity,
                        weight: format!("{:+.2}", h.weight),
                        negated: h.negated,
                    })
                    .collect(),
            }),
            None,
        )
    };
    let status = if text_error.is_some() && status == StatusCode::OK {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        status
    };
    render(
        status,
        &SentimentPage {
            title: "page.sentiment",
            nav: Some(Nav::new(user, "sentiment")),
            t,
            csrf: user.csrf.clone(),
            words,
            builtin_en: builtin.len(Language::En),
            builtin_ko: builtin.len(Language::Ko),
            form: draft.form,
            errors: draft.errors,
            polarities: (-MAX_POLARITY..=MAX_POLARITY)
                .rev()
                .map(|p| (p, polarity_label(&t, p)))
                .collect(),
            text,
            text_error,
            tried,
            notice: draft.notice,
            threshold: format!("{:.1}", sentiment::THRESHOLD),
        },
    )
}

/// `GET /admin/sentiment?text=…`: the list, and the score of `text` when given.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let query = query.into_inner();
    let t = Tr::current();
    let notice = match query.done.as_deref() {
        Some("removed") => Some(t.get("sentiment.removed")),
        Some("saved") => {
            let lang = query.language.as_deref().unwrap_or("en");
            let polarity = query
                .polarity
                .unwrap_or(0)
                .clamp(-MAX_POLARITY, MAX_POLARITY);
            Some(t.with2(
                "sentiment.saved",
                "word",
                query.word.as_deref().unwrap_or(""),
                "detail",
                format!(
                    "{}, {}",
                    language_name(&t, lang),
                    polarity_label(&t, polarity)
                ),
            ))
        }
        _ => None,
    };
    let draft = Draft {
        form: WordForm {
            polarity: "1".into(),
            ..WordForm::default()
        },
        errors: WordErrors::default(),
        text: query.text.unwrap_or_default(),
        notice,
    };
    sentiment_page(&state, &user, StatusCode::OK, draft).await
}

fn done(query: &str) -> HttpResponse {
    see_other(&format!("/admin/sentiment?done={query}"))
}

/// `POST /admin/sentiment`: add a word or change its polarity (0 removes it from the
/// lists).
pub async fn save(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    form: web::Form<WordForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    user.check_csrf(&form.csrf)?;
    let entry = match check_word(&Tr::current(), &form) {
        Ok(entry) => entry,
        Err(errors) => {
            let draft = Draft {
                form,
                errors,
                text: String::new(),
                notice: None,
            };
            return sentiment_page(&state, &user, StatusCode::UNPROCESSABLE_ENTITY, draft).await;
        }
    };
    let shown = format!(
        "saved&word={}&language={}&polarity={}",
        percent_encoding::utf8_percent_encode(&entry.word, percent_encoding::NON_ALPHANUMERIC),
        match entry.language {
            Language::Ko => "ko",
            Language::En => "en",
        },
        entry.polarity
    );
    state
        .db
        .run(move |conn| store::sentiment_words::upsert(conn, &entry))
        .await?;
    state.lexicon.invalidate();
    Ok(done(&shown))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/sentiment/{id}/delete`: drop an admin change (the built-in list applies
/// again).
pub async fn remove(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    user.check_csrf(&form.csrf)?;
    let id = id.into_inner();
    match state
        .db
        .run(move |conn| store::sentiment_words::delete(conn, id))
        .await
    {
        Ok(()) => {
            state.lexicon.invalidate();
            Ok(done("removed"))
        }
        Err(StoreError::NotFound) => Err(PageError::NotFound),
        Err(e) => Err(e.into()),
    }
}
