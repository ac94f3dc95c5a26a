//! Numbers and dates as each locale writes them. Small pure functions: both languages
//! group digits by thousands with a comma; dates differ (`2026-03-14` / `2026년 3월 14일`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::Locale;

/// `1234567` → `1,234,567` (the same in English and Korean).
pub fn integer(_locale: Locale, n: i64) -> String {
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

/// A number with `places` decimals and grouped thousands: `12345.678, 1` → `12,345.7`.
pub fn decimal(locale: Locale, x: f64, places: usize) -> String {
    if !x.is_finite() {
        return "–".to_string();
    }
    let fixed = format!("{:.*}", places, x.abs());
    let (whole, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let whole: i64 = whole.parse().unwrap_or(0);
    let sign = if x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    let mut out = format!("{sign}{}", integer(locale, whole));
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A ratio as a percentage with one decimal: `0.125` → `12.5%`.
pub fn percent(locale: Locale, ratio: f64) -> String {
    format!("{}%", decimal(locale, ratio * 100.0, 1))
}

/// A calendar day: `2026-03-14` in English, `2026년 3월 14일` in Korean.
pub fn date(locale: Locale, d: NaiveDate) -> String {
    match locale {
        Locale::En => d.format("%Y-%m-%d").to_string(),
        Locale::Ko => format!("{}년 {}월 {}일", d.year(), d.month(), d.day()),
    }
}

/// A local date and time to the minute: `2026-03-14 09:05` / `2026년 3월 14일 09:05`.
pub fn datetime(locale: Locale, t: NaiveDateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        date(locale, t.date()),
        t.hour(),
        t.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_group_thousands() {
        for l in Locale::ALL {
            assert_eq!(integer(l, 0), "0");
            assert_eq!(integer(l, 999), "999");
            assert_eq!(integer(l, 1000), "1,000");
            assert_eq!(integer(l, 1234567), "1,234,567");
            assert_eq!(integer(l, -98765), "-98,765");
            assert_eq!(integer(l, i64::MIN), "-9,223,372,036,854,775,808");
        }
    }

    #[test]
    fn decimals_and_percentages() {
        assert_eq!(decimal(Locale::En, 12345.678, 1), "12,345.7");
        assert_eq!(decimal(Locale::Ko, -0.04, 1), "0.0");
        assert_eq!(decimal(Locale::En, -1234.5, 2), "-1,234.50");
        assert_eq!(decimal(Locale::En, 3.0, 0), "3");
        assert_eq!(decimal(Locale::En, f64::NAN, 1), "–");
        assert_eq!(percent(Locale::Ko, 0.125), "12.5%");
    }

    #[test]
    fn dates_per_locale() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 14).unwrap();
        assert_eq!(date(Locale::En, d), "2026-03-14");
        assert_eq!(date(Locale::Ko, d), "2026년 3월 14일");
        let t = d.and_hms_opt(9, 5, 59).unwrap();
        assert_eq!(datetime(Locale::En, t), "2026-03-14 09:05");
        assert_eq!(datetime(Locale::Ko, t), "2026년 3월 14일 09:05");
    }
}
