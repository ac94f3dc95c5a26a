//! Text cells for CSV exports that people open in spreadsheets.
//!
//! Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` (or a tab or
//! carriage return before one) as a formula, so a customer id like `=HYPERLINK(…)` sent
//! by a website would execute on an analyst's machine. Such free-text cells get a leading
//! `'` (OWASP's advice); numbers and times Chorus writes itself are left alone.

use std::borrow::Cow;

/// `value`, made safe to open in a spreadsheet.
pub fn safe(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_text_is_kept() {
        assert_eq!(safe("=1+1"), "'=1+1");
        assert_eq!(safe("+49 30 1234"), "'+49 30 1234");
        assert_eq!(safe("-5"), "'-5");
        assert_eq!(safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe("\t=x"), "'\t=x");
        assert_eq!(safe("order-1"), "order-1");
        assert_eq!(safe(""), "");
        assert!(matches!(safe("Jane Doe"), Cow::Borrowed(_)));
    }
}
