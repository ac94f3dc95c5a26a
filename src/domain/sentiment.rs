//! A lexicon-based sentiment scorer for English and Korean: no network, no model.
//!
//! The built-in word lists are plain text in `data/sentiment/{en,ko}.txt` (original lists,
//! see their headers), compiled in; admins add, change or remove words on top of them
//! ([`Lexicon::apply`], table `sentiment_words`). [`score`] adds up the polarity of the
//! words of a text, with these rules:
//!
//! - Case folding; English words also match through simple inflections (`loved`,
//!   `disappointing`, `happily`).
//! - Korean tokens match the **longest lexicon stem at their start**, since particles and
//!   endings attach to stems (`좋` in `좋아요`, `최고` in `최고예요`, `실망` in
//!   `실망했어요`); a stem of two or more syllables also matches inside a compound
//!   (`정말최고`).
//! - Negation flips a word's weight and damps it ([`NEGATION`]): English `not`, `no`,
//!   `never`, `-n't`, … negate the next sentiment word within three words of the same
//!   clause; Korean `안`/`못` negate the next word (`안 좋아`, also written `안좋아`),
//!   and `않`/`못하`/`없` after a word negate it (`좋지 않아`, `재미 없어`), as does
//!   `-지않` inside one token (`좋지않아요`).
//! - Intensifiers (`very`, `정말`, `너무`, …) strengthen and dampeners (`slightly`, `좀`)
//!   weaken the next sentiment word.
//! - After a contrast (`but`, `however`, `하지만`, `근데`, …) words weigh more and the
//!   words before it less: "good but expensive" leans on "expensive".
//! - A few emoji carry polarity (`😍`, `👍`, `😡`, `👎`, …).
//!
//! The sum decides: at least [`THRESHOLD`] is positive, at most −[`THRESHOLD`] negative,
//! neutral in between. Limits are documented in `docs/SENTIMENT.md`.

use std::collections::HashMap;

use thiserror::Error;

use crate::domain::mention::{is_hangul, Sentiment};

/// The built-in English list (`word<TAB>polarity`).
pub const BUILTIN_EN: &str = include_str!("../../data/sentiment/en.txt");
/// The built-in Korean list of stems.
pub const BUILTIN_KO: &str = include_str!("../../data/sentiment/ko.txt");

/// The score at and beyond which a text is positive (or, negated, negative).
pub const THRESHOLD: f64 = 1.0;
/// What a negated word's weight is multiplied by: flipped, and somewhat weaker ("not
/// good" is less negative than "bad").
pub const NEGATION: f64 = -0.75;
/// Weight factor after an intensifier.
pub const INTENSIFY: f64 = 1.5;
/// Weight factor after a dampener.
pub const DAMPEN: f64 = 0.5;
/// Weight of words after a contrast word, and of the words before it.
pub const AFTER_CONTRAST: f64 = 1.5;
pub const BEFORE_CONTRAST: f64 = 0.5;
/// The strongest polarity of a word, either way.
pub const MAX_POLARITY: i64 = 3;
/// The longest word an admin may add, in characters.
pub const MAX_WORD_LEN: usize = 40;
/// How many English words after a negator it still reaches.
const NEGATION_REACH: usize = 3;

const EN_NEGATORS: &[&str] = &[
    "not", "no", "never", "neither", "nor", "none", "nobody", "nothing", "without", "hardly",
    "cannot", "dont", "doesnt", "didnt", "isnt", "wasnt", "arent", "werent", "wont", "cant",
    "couldnt", "shouldnt", "wouldnt", "aint", "havent", "hasnt", "hadnt",
];
const EN_INTENSIFIERS: &[&str] = &[
    "very",
    "really",
    "so",
    "extremely",
    "super",
    "totally",
    "absolutely",
    "incredibly",
    "highly",
    "truly",
    "too",
    "most",
    "completely",
    "utterly",
    "particularly",
    "especially",
    "pretty",
];
const EN_DAMPENERS: &[&str] = &[
    "slightly", "somewhat", "kinda", "barely", "mildly", "fairly",
];
/// Words with no sentiment of their own that turn negative when negated: "doesn't
/// work", "won't load", "안 돼요", "작동하지 않아요" are among the commonest complaints.
const EN_NEGATED_ONLY: &[&str] = &[
    "work",
    "works",
    "worked",
    "working",
    "load",
    "loads",
    "loading",
    "open",
    "opens",
    "help",
    "helps",
    "helped",
    "respond",
    "responds",
    "responded",
    "answer",
    "answers",
    "answered",
    "reply",
    "replies",
    "replied",
    "arrive",
    "arrived",
    "deliver",
    "delivered",
    "start",
    "starts",
    "connect",
    "connects",
    "sync",
    "syncs",
    "function",
    "functions",
];
const KO_NEGATED_ONLY: &[&str] = &[
    "작동",
    "되",
    "돼",
    "됩",
    "됐",
    "열리",
    "열려",
    "연결",
    "접속",
    "로그인",
    "실행",
    "답변",
    "응답",
    "연락",
];
/// The weight of a negated word from the lists above.
pub const NEGATED_NEUTRAL: f64 = -2.0;
/// Inflected forms that are not the word they end like (`likely` is not `like`).
const EN_NOT_INFLECTED: &[&str] = &["likely"];
const EN_CONTRAST: &[&str] = &["but", "however", "although", "though", "yet"];

const KO_NEGATORS_BEFORE: &[&str] = &["안", "못"];
/// Tokens that negate the sentiment word before them (`좋지 않아`, `좋지 못해`, `재미 없어`).
const KO_NEGATORS_AFTER: &[&str] = &["않", "못하", "못해", "못했", "못합", "없"];
/// Endings inside one token that negate its stem (`좋지않아`, `좋진않다`).
const KO_NEGATING_ENDINGS: &[&str] = &["지않", "진않", "지도않", "지못", "진못"];
const KO_INTENSIFIERS: &[&str] = &[
    "너무",
    "정말",
    "진짜",
    "완전",
    "매우",
    "아주",
    "엄청",
    "되게",
    "넘",
    "제일",
    "가장",
    "진심",
    "무척",
    "몹시",
    "굉장히",
    "참",
    "꽤",
];
const KO_DAMPENERS: &[&str] = &["조금", "좀", "약간", "다소"];
const KO_CONTRAST: &[&str] = &["하지만", "그러나", "그런데", "근데", "그렇지만", "반면"];

const EMOJI: &[(char, i8)] = &[
    ('😀', 2),
    ('😃', 2),
    ('😄', 2),
    ('😁', 2),
    ('😊', 2),
    ('🙂', 1),
    ('😍', 3),
    ('🥰', 3),
    ('😘', 2),
    ('🤩', 3),
    ('👍', 2),
    ('👏', 2),
    ('🙌', 2),
    ('🎉', 2),
    ('💯', 2),
    ('❤', 3),
    ('💕', 3),
    ('💖', 3),
    ('🔥', 1),
    ('✨', 1),
    ('😞', -2),
    ('😟', -2),
    ('😢', -2),
    ('😭', -2),
    ('😠', -3),
    ('😡', -3),
    ('🤬', -3),
    ('😤', -2),
    ('🙁', -1),
    ('☹', -2),
    ('👎', -2),
    ('💔', -2),
    ('🤮', -3),
    ('🤢', -2),
    ('😒', -1),
    ('😩', -2),
];

/// The two lexicon languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    En,
    Ko,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Ko];

    pub fn parse(value: &str) -> Option<Language> {
        match value.trim() {
            "en" => Some(Language::En),
            "ko" => Some(Language::Ko),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ko => "ko",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Language::En => "English",
            Language::Ko => "Korean",
        }
    }
}

/// An admin's entry for the lexicon, checked: `polarity` 0 removes the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordEntry {
    pub language: Language,
    pub word: String,
    pub polarity: i64,
}

/// Why an admin's entry was refused; `field` is `language`, `word` or `polarity`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct InvalidWord {
    pub field: &'static str,
    pub message: String,
}

impl WordEntry {
    /// A word is one token as the scorer sees it: letters and digits (and `'` in English),
    /// lowercased; Korean words (stems) are Hangul, English words have none. Polarity is
    /// an integer from −[`MAX_POLARITY`] to [`MAX_POLARITY`]; 0 removes the word.
    ///
    /// # Errors
    /// [`InvalidWord`] naming the field.
    pub fn parse(language: &str, word: &str, polarity: &str) -> Result<WordEntry, InvalidWord> {
        let bad = |field: &'static str, message: String| InvalidWord { field, message };
        let language = Language::parse(language)
            .ok_or_else(|| bad("language", "choose English (en) or Korean (ko)".into()))?;
        let word = word.trim().to_lowercase().replace('’', "'");
        if word.is_empty() {
            return Err(bad("word", "enter a word".into()));
        }
        if word.chars().count() > MAX_WORD_LEN {
            return Err(bad(
                "word",
                format!("a word is at most {MAX_WORD_LEN} characters"),
            ));
        }
        if !word.chars().all(|c| c.is_alphanumeric() || c == '\'') {
            return Err(bad(
                "word",
                "one word: letters and digits only, no spaces or punctuation".into(),
            ));
        }
        let hangul = word.chars().any(is_hangul);
        match language {
            Language::Ko if !word.chars().all(is_hangul) => {
                return Err(bad("word", "a Korean word is written in Hangul".into()))
            }
            Language::En if hangul => {
                return Err(bad(
                    "word",
                    "this is Hangul: choose Korean as the language".into(),
                ))
            }
            _ => {}
        }
        let polarity: i64 = polarity.trim().parse().map_err(|_| {
            bad(
                "polarity",
                format!("a whole number from -{MAX_POLARITY} to {MAX_POLARITY}"),
            )
        })?;
        if !(-MAX_POLARITY..=MAX_POLARITY).contains(&polarity) {
            return Err(bad(
                "polarity",
                format!("a whole number from -{MAX_POLARITY} to {MAX_POLARITY}"),
            ));
        }
        Ok(WordEntry {
            language,
            word,
            polarity,
        })
    }
}

/// The words the scorer knows, with their polarity: the built-in lists and any admin
/// changes applied on top.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    en: HashMap<String, i8>,
    ko: HashMap<String, i8>,
    /// The longest Korean stem, in characters (bounds the prefix search).
    ko_longest: usize,
}

/// Reads a `word<TAB>polarity` list; lines that are blank, comments or malformed are
/// skipped (the built-in lists are checked by a unit test).
fn parse_list(text: &str) -> impl Iterator<Item = (String, i8)> + '_ {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (word, polarity) = l.split_once('\t')?;
            let polarity: i8 = polarity.trim().parse().ok()?;
            Some((word.trim().to_lowercase(), polarity))
        })
}

impl Lexicon {
    /// The built-in lists alone.
    pub fn builtin() -> Lexicon {
        let mut lexicon = Lexicon::default();
        for (word, polarity) in parse_list(BUILTIN_EN) {
            lexicon.set(Language::En, word, polarity);
        }
        for (word, polarity) in parse_list(BUILTIN_KO) {
            lexicon.set(Language::Ko, word, polarity);
        }
        // Polarity 0 marks a word that counts only when negated.
        for word in EN_NEGATED_ONLY {
            lexicon.en.entry((*word).to_owned()).or_insert(0);
        }
        for word in KO_NEGATED_ONLY {
            lexicon.set(Language::Ko, (*word).to_owned(), 0);
        }
        lexicon
    }

    /// The built-in lists with admin entries applied in order.
    pub fn with_entries<'a>(entries: impl IntoIterator<Item = &'a WordEntry>) -> Lexicon {
        let mut lexicon = Lexicon::builtin();
        for entry in entries {
            lexicon.apply(entry);
        }
        lexicon
    }

    fn set(&mut self, language: Language, word: String, polarity: i8) {
        match language {
            Language::En => {
                self.en.insert(word, polarity);
            }
            Language::Ko => {
                self.ko_longest = self.ko_longest.max(word.chars().count());
                self.ko.insert(word, polarity);
            }
        }
    }

    /// Adds, changes or (polarity 0) removes one word.
    pub fn apply(&mut self, entry: &WordEntry) {
        let polarity = entry.polarity.clamp(-MAX_POLARITY, MAX_POLARITY) as i8;
        if polarity == 0 {
            match entry.language {
                Language::En => self.en.remove(&entry.word),
                Language::Ko => self.ko.remove(&entry.word),
            };
        } else {
            self.set(entry.language, entry.word.clone(), polarity);
        }
    }

    /// A word's polarity as listed (no inflection or stem search).
    pub fn get(&self, language: Language, word: &str) -> Option<i8> {
        match language {
            Language::En => self.en.get(word).copied(),
            Language::Ko => self.ko.get(word).copied(),
        }
    }

    /// How many words with a polarity each language has.
    pub fn len(&self, language: Language) -> usize {
        let words = match language {
            Language::En => &self.en,
            Language::Ko => &self.ko,
        };
        words.values().filter(|p| **p != 0).count()
    }

    pub fn is_empty(&self) -> bool {
        self.en.is_empty() && self.ko.is_empty()
    }

    /// An English word, or the word without a common inflection.
    fn english(&self, word: &str) -> Option<i8> {
        if let Some(p) = self.en.get(word) {
            return Some(*p);
        }
        if EN_NOT_INFLECTED.contains(&word) {
            return None;
        }
        let candidates = |w: &str| -> Vec<String> {
            let mut out = Vec::new();
            let strip = |suffix: &str| w.strip_suffix(suffix).filter(|s| s.len() >= 2);
            if let Some(s) = strip("'s") {
                out.push(s.to_owned());
            }
            if let Some(s) = strip("ily") {
                out.push(format!("{s}y"));
            }
            for suffix in ["ly", "s", "es", "ed", "d", "ing"] {
                if let Some(s) = strip(suffix) {
                    out.push(s.to_owned());
                    if suffix == "ing" || suffix == "ed" {
                        out.push(format!("{s}e"));
                        let mut chars = s.chars();
                        if let (Some(last), Some(before)) = (chars.next_back(), chars.next_back()) {
                            if last == before {
                                out.push(s[..s.len() - last.len_utf8()].to_owned());
                            }
                        }
                    }
                }
            }
            out
        };
        candidates(word)
            .iter()
            .find_map(|c| self.en.get(c.as_str()).copied())
    }

    /// The longest Korean stem at the start of `chars`: `(polarity, stem length)`.
    fn korean_prefix(&self, chars: &[char], min_len: usize) -> Option<(i8, usize)> {
        let longest = self.ko_longest.min(chars.len());
        (min_len.max(1)..=longest).rev().find_map(|n| {
            let stem: String = chars[..n].iter().collect();
            self.ko.get(&stem).map(|p| (*p, n))
        })
    }

    /// A Korean token's sentiment word, if any.
    fn korean(&self, token: &str) -> Option<KoreanHit> {
        let chars: Vec<char> = token.chars().collect();
        let negated_rest = |rest: &[char]| {
            let rest: String = rest.iter().collect();
            KO_NEGATING_ENDINGS.iter().any(|e| rest.contains(e))
        };
        let hit = |polarity, start: usize, len: usize, negated, factor| KoreanHit {
            polarity,
            negated: negated || negated_rest(&chars[start + len..]),
            factor,
        };
        if let Some((p, n)) = self.korean_prefix(&chars, 1) {
            return Some(hit(p, 0, n, false, 1.0));
        }
        // A negator or intensifier written together with the word: 안좋아, 너무좋아.
        for negator in ["안", "못"] {
            if let Some(rest) = token.strip_prefix(negator) {
                let start = chars.len() - rest.chars().count();
                if let Some((p, n)) = self.korean_prefix(&chars[start..], 1) {
                    return Some(hit(p, start, n, true, 1.0));
                }
            }
        }
        for (words, factor) in [(KO_INTENSIFIERS, INTENSIFY), (KO_DAMPENERS, DAMPEN)] {
            for word in words {
                if let Some(rest) = token.strip_prefix(word) {
                    let start = chars.len() - rest.chars().count();
                    if let Some((p, n)) = self.korean_prefix(&chars[start..], 1) {
                        return Some(hit(p, start, n, false, factor));
                    }
                }
            }
        }
        // Inside a compound, only stems of two syllables or more: one syllable matches
        // too much by chance.
        (1..chars.len()).find_map(|start| {
            self.korean_prefix(&chars[start..], 2)
                .map(|(p, n)| hit(p, start, n, false, 1.0))
        })
    }
}

struct KoreanHit {
    polarity: i8,
    negated: bool,
    factor: f64,
}

/// One word that counted, for explanations (the admin's "try it" box).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The token as it appeared (lowercased).
    pub token: String,
    /// The listed polarity.
    pub polarity: i8,
    /// What it added to the score.
    pub weight: f64,
    pub negated: bool,
}

/// The outcome of [`score`].
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub value: f64,
    pub sentiment: Sentiment,
    pub hits: Vec<Hit>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Emoji(i8, char),
    /// The end of a clause: negation does not reach past it.
    Break,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, tokens: &mut Vec<Token>| {
        let trimmed = word.trim_matches('\'');
        if !trimmed.is_empty() {
            tokens.push(Token::Word(trimmed.to_owned()));
        }
        word.clear();
    };
    for c in text.chars() {
        let c = if c == '’' { '\'' } else { c };
        if c.is_alphanumeric() || c == '\'' {
            word.extend(c.to_lowercase());
            continue;
        }
        flush(&mut word, &mut tokens);
        if let Some((_, p)) = EMOJI.iter().find(|(e, _)| *e == c) {
            tokens.push(Token::Emoji(*p, c));
        } else if matches!(
            c,
            '.' | ',' | '!' | '?' | ';' | ':' | '\n' | '…' | '。' | '！' | '？' | '，'
        ) && tokens.last() != Some(&Token::Break)
        {
            tokens.push(Token::Break);
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

fn label(value: f64) -> Sentiment {
    if value >= THRESHOLD {
        Sentiment::Positive
    } else if value <= -THRESHOLD {
        Sentiment::Negative
    } else {
        Sentiment::Neutral
    }
}

/// Scores `text` with `lexicon` (rules in the module doc).
pub fn score(text: &str, lexicon: &Lexicon) -> Score {
    let mut hits: Vec<Hit> = Vec::new();
    // Words left in the reach of a preceding negator (0 = none).
    let mut negation = 0usize;
    // Factor for the next sentiment word (intensifier or dampener), and its reach.
    let mut factor = (1.0, 0usize);
    let mut contrast = 1.0;
    // Index in `hits` of the last word hit and how many word tokens ago it was.
    let mut last_hit: Option<(usize, usize)> = None;

    for token in tokenize(text) {
        let word = match token {
            Token::Break => {
                negation = 0;
                factor = (1.0, 0);
                last_hit = None;
                continue;
            }
            Token::Emoji(polarity, c) => {
                hits.push(Hit {
                    token: c.to_string(),
                    polarity,
                    weight: f64::from(polarity) * contrast,
                    negated: false,
                });
                continue;
            }
            Token::Word(word) => word,
        };
        if let Some((_, ago)) = &mut last_hit {
            *ago += 1;
        }
        let korean = word.chars().any(is_hangul);
        let contrast_words = if korean { KO_CONTRAST } else { EN_CONTRAST };
        if contrast_words.contains(&word.as_str()) {
            for hit in &mut hits {
                hit.weight *= BEFORE_CONTRAST;
            }
            contrast = AFTER_CONTRAST;
            negation = 0;
            continue;
        }
        let found = if korean {
            if KO_NEGATORS_BEFORE.contains(&word.as_str()) {
                negation = 2;
                continue;
            }
            if KO_NEGATORS_AFTER.iter().any(|n| word.starts_with(n))
                && lexicon
                    .korean_prefix(&word.chars().collect::<Vec<_>>(), 1)
                    .is_none()
            {
                // `좋지 않아`: negate the word just before, unless already negated.
                if let Some((index, ago)) = last_hit.take() {
                    let hit = &mut hits[index];
                    if ago <= 2 && !hit.negated {
                        hit.weight = if hit.polarity == 0 {
                            NEGATED_NEUTRAL
                        } else {
                            hit.weight * NEGATION
                        };
                        hit.negated = true;
                    }
                }
                continue;
            }
            if KO_INTENSIFIERS.contains(&word.as_str()) {
                factor = (INTENSIFY, 2);
                continue;
            }
            if KO_DAMPENERS.contains(&word.as_str()) {
                factor = (DAMPEN, 2);
                continue;
            }
            lexicon
                .korean(&word)
                .map(|h| (h.polarity, h.negated, h.factor))
        } else {
            let plain = word.replace('\'', "");
            if EN_NEGATORS.contains(&plain.as_str()) || word.ends_with("n't") {
                negation = NEGATION_REACH;
                continue;
            }
            if EN_INTENSIFIERS.contains(&plain.as_str()) {
                factor = (INTENSIFY, 2);
                continue;
            }
            if EN_DAMPENERS.contains(&plain.as_str()) {
                factor = (DAMPEN, 2);
                continue;
            }
            lexicon.english(&word).map(|p| (p, false, 1.0))
        };
        match found {
            Some((polarity, negated_inside, own_factor)) => {
                let negated = negated_inside || negation > 0;
                let mut weight = f64::from(polarity) * own_factor * contrast;
                if factor.1 > 0 {
                    weight *= factor.0;
                }
                if negated {
                    weight = if polarity == 0 {
                        NEGATED_NEUTRAL * contrast
                    } else {
                        weight * NEGATION
                    };
                }
                hits.push(Hit {
                    token: word,
                    polarity,
                    weight,
                    negated,
                });
                last_hit = Some((hits.len() - 1, 0));
                negation = 0;
                factor = (1.0, 0);
            }
            None => {
                negation = negation.saturating_sub(1);
                factor.1 = factor.1.saturating_sub(1);
            }
        }
    }
    // Words that count only when negated and were not leave no trace.
    hits.retain(|h| h.polarity != 0 || h.negated);
    let value = hits.iter().map(|h| h.weight).sum::<f64>();
    Score {
        value,
        sentiment: label(value),
        hits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Sentiment::{Negative, Neutral, Positive};

    fn s(text: &str) -> Sentiment {
        score(text, &Lexicon::builtin()).sentiment
    }

    #[test]
    fn the_builtin_lists_are_well_formed() {
        for (name, text) in [("en", BUILTIN_EN), ("ko", BUILTIN_KO)] {
            let mut seen = std::collections::HashSet::new();
            for line in text
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
            {
                let (word, polarity) = line.split_once('\t').expect("word<TAB>polarity");
                let p: i64 = polarity.parse().expect("integer polarity");
                assert!(p != 0 && p.abs() <= MAX_POLARITY, "{name}: {line}");
                assert_eq!(word, word.trim().to_lowercase(), "{name}: {line}");
                assert!(seen.insert(word), "{name}: {word} listed twice");
                let language = if name == "en" { "en" } else { "ko" };
                if !word.contains(['ㅠ', 'ㅜ', 'ㅎ']) {
                    assert!(
                        WordEntry::parse(language, word, polarity).is_ok(),
                        "{name}: {word} could not be entered by an admin"
                    );
                }
            }
            assert!(seen.len() >= 200, "{name} has {} words", seen.len());
        }
    }

    #[test]
    fn english() {
        let cases = [
            ("I love this product", Positive),
            ("Great service, very helpful staff!", Positive),
            ("This is the worst support I have ever had", Negative),
            ("The app keeps crashing and it's so frustrating", Negative),
            ("The new release is out today", Neutral),
            ("Acme announced quarterly results", Neutral),
            ("not good", Negative),
            ("I don't like the new design", Negative),
            ("I do not like it at all", Negative),
            ("It's not bad", Positive),
            ("Never disappointed by Acme", Positive),
            ("They never disappoint", Positive),
            ("Absolutely LOVED it", Positive),
            ("Really disappointing experience", Negative),
            ("Good product but way too expensive and slow", Negative),
            ("Pricey, but honestly excellent", Positive),
            ("No, this is great", Positive),
            ("I can’t recommend it", Negative),
            ("Thanks for the quick fix 👍", Positive),
            ("Ugh 😡", Negative),
            ("It's not working", Negative),
            ("The app doesn't work on my phone", Negative),
            ("It works.", Neutral),
            ("Finally fixed, thanks", Positive),
            ("It will likely ship next week", Neutral),
            ("pretty bad", Negative),
        ];
        for (text, expected) in cases {
            assert_eq!(
                s(text),
                expected,
                "{text:?}: {:?}",
                score(text, &Lexicon::builtin())
            );
        }
    }

    #[test]
    fn korean() {
        let cases = [
            ("이 제품 정말 좋아요", Positive),
            ("서비스가 좋습니다", Positive),
            ("최고예요!", Positive),
            ("배송이 빠르고 친절했어요", Positive),
            ("완전 만족합니다", Positive),
            ("별로예요", Negative),
            ("정말 실망했어요", Negative),
            ("최악의 고객센터", Negative),
            ("앱이 자꾸 고장나고 불편해요", Negative),
            ("안 좋아요", Negative),
            ("안좋아요", Negative),
            ("좋지 않아요", Negative),
            ("좋지않았어요", Negative),
            ("나쁘지 않아요", Positive),
            ("재미 없어요", Negative),
            ("재미없어요", Negative),
            ("오늘 신제품이 출시되었습니다", Neutral),
            ("삼성전자가 발표했다", Neutral),
            ("디자인은 좋은데 하지만 너무 비싸요", Negative),
            ("너무좋아요 ㅎㅎ", Positive),
            ("정말최고", Positive),
            ("기다렸는데 배송이 늦어서 속상해요 ㅠㅠ", Negative),
            ("추천합니다 👍", Positive),
            ("문제가 해결되지 않았어요", Negative),
            ("로그인이 안 돼요", Negative),
            ("앱이 안돼요", Negative),
            ("작동하지 않아요", Negative),
            ("잘 작동합니다", Neutral),
        ];
        for (text, expected) in cases {
            assert_eq!(
                s(text),
                expected,
                "{text:?}: {:?}",
                score(text, &Lexicon::builtin())
            );
        }
    }

    #[test]
    fn negation_stays_in_its_clause() {
        assert_eq!(s("No. Great product"), Positive);
        assert_eq!(s("not what I expected, wonderful"), Positive);
    }

    #[test]
    fn hits_explain_the_score() {
        let sc = score("not good", &Lexicon::builtin());
        assert_eq!(sc.hits.len(), 1);
        assert!(sc.hits[0].negated);
        assert_eq!(sc.hits[0].polarity, 2);
        assert!((sc.value + 1.5).abs() < 1e-9);
    }

    #[test]
    fn admin_entries_override_the_builtin_lists() {
        let entries = [
            WordEntry::parse("en", "Sleek", "2").unwrap(),
            WordEntry::parse("en", "cheap", "-2").unwrap(),
            WordEntry::parse("en", "great", "0").unwrap(),
            WordEntry::parse("ko", "갓성비", "3").unwrap(),
        ];
        let lexicon = Lexicon::with_entries(&entries);
        assert_eq!(score("so sleek", &lexicon).sentiment, Positive);
        assert_eq!(score("feels cheap", &lexicon).sentiment, Negative);
        assert_eq!(score("great", &lexicon).sentiment, Neutral, "removed");
        assert_eq!(lexicon.get(Language::En, "great"), None);
        assert_eq!(score("갓성비예요", &lexicon).sentiment, Positive);
        assert_eq!(Lexicon::builtin().get(Language::En, "great"), Some(2));
    }

    #[test]
    fn admin_entries_are_checked() {
        let field = |l: &str, w: &str, p: &str| WordEntry::parse(l, w, p).unwrap_err().field;
        assert_eq!(field("fr", "bon", "1"), "language");
        assert_eq!(field("en", " ", "1"), "word");
        assert_eq!(field("en", "two words", "1"), "word");
        assert_eq!(field("en", "좋", "1"), "word");
        assert_eq!(field("ko", "good", "1"), "word");
        assert_eq!(field("en", &"a".repeat(41), "1"), "word");
        assert_eq!(field("en", "good", "4"), "polarity");
        assert_eq!(field("en", "good", "x"), "polarity");
        let e = WordEntry::parse("en", " Don’t ", "-1").unwrap();
        assert_eq!(e.word, "don't");
        assert_eq!(WordEntry::parse("ko", "갓성비", "0").unwrap().polarity, 0);
    }
}
