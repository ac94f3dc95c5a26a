//! Tells human clicks from link-preview fetchers and other bots, by `User-Agent`, and
//! names the browser, OS and device class of a click.
//!
//! The rules are vendored in `data/useragents/` (see its `VERSIONS` and `refresh.sh`) and
//! compiled into the binary:
//!
//! - `preview.json` + `preview-extra.json`: link-preview fetchers (npm
//!   `crawler-user-agents`, tag `social-preview`, MIT; plus a few it misses);
//! - `bots.json`: every other bot (npm `isbot` 5.x, Unlicense);
//! - `regexes.json`: browser and OS rules (npm `uap-core`, Apache-2.0), read by the
//!   `ua-parser` crate.
//!
//! The verdict order matters: a missing or blank user agent is a bot; the preview list
//! comes before the bot list because preview fetchers match the bot list too; whatever is left
//! is a human. Requests that are not clicks whatever their user agent (`HEAD`,
//! `Sec-Purpose: prefetch`) and e-mail security scanners posing as browsers are out of
//! reach here: the first needs the request, the second needs behaviour over time.
//!
//! The two pattern lists are JavaScript regexes matched case-insensitively. Each list is
//! joined into one alternation and both go into one [`RegexSet`]: a single automaton and a
//! single scan of the user agent give both answers (measured about 25 % faster than two
//! separate regexes; about 0.5 µs a user agent in release). Unicode mode is off, which
//! gives `\w`, `\d`, `\s` and `\b` the ASCII meaning they have in JavaScript, and lets
//! the automaton work on bytes. Rust's `regex` has no look-around;
//! the isbot patterns that use it only ever exclude fixed words (`(?<!cam)scan`,
//! `java(?!;)`), so they are rewritten into equivalent look-around-free alternations when
//! the classifier is built, and a pattern using any other kind of look-around fails the
//! build with [`ClassifierError::Pattern`] (the tests catch that after a refresh).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use regex::bytes::{RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use ua_parser::{os, user_agent};

const BOTS_JSON: &str = include_str!("../../data/useragents/bots.json");
const PREVIEW_JSON: &str = include_str!("../../data/useragents/preview.json");
const PREVIEW_EXTRA_JSON: &str = include_str!("../../data/useragents/preview-extra.json");
const UAP_REGEXES_JSON: &str = include_str!("../../data/useragents/regexes.json");

/// What sent a request, as far as its user agent tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentKind {
    /// A person's browser or in-app browser.
    Human,
    /// A crawler, monitor, script or HTTP library.
    Bot,
    /// A fetcher building the preview card of a shared link (LinkedIn, Slack, WhatsApp...).
    Preview,
}

impl AgentKind {
    /// Stable lower-case name, for storage and APIs.
    pub fn as_str(&self) -> &'static str {
        match self {
            AgentKind::Human => "human",
            AgentKind::Bot => "bot",
            AgentKind::Preview => "preview",
        }
    }
}

/// Kind of device a click came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceClass {
    /// Windows, macOS, Linux or ChromeOS computer.
    Desktop,
    /// Phone.
    Mobile,
    /// iPad, Android tablet, Kindle.
    Tablet,
    /// Bots and preview fetchers, whatever device their user agent pretends to be.
    Bot,
    /// A human user agent without a platform we know (TVs, consoles, bare "Mozilla/5.0").
    Unknown,
}

impl DeviceClass {
    /// Stable lower-case name, for storage and APIs.
    pub fn as_str(&self) -> &'static str {
        match self {
            DeviceClass::Desktop => "desktop",
            DeviceClass::Mobile => "mobile",
            DeviceClass::Tablet => "tablet",
            DeviceClass::Bot => "bot",
            DeviceClass::Unknown => "unknown",
        }
    }
}

/// Everything [`AgentClassifier::analyse`] learns from a user agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentInfo {
    /// Same answer as [`AgentClassifier::kind`].
    pub kind: AgentKind,
    /// Browser or app family ("Chrome", "Safari", "LinkedIn", "Facebook"...), "Other" if
    /// unknown. Bots get their own name where uap-core knows it ("Googlebot").
    pub browser: String,
    /// OS family ("Windows", "macOS", "iOS", "Android", "Linux"...), "Other" if unknown.
    pub os: String,
    /// Always [`DeviceClass::Bot`] for bots and preview fetchers.
    pub device: DeviceClass,
}

/// Why the embedded rules could not be turned into a classifier. Every variant is a
/// build-time data problem (the rules are compiled in), never a run-time input problem.
#[derive(Debug, thiserror::Error)]
pub enum ClassifierError {
    /// A vendored file does not have the expected shape.
    #[error("user-agent list {list} is not valid JSON: {source}")]
    Json {
        list: &'static str,
        #[source]
        source: serde_json::Error,
    },
    /// A pattern list is empty, which would silently classify everyone as human.
    #[error("user-agent list {list} has no patterns")]
    EmptyList { list: &'static str },
    /// One pattern cannot be translated (unsupported look-around) or compiled.
    #[error("pattern {pattern:?} in user-agent list {list}: {reason}")]
    Pattern {
        list: &'static str,
        pattern: String,
        reason: String,
    },
    /// Every pattern compiles alone but not all together (e.g. a size limit).
    #[error("user-agent lists do not compile into one regex set: {0}")]
    Compile(#[source] regex::Error),
    /// uap-core's rules, or the custom ones, are rejected by `ua-parser`.
    #[error("uap-core rules do not compile: {0}")]
    UaParser(#[from] ua_parser::Error),
}

/// User-agent classifier. Build it once (about 50 ms and 10 MB in release, mostly the
/// uap-core rules; much slower in debug builds) and share it: it is `Send + Sync` and
/// every method takes `&self`.
pub struct AgentClassifier {
    /// Two patterns: [`PREVIEW`] (the preview list) and [`BOT`] (the bot list).
    lists: RegexSet,
    browsers: user_agent::Extractor<'static>,
    oses: os::Extractor<'static>,
}

impl fmt::Debug for AgentClassifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentClassifier").finish_non_exhaustive()
    }
}

/// `regexes.json`: uap-core's `regexes.yaml` as JSON, without its device rules (which
/// `ua_parser::Regexes` would require).
#[derive(Deserialize)]
struct UapRules {
    user_agent_parsers: Vec<user_agent::Parser<'static>>,
    os_parsers: Vec<os::Parser<'static>>,
}

/// One entry of `preview.json` / `preview-extra.json`; the other fields (sample user
/// agents, notes) are there for the tests and for people.
#[derive(Deserialize)]
struct PreviewEntry {
    pattern: String,
}

impl AgentClassifier {
    /// Builds from the vendored lists compiled into the binary with include_str!/include_bytes!
    /// (paths relative to src/domain/classify.rs, i.e. "../../data/useragents/...").
    pub fn embedded() -> Result<Self, ClassifierError> {
        let mut previews = parse_previews("preview.json", PREVIEW_JSON)?;
        previews.extend(parse_previews("preview-extra.json", PREVIEW_EXTRA_JSON)?);
        let bots: Vec<String> =
            serde_json::from_str(BOTS_JSON).map_err(|source| ClassifierError::Json {
                list: "bots.json",
                source,
            })?;

        let uap: UapRules =
            serde_json::from_str(UAP_REGEXES_JSON).map_err(|source| ClassifierError::Json {
                list: "regexes.json",
                source,
            })?;
        // uap-core's device rules are not vendored: the device class comes from a handful
        // of platform tokens (see `device_class`), which is all a click log needs.
        let browsers = user_agent::Builder::new()
            .push_all(custom_browser_rules())?
            .push_all(uap.user_agent_parsers)?
            .build()
            .map_err(ua_parser::Error::from)?;
        let oses = os::Builder::new()
            .push_all(uap.os_parsers)
            .map_err(ua_parser::Error::from)?
            .build()
            .map_err(ua_parser::Error::from)?;

        Ok(Self {
            lists: compile_lists(&[
                ("preview.json + preview-extra.json", &previews),
                ("bots.json", &bots),
            ])?,
            browsers,
            oses,
        })
    }

    /// Cheap: preview/bot/human only (order: missing or empty UA -> Bot; preview list ->
    /// Preview; bot list -> Bot; else Human). A UA of only spaces counts as empty.
    pub fn kind(&self, user_agent: Option<&str>) -> AgentKind {
        match non_blank(user_agent) {
            None => AgentKind::Bot,
            Some(ua) => self.kind_of(ua),
        }
    }

    /// kind plus browser family (e.g. "Chrome", "Safari", "Firefox", "Edge", "LinkedIn",
    /// "Facebook", "Instagram"), OS family, device class. Costs about 5 µs in release,
    /// ten times [`kind`](Self::kind): call it for the clicks whose details are kept.
    pub fn analyse(&self, user_agent: Option<&str>) -> AgentInfo {
        let Some(ua) = non_blank(user_agent) else {
            return AgentInfo {
                kind: AgentKind::Bot,
                browser: OTHER.to_owned(),
                os: OTHER.to_owned(),
                device: DeviceClass::Bot,
            };
        };
        let kind = self.kind_of(ua);
        let browser = self
            .browsers
            .extract(ua)
            .map_or(Cow::Borrowed(OTHER), |v| browser_family(v.family));
        let os = self
            .oses
            .extract(ua)
            .map_or(Cow::Borrowed(OTHER), |v| os_family(v.os));
        let device = match kind {
            AgentKind::Human => device_class(ua),
            AgentKind::Bot | AgentKind::Preview => DeviceClass::Bot,
        };
        AgentInfo {
            kind,
            browser: browser.into_owned(),
            os: os.into_owned(),
            device,
        }
    }

    fn kind_of(&self, ua: &str) -> AgentKind {
        let matched = self.lists.matches(ua.as_bytes());
        if matched.matched(PREVIEW) {
            AgentKind::Preview
        } else if matched.matched(BOT) {
            AgentKind::Bot
        } else {
            AgentKind::Human
        }
    }
}

/// Indexes of the two lists in [`AgentClassifier::lists`].
const PREVIEW: usize = 0;
const BOT: usize = 1;

/// uap-core's name for "no rule matched".
const OTHER: &str = "Other";

/// A header made only of spaces carries no more information than a missing one; trimming
/// also keeps the lists' `^` and `$` anchors meaningful.
fn non_blank(user_agent: Option<&str>) -> Option<&str> {
    user_agent.map(str::trim).filter(|ua| !ua.is_empty())
}

/// Rules tried before uap-core's own, for in-app browsers it does not name.
fn custom_browser_rules() -> Vec<user_agent::Parser<'static>> {
    vec![
        // LinkedIn's in-app browser appends "[LinkedInApp]" or "[LinkedInApp]/9.30.2144" to
        // the system web view's user agent; uap-core would call it "Mobile Safari
        // UI/WKWebView" or "Chrome Mobile WebView", hiding the advocacy channel.
        user_agent::Parser {
            regex: r"\[(LinkedInApp)\](?:/(\d+)(?:\.(\d+)(?:\.(\d+))?)?)?".into(),
            family_replacement: Some("LinkedIn".into()),
            ..Default::default()
        },
        // Microsoft Teams ("... Teams/1.5.00.32283 Chrome/85... Electron/10.4.7 ...") is
        // not in uap-core either, which would report "Electron" or "Chrome".
        user_agent::Parser {
            regex: r"\b(Teams)/(\d+)(?:\.(\d+)(?:\.(\d+))?)?".into(),
            family_replacement: Some("Teams".into()),
            ..Default::default()
        },
    ]
}

/// Folds uap-core's per-platform names into one name per browser: the device class
/// already says whether it was a phone, and a dashboard wants "Chrome", not "Chrome
/// Mobile" and "Chrome Mobile iOS" as three browsers. Web views of apps uap-core does not
/// know by name become "WebView".
fn browser_family(family: Cow<'_, str>) -> Cow<'_, str> {
    let folded = match family.as_ref() {
        "Chrome Mobile" | "Chrome Mobile iOS" => "Chrome",
        "Mobile Safari" => "Safari",
        "Firefox Mobile" | "Firefox iOS" => "Firefox",
        "Edge Mobile" => "Edge",
        "Opera Mobile" => "Opera",
        "Chrome Mobile WebView" | "Mobile Safari UI/WKWebView" => "WebView",
        _ => return family,
    };
    Cow::Borrowed(folded)
}

fn os_family(os: Cow<'_, str>) -> Cow<'_, str> {
    // uap-core still uses Apple's pre-2016 name.
    if os == "Mac OS X" {
        Cow::Borrowed("macOS")
    } else {
        os
    }
}

/// Device class of a human user agent, from platform tokens. uap-core's device rules only
/// name brands and models (and are the bulk of its data), so they are not used.
fn device_class(ua: &str) -> DeviceClass {
    let has = |token: &str| ua.contains(token);
    // Tablets first: iPads say "Mobile/15E148" and Android tablets say "Android".
    // "Tablet PC" is a Windows laptop with a pen.
    if has("iPad")
        || (has("Tablet") && !has("Tablet PC"))
        || has("Kindle")
        || has("Silk/")
        || has("PlayBook")
    {
        return DeviceClass::Tablet;
    }
    // Android phones say "Mobile" (Chrome: "Mobile Safari", Firefox: "; Mobile;"),
    // Android tablets leave it out: Google's documented convention.
    if has("Android") {
        return if has("Mobile") {
            DeviceClass::Mobile
        } else {
            DeviceClass::Tablet
        };
    }
    if has("iPhone")
        || has("iPod")
        || has("Windows Phone")
        || has("BlackBerry")
        || has("Opera Mini")
        || has("KAIOS")
        || has("Mobile")
    {
        return DeviceClass::Mobile;
    }
    if has("Windows NT") || has("Macintosh") || has("X11") || has("CrOS") || has("Linux x86_64") {
        return DeviceClass::Desktop;
    }
    DeviceClass::Unknown
}

fn parse_previews(list: &'static str, json: &str) -> Result<Vec<String>, ClassifierError> {
    let entries: Vec<PreviewEntry> =
        serde_json::from_str(json).map_err(|source| ClassifierError::Json { list, source })?;
    Ok(entries.into_iter().map(|e| e.pattern).collect())
}

/// Compiles each list of JavaScript patterns into one alternation of the translated
/// patterns, and all the lists into one set, in the given order.
fn compile_lists(lists: &[(&'static str, &[String])]) -> Result<RegexSet, ClassifierError> {
    let translated = lists
        .iter()
        .map(|&(list, patterns)| {
            if patterns.is_empty() {
                return Err(ClassifierError::EmptyList { list });
            }
            patterns
                .iter()
                .map(|p| {
                    translate(p).map_err(|reason| ClassifierError::Pattern {
                        list,
                        pattern: p.clone(),
                        reason,
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    let alternations = translated.iter().map(|list| {
        list.iter()
            .map(|p| format!("(?:{p})"))
            .collect::<Vec<_>>()
            .join("|")
    });
    let mut builder = RegexSetBuilder::new(alternations);
    // ASCII, case-insensitive byte matching, as JavaScript's `i` flag does for these lists.
    builder.case_insensitive(true).unicode(false);
    builder.build().map_err(|source| {
        // Compiling each pattern alone costs more, so it is only done to name the culprit.
        lists
            .iter()
            .zip(&translated)
            .flat_map(|(&(list, patterns), translated)| {
                patterns
                    .iter()
                    .zip(translated)
                    .map(move |(p, t)| (list, p, t))
            })
            .find_map(|(list, pattern, translated)| {
                let error = compile_one(translated).err()?;
                Some(ClassifierError::Pattern {
                    list,
                    pattern: pattern.clone(),
                    reason: error.to_string(),
                })
            })
            .unwrap_or(ClassifierError::Compile(source))
    })
}

/// One translated pattern alone, with the same options as the set.
fn compile_one(pattern: &str) -> Result<regex::bytes::Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .unicode(false)
        .build()
}

/// Translates one JavaScript pattern from the lists into Rust `regex` syntax.
fn translate(pattern: &str) -> Result<String, String> {
    if pattern.is_empty() {
        // An empty alternative would match every user agent.
        return Err("empty pattern".to_owned());
    }
    let pattern = escape_literal_class_hyphens(pattern);
    rewrite_lookaround(&pattern)
}

/// JavaScript reads a `-` next to a class escape (`[\w\d-.]`) as a literal hyphen; Rust
/// rejects it as an invalid range.
fn escape_literal_class_hyphens(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let class_escape_at = |i: usize| {
        chars.get(i) == Some(&'\\') && chars.get(i + 1).is_some_and(|c| "dDwWsS".contains(*c))
    };
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut in_class = false;
    let mut after_class_escape = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        // An escape is one token of two characters, so "\\d" is no class escape.
        let width = if c == '\\' { 2 } else { 1 };
        match c {
            '-' if in_class && (after_class_escape || class_escape_at(i + 1)) => out.push('\\'),
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            _ => {}
        }
        out.extend(chars.iter().skip(i).take(width));
        after_class_escape = class_escape_at(i);
        i += width;
    }
    out
}

/// Rewrites a leading negative look-behind and a trailing negative look-ahead over fixed
/// words, the only kinds the lists use, into plain alternations:
/// `(?<! cu)bots?` becomes `(?:^|[^u]|(?:^|[^c])u|(?:^|[^ ])cu)bots?`. Any other
/// look-around is refused.
fn rewrite_lookaround(pattern: &str) -> Result<String, String> {
    let groups = groups(pattern)?;
    let mut core_start = 0;
    let mut core_end = pattern.len();
    let mut before = None;
    let mut after = None;
    for &(open, close) in &groups {
        let head = &pattern[open..];
        let is_lookaround = ["(?=", "(?!", "(?<=", "(?<!"]
            .iter()
            .any(|p| head.starts_with(p));
        if !is_lookaround {
            continue;
        }
        if open == 0 && head.starts_with("(?<!") {
            before = Some(literal_words(&pattern[open + 4..close])?);
            core_start = close + 1;
        } else if close == pattern.len() - 1 && head.starts_with("(?!") {
            after = Some(literal_words(&pattern[open + 3..close])?);
            core_end = open;
        } else {
            return Err("look-around other than a leading (?<!words) or trailing (?!words)".into());
        }
    }
    if before.is_none() && after.is_none() {
        return Ok(pattern.to_owned());
    }
    let core = pattern.get(core_start..core_end).unwrap_or("");
    if core.is_empty() || core.starts_with(['?', '*', '+', '{']) {
        return Err("look-around without a pattern beside it".into());
    }
    let mut out = String::new();
    if let Some(words) = before {
        out.push_str(&format!("(?:{})", not_preceded_by(&words)?));
    }
    out.push_str(core);
    if let Some(words) = after {
        out.push_str(&format!("(?:{})", not_followed_by(&words)?));
    }
    Ok(out)
}

/// Byte ranges `(open, close)` of every group, skipping escaped and bracketed parentheses.
fn groups(pattern: &str) -> Result<Vec<(usize, usize)>, String> {
    let bytes = pattern.as_bytes();
    let mut open = Vec::new();
    let mut found = Vec::new();
    let mut in_class = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => open.push(i),
            b')' if !in_class => {
                let start = open.pop().ok_or("unbalanced ')'")?;
                found.push((start, i));
            }
            _ => {}
        }
        i += 1;
    }
    if !open.is_empty() || in_class {
        return Err("unbalanced '(' or '['".into());
    }
    Ok(found)
}

/// The words of a look-around body such as ` channel/|google/` or `(?:wv|app| pixel)`,
/// ASCII-lower-cased since the lists match case-insensitively.
fn literal_words(body: &str) -> Result<Vec<Vec<u8>>, String> {
    let body = match body.strip_prefix("(?:").and_then(|b| b.strip_suffix(')')) {
        Some(inner) if groups(body).is_ok_and(|g| g.contains(&(0, body.len() - 1))) => inner,
        _ => body,
    };
    let not_fixed = || "look-around holds more than fixed ASCII words".to_owned();
    let mut words = vec![Vec::new()];
    let mut bytes = body.bytes();
    while let Some(b) = bytes.next() {
        let literal = match b {
            b'|' => {
                words.push(Vec::new());
                continue;
            }
            b'\\' => match bytes.next() {
                Some(e) if e.is_ascii_punctuation() => e,
                _ => return Err(not_fixed()),
            },
            b'.' | b'^' | b'$' | b'*' | b'+' | b'?' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => {
                return Err(not_fixed());
            }
            b if b.is_ascii() => b,
            _ => return Err(not_fixed()),
        };
        if let Some(word) = words.last_mut() {
            word.push(literal.to_ascii_lowercase());
        }
    }
    if words.iter().any(Vec::is_empty) {
        return Err("look-around with an empty word".into());
    }
    Ok(words)
}

/// A regex matching, right after a position, some text showing that none of `words`
/// starts there: the end of the text, or a prefix of the text that leaves the trie of
/// `words` before reaching the end of one.
fn not_followed_by(words: &[Vec<u8>]) -> Result<String, String> {
    let mut alternatives = vec!["$".to_owned()];
    let firsts: BTreeSet<u8> = words.iter().filter_map(|w| w.first().copied()).collect();
    alternatives.push(negated_class(&firsts));
    for &first in &firsts {
        let rests: Vec<Vec<u8>> = words
            .iter()
            .filter(|w| w.first() == Some(&first))
            .map(|w| w[1..].to_vec())
            .collect();
        // A word ending here is excluded whatever follows.
        if rests.iter().any(Vec::is_empty) {
            continue;
        }
        alternatives.push(format!("{}(?:{})", escape(first), not_followed_by(&rests)?));
    }
    Ok(alternatives.join("|"))
}

/// Mirror image of [`not_followed_by`], for the text right before a position.
fn not_preceded_by(words: &[Vec<u8>]) -> Result<String, String> {
    let mut alternatives = vec!["^".to_owned()];
    let lasts: BTreeSet<u8> = words.iter().filter_map(|w| w.last().copied()).collect();
    alternatives.push(negated_class(&lasts));
    for &last in &lasts {
        let heads: Vec<Vec<u8>> = words
            .iter()
            .filter(|w| w.last() == Some(&last))
            .map(|w| w[..w.len() - 1].to_vec())
            .collect();
        if heads.iter().any(Vec::is_empty) {
            continue;
        }
        alternatives.push(format!("(?:{}){}", not_preceded_by(&heads)?, escape(last)));
    }
    Ok(alternatives.join("|"))
}

/// `[^...]` over the given ASCII bytes; case-insensitive compilation folds it too.
fn negated_class(bytes: &BTreeSet<u8>) -> String {
    let mut class = String::from("[^");
    for &b in bytes {
        class.push_str(&escape(b));
    }
    class.push(']');
    class
}

fn escape(byte: u8) -> String {
    let c = char::from(byte);
    if c.is_ascii_punctuation() {
        format!("\\{c}")
    } else if c.is_ascii_graphic() || c == ' ' {
        c.to_string()
    } else {
        format!("\\x{byte:02X}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    use AgentKind::{Bot, Human, Preview};
    use DeviceClass::{Desktop, Mobile, Tablet};

    /// Built once: compiling the rules takes a while in debug builds.
    fn classifier() -> &'static AgentClassifier {
        static CLASSIFIER: OnceLock<AgentClassifier> = OnceLock::new();
        CLASSIFIER.get_or_init(|| AgentClassifier::embedded().expect("embedded lists build"))
    }

    /// People: (user agent, browser, OS, device).
    const HUMANS: &[(&str, &str, &str, DeviceClass)] = &[
        // Desktop
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Chrome",
            "Windows",
            Desktop,
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Firefox",
            "Windows",
            Desktop,
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
            "Firefox",
            "Linux",
            Desktop,
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
            "Safari",
            "macOS",
            Desktop,
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
            "Edge",
            "Windows",
            Desktop,
        ),
        (
            "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Chrome",
            "Chrome OS",
            Desktop,
        ),
        // Phones
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
            "Safari",
            "iOS",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
            "Chrome",
            "Android",
            Mobile,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
            "Chrome",
            "iOS",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0",
            "Firefox",
            "Android",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
            "Samsung Internet",
            "Android",
            Mobile,
        ),
        // A phone brand that isbot's "(?<! cu)bots?" look-behind exists for.
        (
            "Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
            "Chrome",
            "Android",
            Mobile,
        ),
        // Tablets
        (
            "Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
            "Safari",
            "iOS",
            Tablet,
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "Chrome",
            "Android",
            Tablet,
        ),
        // In-app browsers
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.30.2144",
            "LinkedIn",
            "iOS",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Linux; Android 16; SM-A176U Build/BP2A.250605.031; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/151.0.7922.85 Mobile Safari/537.36 [LinkedInApp]/2.312.70",
            "LinkedIn",
            "Android",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [LinkedInApp]",
            "LinkedIn",
            "Android",
            Mobile,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/459.0.0.35.107;FBBV/590424343;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4.1;FBSS/3;FBCR/;FBID/phone;FBLC/en_US;FBOP/80]",
            "Facebook",
            "iOS",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/123.0.6312.118 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/458.0.0.54.108;]",
            "Facebook",
            "Android",
            Mobile,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 300.0.0.18.110 (iPhone15,2; iOS 17_5; de_DE; de-DE; scale=3.00; 1179x2556; 518997361)",
            "Instagram",
            "iOS",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A.240405.002; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.54 Mobile Safari/537.36 Instagram 327.0.0.41.120 Android (34/14; 420dpi; 1080x2205; Google/google; Pixel 8; shiba; shiba; en_US; 588345393)",
            "Instagram",
            "Android",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; SM-A536B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.230 Mobile Safari/537.36 TwitterAndroid",
            "Twitter",
            "Android",
            Mobile,
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Twitter for iPhone/9.61",
            "Twitter",
            "iOS",
            Mobile,
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Teams/1.5.00.32283 Chrome/85.0.4183.121 Electron/10.4.7 Safari/537.36",
            "Teams",
            "Windows",
            Desktop,
        ),
        // An iOS app's web view that no rule names.
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
            "WebView",
            "iOS",
            Mobile,
        ),
    ];

    /// Link-preview fetchers: (user agent, browser as uap-core names it).
    const PREVIEWS: &[(&str, &str)] = &[
        (
            "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            "LinkedInBot",
        ),
        (
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "FacebookBot",
        ),
        ("Twitterbot/1.0", "Twitterbot"),
        (
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "Slackbot-LinkExpanding",
        ),
        ("WhatsApp/2.23.20.0", "WhatsApp"),
        ("WhatsApp/2.19.258 A", "WhatsApp"),
        ("TelegramBot (like TwitterBot)", "TelegramBot"),
        (
            "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
            "Discordbot",
        ),
        // Skype and Teams.
        (
            "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
            "Other",
        ),
        // iMessage announces itself as Facebook and Twitter.
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
            "FacebookBot",
        ),
        (
            "Pinterest/0.2 (+https://www.pinterest.com/bot.html)",
            "Pinterestbot",
        ),
        (
            "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
            "redditbot",
        ),
        (
            "Iframely/1.3.1 (+https://iframely.com/docs/about) Atlassian",
            "Other",
        ),
        (
            "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
            "Other",
        ),
        // From preview-extra.json.
        (
            "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
            "Other",
        ),
    ];

    /// Crawlers, scripts and HTTP libraries.
    const BOTS: &[&str] = &[
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.60 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        // Apple's search crawler, not iMessage's preview fetcher: a bot, not a preview.
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Go-http-client/1.1",
        "Go-http-client/2.0",
        "Wget/1.21.4",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36",
    ];

    #[test]
    fn humans_get_browser_os_and_device() {
        let c = classifier();
        for &(ua, browser, os, device) in HUMANS {
            assert_eq!(c.kind(Some(ua)), Human, "{ua}");
            let expected = AgentInfo {
                kind: Human,
                browser: browser.to_owned(),
                os: os.to_owned(),
                device,
            };
            assert_eq!(c.analyse(Some(ua)), expected, "{ua}");
        }
    }

    #[test]
    fn preview_fetchers_are_previews() {
        let c = classifier();
        for &(ua, browser) in PREVIEWS {
            assert_eq!(c.kind(Some(ua)), Preview, "{ua}");
            let info = c.analyse(Some(ua));
            assert_eq!(info.kind, Preview, "{ua}");
            assert_eq!(info.browser, browser, "{ua}");
            assert_eq!(info.device, DeviceClass::Bot, "{ua}");
        }
    }

    #[test]
    fn crawlers_and_scripts_are_bots() {
        let c = classifier();
        for &ua in BOTS {
            assert_eq!(c.kind(Some(ua)), Bot, "{ua}");
            let info = c.analyse(Some(ua));
            assert_eq!(info.kind, Bot, "{ua}");
            assert_eq!(info.device, DeviceClass::Bot, "{ua}");
        }
        assert_eq!(c.analyse(Some("curl/8.5.0")).browser, "curl");
        assert_eq!(c.analyse(Some(BOTS[0])).browser, "Googlebot");
    }

    #[test]
    fn missing_or_blank_user_agents_are_bots() {
        let c = classifier();
        let nothing = AgentInfo {
            kind: Bot,
            browser: "Other".to_owned(),
            os: "Other".to_owned(),
            device: DeviceClass::Bot,
        };
        for ua in [None, Some(""), Some("   ")] {
            assert_eq!(c.kind(ua), Bot, "{ua:?}");
            assert_eq!(c.analyse(ua), nothing, "{ua:?}");
        }
    }

    #[test]
    fn matching_ignores_case_and_surrounding_space() {
        let c = classifier();
        assert_eq!(c.kind(Some("LINKEDINBOT/1.0")), Preview);
        assert_eq!(c.kind(Some("  Python-Requests/2.31.0 ")), Bot);
    }

    /// The sample user agents shipped with every preview pattern, vendored and extra.
    #[test]
    fn every_vendored_preview_sample_is_a_preview() {
        #[derive(Deserialize)]
        struct Sampled {
            pattern: String,
            instances: Vec<String>,
        }
        let c = classifier();
        let mut checked = 0;
        for json in [PREVIEW_JSON, PREVIEW_EXTRA_JSON] {
            let entries: Vec<Sampled> = serde_json::from_str(json).expect("preview list");
            for entry in entries {
                for ua in &entry.instances {
                    assert_eq!(c.kind(Some(ua)), Preview, "{} / {ua}", entry.pattern);
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} samples");
    }

    #[test]
    fn dropped_in_app_browsers_are_not_previews() {
        let c = classifier();
        let meta_iab = "Mozilla/5.0 (Linux; Android 16; Pixel 10 Pro XL Build/CP1A.260305.018; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/146.0.7680.174 Mobile Safari/537.36 MetaIAB Facebook";
        assert_eq!(c.kind(Some(meta_iab)), Human);
        assert_ne!(c.kind(Some("Viber")), Preview);
    }

    #[test]
    fn names_are_stable() {
        assert_eq!(
            [Human, Bot, Preview].map(|k| k.as_str()),
            ["human", "bot", "preview"]
        );
        assert_eq!(
            [
                Desktop,
                Mobile,
                Tablet,
                DeviceClass::Bot,
                DeviceClass::Unknown
            ]
            .map(|d| d.as_str()),
            ["desktop", "mobile", "tablet", "bot", "unknown"]
        );
    }

    #[test]
    fn device_class_from_platform_tokens() {
        let cases = [
            (
                "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Tablet PC 2.0)",
                Desktop,
            ),
            (
                "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
                Tablet,
            ),
            (
                "Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0.6367.82 Safari/537.36",
                Tablet,
            ),
            (
                "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063",
                Mobile,
            ),
            (
                "Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
                DeviceClass::Unknown,
            ),
        ];
        for (ua, device) in cases {
            assert_eq!(device_class(ua), device, "{ua}");
        }
    }

    #[test]
    fn classifier_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<AgentClassifier>();
    }

    fn translated(pattern: &str) -> regex::bytes::Regex {
        let t = translate(pattern).expect("translates");
        compile_one(&t).unwrap_or_else(|e| panic!("{pattern} -> {t}: {e}"))
    }

    /// isbot's look-around patterns, rewritten, against what JavaScript would answer.
    #[test]
    fn isbot_lookaround_rewrites_keep_their_meaning() {
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "(?<!cam)scan",
                &["scan", "xscan", "Scanner"],
                &["camscan", "CamScan/1"],
            ),
            (
                "(?<!lib)http",
                &["http", "python-http", "HTTPie"],
                &["libhttp", "LibHTTP/2"],
            ),
            (
                "java(?!;)",
                &["java", "Java/1.8", "javascript"],
                &["java;", "Java; x"],
            ),
            (
                "(?<! cu)bots?(?:\\b|_)",
                &["bot", "robot", "Bots_", "cubot/1"],
                &[" cubot", "a CUBOT_X30", "x CUBOTS", "bottle"],
            ),
            (
                "(?:^|[^g])news(?!sapphire)",
                &["news", "MyNews/1", "news sapphire"],
                &["gnews", "NewsSapphire", "xnewssapphire/2"],
            ),
            (
                "(?<! channel/|google/)google(?!(?:wv|app|/google| pixel))",
                &[
                    "google",
                    "Google Web Preview",
                    "channel/google",
                    "xgoogle/",
                    "googlea",
                ],
                &[
                    " channel/google",
                    "google/google/",
                    "GoogleWV",
                    "GoogleApp/15",
                    "google/google",
                    "Google Pixel 8",
                ],
            ),
        ];
        for &(pattern, yes, no) in cases {
            let re = translated(pattern);
            for ua in yes {
                assert!(re.is_match(ua.as_bytes()), "{pattern} should match {ua:?}");
            }
            for ua in no {
                assert!(
                    !re.is_match(ua.as_bytes()),
                    "{pattern} should not match {ua:?}"
                );
            }
        }
    }

    /// Exhaustive check of the look-around rewrite against its definition, on every
    /// string of up to 7 characters over a small alphabet (with an upper-case letter, as
    /// the lists match case-insensitively).
    #[test]
    fn lookaround_rewrite_matches_its_definition() {
        let before: &[&str] = &["ab", "b", "ca"];
        let after: &[&str] = &["a", "bc", "bb"];
        let re = translated("(?<!ab|b|CA)c(?!(?:a|bc|bB))");
        let alphabet = [b'a', b'b', b'c', b'B'];
        let mut text = Vec::new();
        let mut checked = 0;
        for len in 0..=7u32 {
            for mut n in 0..alphabet.len().pow(len) {
                text.clear();
                for _ in 0..len {
                    text.push(alphabet[n % alphabet.len()]);
                    n /= alphabet.len();
                }
                let lower = text.to_ascii_lowercase();
                let expected = (0..lower.len()).any(|i| {
                    lower[i] == b'c'
                        && !before.iter().any(|w| lower[..i].ends_with(w.as_bytes()))
                        && !after
                            .iter()
                            .any(|w| lower[i + 1..].starts_with(w.as_bytes()))
                });
                assert_eq!(
                    re.is_match(&text),
                    expected,
                    "{:?}",
                    String::from_utf8_lossy(&text)
                );
                checked += 1;
            }
        }
        assert!(checked > 20_000);
    }

    #[test]
    fn javascript_class_hyphens_are_literal() {
        let re = translated("^a[\\w\\d-.]+b$");
        assert!(re.is_match(b"a-.b"));
        assert!(!re.is_match(b"a,b"));
        for (js, rust) in [
            ("[\\w\\d-.]", "[\\w\\d\\-.]"),
            ("[.-\\s]", "[.\\-\\s]"),
            ("[a-z\\-]", "[a-z\\-]"),
            // An escaped backslash is no class escape: "d-x" stays a range.
            ("[\\\\d-x]", "[\\\\d-x]"),
            ("\\w-x", "\\w-x"),
        ] {
            assert_eq!(escape_literal_class_hyphens(js), rust, "{js}");
        }
    }

    #[test]
    fn unsupported_patterns_are_refused() {
        for pattern in [
            "", "(?=x)y", "a(?<!b)c", "(?<!a.)b", "x(?<=y)", "(?<!)b", "(a",
        ] {
            assert!(translate(pattern).is_err(), "{pattern:?}");
        }
        let err = compile_lists(&[("test", &["(?=x)y".to_owned()])]).unwrap_err();
        assert!(
            matches!(err, ClassifierError::Pattern { list: "test", .. }),
            "{err}"
        );
        let err = compile_lists(&[("test", &[])]).unwrap_err();
        assert!(
            matches!(err, ClassifierError::EmptyList { list: "test" }),
            "{err}"
        );
        let err = compile_lists(&[("test", &["a{2,1}".to_owned()])]).unwrap_err();
        assert!(matches!(err, ClassifierError::Pattern { .. }), "{err}");
    }
}
