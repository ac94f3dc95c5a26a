//! The one i18n layer: English and Korean text for every page, chosen per request.
//!
//! - The catalogs are Fluent files under `locales/<lang>/*.ftl`, embedded in the binary at
//!   build time by `fluent-templates` (nothing to ship beside the binary).
//! - [`Locale`] is the closed set of languages; [`Tr`] is what a template gets (one field,
//!   `t`), with `t.get("key")`, `t.with("key", "name", value)`, `t.count("key", n)` and the
//!   per-locale number and date formatting.
//! - Negotiation ([`negotiate`]): the signed-in employee's `employees.locale`, then the
//!   `Accept-Language` header (q-values honoured), then `CHORUS_DEFAULT_LOCALE`. The web
//!   side of it (a middleware that runs it once per page request) is in [`request`].
//!
//! The JSON API and the logs stay English; only what people read on pages goes through here.

pub mod format;
pub mod request;
#[cfg(test)]
mod template_scan;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Display;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};

pub use request::Tr;

fluent_templates::static_loader! {
    static CATALOGS = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around placeables: they end up in HTML attributes
        // and in text that tests and people copy.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language the UI speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    En,
    Ko,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Ko];

    /// The BCP 47 tag, as stored in `employees.locale` and written in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Ko => "ko",
        }
    }

    /// The language's own name, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::Ko => "한국어",
        }
    }

    /// Reads a tag such as `ko`, `ko-KR`, `en_US` or `EN`; other languages are `None`.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::En),
            "ko" => Some(Locale::Ko),
            _ => None,
        }
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Locale::En => fluent_templates::langid!("en"),
            Locale::Ko => fluent_templates::langid!("ko"),
        }
    }

    /// The message `key`; the English one when this catalog lacks it (the parity test
    /// keeps that from happening), the key itself when no catalog has it.
    pub fn text(self, key: &str) -> String {
        self.lookup(key, None)
    }

    /// The message `key` with arguments (`{ $name }` in the catalogs).
    pub fn text_with(self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), v.clone()))
            .collect();
        self.lookup(key, Some(&map))
    }

    fn lookup(
        self,
        key: &str,
        args: Option<&HashMap<Cow<'static, str>, FluentValue<'_>>>,
    ) -> String {
        CATALOGS
            .try_lookup_complete(&self.langid(), key, args)
            .or_else(|| CATALOGS.try_lookup_complete(&Locale::En.langid(), key, args))
            .unwrap_or_else(|| key.to_string())
    }
}

impl Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The language of a request: the employee's own choice, then the browser's, then the
/// instance default.
pub fn negotiate(employee: Option<&str>, accept_language: Option<&str>, default: Locale) -> Locale {
    employee
        .and_then(Locale::parse)
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or(default)
}

/// The best supported language of an `Accept-Language` header: highest q first, the
/// header's order among equals; `q=0` means "not this one"; `*` picks nothing (so the
/// instance default applies).
pub fn from_accept_language(header: &str) -> Option<Locale> {
    let mut best: Option<(f32, Locale)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let mut q = 1.0f32;
        for param in parts {
            if let Some(v) = param.trim().strip_prefix("q=") {
                q = v.trim().parse().unwrap_or(0.0);
            }
        }
        if !(q > 0.0 && q <= 1.0) {
            continue;
        }
        if let Some(locale) = Locale::parse(tag) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
    }
    best.map(|(_, l)| l)
}

/// The metric dictionary's name and formula in `locale` (`metric.<name>.name` /
/// `metric.<name>.formula`), or `None` for a metric the catalogs do not know (the English
/// text in `domain::kpi` is then the one to show).
pub fn metric_label(locale: Locale, name: &str) -> Option<(String, String)> {
    let lang = locale.langid();
    let get = |field: &str| {
        let key = catalog_key(&format!("metric.{name}.{field}")).into_owned();
        CATALOGS
            .try_lookup(&lang, &key)
            .or_else(|| CATALOGS.try_lookup(&Locale::En.langid(), &key))
    };
    Some((get("name")?, get("formula")?))
}

/// A network's name as people read it: the brand's own name, except for the two that are
/// words (`email`, `other`), which are translated.
pub fn network_label(t: &Tr, network: crate::domain::network::Network) -> String {
    use crate::domain::network::Network;
    match network {
        Network::Email => t.get("network.email"),
        Network::Other => t.get("network.other"),
        n => n.display_name().to_string(),
    }
}

/// Fluent identifiers may not contain dots; the code and templates write the readable
/// `area.thing` form, which maps to `area-thing` in the catalogs.
pub(crate) fn catalog_key(key: &str) -> Cow<'_, str> {
    if key.contains('.') {
        Cow::Owned(key.replace('.', "-"))
    } else {
        Cow::Borrowed(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_honours_q_values() {
        assert_eq!(
            from_accept_language("ko-KR,ko;q=0.9,en;q=0.8"),
            Some(Locale::Ko)
        );
        assert_eq!(from_accept_language("en;q=0.5, ko;q=0.8"), Some(Locale::Ko));
        assert_eq!(from_accept_language("fr-FR, en-US;q=0.7"), Some(Locale::En));
        assert_eq!(from_accept_language("ko;q=0, en;q=0.1"), Some(Locale::En));
        assert_eq!(from_accept_language("de, fr;q=0.9"), None);
        assert_eq!(from_accept_language("*"), None);
        assert_eq!(from_accept_language(""), None);
        assert_eq!(from_accept_language("en, ko"), Some(Locale::En));
        assert_eq!(from_accept_language("ko;q=abc, en;q=0.3"), Some(Locale::En));
    }

    #[test]
    fn negotiation_order_is_employee_then_header_then_default() {
        assert_eq!(negotiate(Some("ko"), Some("en"), Locale::En), Locale::Ko);
        assert_eq!(negotiate(None, Some("ko"), Locale::En), Locale::Ko);
        assert_eq!(negotiate(Some("xx"), Some("ko"), Locale::En), Locale::Ko);
        assert_eq!(negotiate(None, None, Locale::Ko), Locale::Ko);
        assert_eq!(negotiate(None, Some("de"), Locale::Ko), Locale::Ko);
    }

    #[test]
    fn locale_tags_parse() {
        assert_eq!(Locale::parse("ko-KR"), Some(Locale::Ko));
        assert_eq!(Locale::parse("EN_us"), Some(Locale::En));
        assert_eq!(Locale::parse("kok"), None);
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.code()), Some(l));
        }
    }

    #[test]
    fn lookups_use_the_catalogs_and_fall_back() {
        assert_eq!(Locale::En.text(&catalog_key("nav.signout")), "Sign out");
        assert_eq!(Locale::Ko.text(&catalog_key("nav.signout")), "로그아웃");
        assert_eq!(Locale::Ko.text("no-such-key"), "no-such-key");
        let tr = Tr::new(Locale::Ko);
        assert_eq!(tr.with("nav.signed-in-as", "name", "김지은"), "김지은 님");
    }

    #[test]
    fn every_metric_has_a_korean_name_and_formula() {
        for m in crate::domain::kpi::dictionary() {
            let (name, formula) = metric_label(Locale::Ko, m.name)
                .unwrap_or_else(|| panic!("metric {} has no catalog entry", m.name));
            assert!(!name.is_empty() && !formula.is_empty(), "{}", m.name);
            assert!(metric_label(Locale::En, m.name).is_some(), "{}", m.name);
        }
        assert!(metric_label(Locale::Ko, "no_such_metric").is_none());
    }

    /// The message ids of one language's catalogs (panics on a syntax error or a
    /// duplicate id).
    pub(super) fn catalog_keys(locale: Locale) -> std::collections::BTreeSet<String> {
        use std::collections::BTreeSet;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        {
            let dir = root.join(locale.code());
            let mut keys = BTreeSet::new();
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "ftl"))
                .collect();
            files.sort();
            assert!(!files.is_empty(), "no catalogs in {}", dir.display());
            for file in files {
                let source = std::fs::read_to_string(&file).unwrap();
                let ids =
                    message_ids(&source).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                for id in ids {
                    assert!(
                        keys.insert(id.clone()),
                        "{}: {id} defined twice",
                        file.display()
                    );
                }
            }
            keys
        }
    }

    /// Each catalog parses, and every key exists in both languages.
    #[test]
    fn catalogs_parse_and_have_the_same_keys() {
        let en = catalog_keys(Locale::En);
        let ko = catalog_keys(Locale::Ko);
        let only_en: Vec<_> = en.difference(&ko).collect();
        let only_ko: Vec<_> = ko.difference(&en).collect();
        assert!(only_en.is_empty(), "keys missing from ko: {only_en:?}");
        assert!(only_ko.is_empty(), "keys missing from en: {only_ko:?}");
    }

    #[test]
    fn a_catalog_with_a_syntax_error_is_refused() {
        assert!(message_ids("ok = fine\n").is_ok());
        assert!(message_ids("broken = { $n ->\n").is_err());
        assert!(message_ids("no value\n").is_err());
    }

    /// The message ids of a catalog, or its syntax errors.
    fn message_ids(source: &str) -> Result<Vec<String>, String> {
        use fluent_syntax::ast::Entry;
        let resource = fluent_syntax::parser::parse(source)
            .map_err(|(_, errors)| format!("syntax errors: {errors:?}"))?;
        Ok(resource
            .body
            .iter()
            .filter_map(|e| match e {
                Entry::Message(m) => Some(m.id.name.to_string()),
                Entry::Term(t) => Some(format!("-{}", t.id.name)),
                _ => None,
            })
            .collect())
    }
}
