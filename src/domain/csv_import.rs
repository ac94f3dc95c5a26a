//! CSV files of mentions, metrics snapshots, follower snapshots, support cases and
//! conversions: which columns each kind has ([`ImportKind::columns`]), how a file's first
//! line maps onto them ([`Header::map`]), and reading a file row by row into checked
//! records ([`CsvFile::next_record`]) with the very validation functions the JSON API uses
//! (`mention::validate`, `snapshot::validate_*`, `support::validate_case`,
//! `conversion::validate`).
//!
//! Conversions may also come as a CRM exports them: a [`Layout`] maps a Salesforce
//! opportunity report's or a HubSpot deals export's columns onto Chorus's (the table is
//! [`Layout::columns`], and a deal's stage becomes its kind by [`kind_of_stage`]). The
//! layout is chosen, or detected from the first line when exactly one fits. Columns a
//! CRM layout does not name are skipped with a warning: exports carry many.
//!
//! Conventions of every kind:
//! - The first line names the columns, in any order; names are compared ignoring case,
//!   surrounding spaces, and `-`/space versus `_` (`Occurred At` is `occurred_at`). A
//!   column Chorus does not know is refused, listing the expected ones — a misspelt
//!   optional column (`sentimnet`) would otherwise lose its data without a word — unless
//!   the caller asks to ignore such columns (then they become warnings).
//! - UTF-8, with or without a byte-order mark; a UTF-16 file or a cell that is not UTF-8
//!   (a spreadsheet's legacy encoding, e.g. CP949) is refused with a hint.
//! - Fields may be quoted (`"a, b"`, `"two\nlines"`, `""` for a quote); cells are trimmed.
//!   A row whose cells are all blank is skipped.
//! - Rows are reported by **line number in the file, the header being line 1**; a row
//!   whose quoted cell spans several lines is reported at its first line.
//! - Times: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` (local time in the configured zone, what
//!   spreadsheets write) or a bare date (local midnight).
//!
//! Reading is streaming: one row in memory at a time, whatever the file's size.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Read};

use chrono::NaiveDateTime;

use super::conversion::{self, Amount, ConversionInput, Currency, ValidConversion};
use super::email::Email;
use super::mention::{self, MentionFields, ValidMention};
use super::record::{self, Count, RawNumber};
use super::snapshot::{self, FollowerReading, FollowersInput, MetricsInput, MetricsReading};
use super::support::{self, CaseInput, NewCase};

/// How many row errors a report keeps (all are counted).
pub const MAX_REPORTED_ERRORS: usize = 1_000;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Mentions,
    Metrics,
    Followers,
    SupportCases,
    Conversions,
}

/// Whether a column must be in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    /// Required unless the named other column is there (`share_id` or `slug`).
    EitherOr(&'static str),
}

/// One column of a kind: its name, whether it is needed, what it holds, an example.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub need: Need,
    pub help: &'static str,
}

impl Column {
    pub fn need_label(&self) -> String {
        match self.need {
            Need::Required => "required".to_owned(),
            Need::Optional => "optional".to_owned(),
            Need::EitherOr(other) => format!("required unless {other} is given"),
        }
    }
}

const fn col(name: &'static str, need: Need, help: &'static str) -> Column {
    Column { name, need, help }
}

const TIME_HELP: &str =
    "RFC 3339 (2026-03-01T09:30:00+09:00), local YYYY-MM-DD HH:MM[:SS], or YYYY-MM-DD";

#[rustfmt::skip]
const MENTION_COLUMNS: &[Column] = &[
    col("brand", Need::Required, "a brand's name, as on the Brands page (any case)"),
    col("channel", Need::Required, "where it was seen: linkedin, x, news, naver_blog, … (a-z, 0-9, _ and -)"),
    col("author", Need::Required, "who wrote it (up to 200 characters)"),
    col("text", Need::Required, "the post or comment (up to 10,000 characters)"),
    col("occurred_at", Need::Required, TIME_HELP),
    col("kind", Need::Optional, "post (the default) or comment"),
    col("sentiment", Need::Optional, "positive, neutral or negative; blank: Chorus scores the text"),
    col("author_reach", Need::Optional, "the author's followers, a whole number"),
    col("url", Need::Optional, "an http(s) link to the mention"),
    col("external_id", Need::Optional, "the platform's id; a repeat on the same channel is skipped as a duplicate"),
];

#[rustfmt::skip]
const METRICS_COLUMNS: &[Column] = &[
    col("share_id", Need::EitherOr("slug"), "the share's id, as in the API"),
    col("slug", Need::EitherOr("share_id"), "the short link's slug, instead of share_id"),
    col("likes", Need::Required, "a whole number, 0 or more"),
    col("comments", Need::Required, "a whole number, 0 or more"),
    col("reshares", Need::Required, "a whole number, 0 or more"),
    col("impressions", Need::Optional, "a whole number; blank: not known"),
    col("observed_at", Need::Optional, "when the figures were read; blank: the time of the import"),
];

#[rustfmt::skip]
const FOLLOWER_COLUMNS: &[Column] = &[
    col("employee_id", Need::EitherOr("employee_email"), "the employee's id, as in the API"),
    col("employee_email", Need::EitherOr("employee_id"), "the employee's e-mail address, instead of employee_id"),
    col("network", Need::Required, "linkedin, x, facebook, instagram, threads, bluesky, xing, tiktok, youtube, email or other"),
    col("followers", Need::Required, "a whole number, 0 or more"),
    col("observed_at", Need::Optional, "when the count was read; blank: the time of the import"),
];

#[rustfmt::skip]
const CASE_COLUMNS: &[Column] = &[
    col("channel", Need::Required, "where the case was raised: twitter, facebook_dm, app-store, … (a-z, 0-9, _ and -)"),
    col("opened_at", Need::Required, TIME_HELP),
    col("first_response_at", Need::Optional, "blank while unanswered; not before opened_at"),
    col("resolved_at", Need::Optional, "blank while open; not before opened_at"),
    col("external_id", Need::Optional, "the case's id in your support tool; a known id updates that case"),
];

#[rustfmt::skip]
const CONVERSION_COLUMNS: &[Column] = &[
    col("kind", Need::Required, "lead, signup, sale or a custom kind (a-z, 0-9, _ and -), as POST /api/v1/conversions takes"),
    col("occurred_at", Need::Required, "RFC 3339, local YYYY-MM-DD HH:MM[:SS], or YYYY-MM-DD (then a click of that day counts)"),
    col("value", Need::Optional, "the amount in the currency's units: 1250, 1250.00 or 1,250.00; blank: none"),
    col("currency", Need::Optional, "ISO 4217 code such as EUR; blank: the configured default (CHORUS_DEFAULT_CURRENCY)"),
    col("external_id", Need::Optional, "the order or deal id; a conversion of the same kind and id, stored or earlier in the file, is skipped as a duplicate"),
    col("click_id", Need::EitherOr("customer_id"), "the chorus_click id of the landing URL: a verified human click within the attribution window earns the conversion; blank: none"),
    col("customer_id", Need::EitherOr("click_id"), "your customer's id: a row without a click id earns what the customer's first conversion earned, when that one was attributed"),
];

impl ImportKind {
    pub const ALL: [ImportKind; 5] = [
        ImportKind::Mentions,
        ImportKind::Metrics,
        ImportKind::Followers,
        ImportKind::SupportCases,
        ImportKind::Conversions,
    ];

    /// `mentions`, `metrics`, `followers`, `support-cases` (also `support_cases`),
    /// `conversions`.
    pub fn parse(value: &str) -> Option<ImportKind> {
        match value.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "mentions" => Some(ImportKind::Mentions),
            "metrics" => Some(ImportKind::Metrics),
            "followers" => Some(ImportKind::Followers),
            "support-cases" => Some(ImportKind::SupportCases),
            "conversions" => Some(ImportKind::Conversions),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Mentions => "mentions",
            ImportKind::Metrics => "metrics",
            ImportKind::Followers => "followers",
            ImportKind::SupportCases => "support-cases",
            ImportKind::Conversions => "conversions",
        }
    }

    /// For people: "Mentions", "Metrics snapshots", …
    pub fn title(self) -> &'static str {
        match self {
            ImportKind::Mentions => "Mentions",
            ImportKind::Metrics => "Metrics snapshots",
            ImportKind::Followers => "Follower snapshots",
            ImportKind::SupportCases => "Support cases",
            ImportKind::Conversions => "Conversions",
        }
    }

    /// The columns of a file in Chorus's own names (for conversions: [`Layout::Chorus`]).
    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Mentions => MENTION_COLUMNS,
            ImportKind::Metrics => METRICS_COLUMNS,
            ImportKind::Followers => FOLLOWER_COLUMNS,
            ImportKind::SupportCases => CASE_COLUMNS,
            ImportKind::Conversions => CONVERSION_COLUMNS,
        }
    }

    /// The columns as one line: `brand, channel, … (required); kind, … (optional)`.
    pub fn expected(self) -> String {
        expected(self.columns().iter())
    }

    /// A small example file: the header and a few rows that import as they are (given
    /// the brand `Acme`, share 1 / slug `launch1` and employee 1 / `kim@example.com`).
    pub fn example_csv(self) -> String {
        #[rustfmt::skip]
        let rows: &[&[&str]] = match self {
            ImportKind::Conversions => return Layout::Chorus.example_csv().to_owned(),
            ImportKind::Mentions => &[
                &["brand", "channel", "author", "text", "occurred_at", "kind", "sentiment", "author_reach", "url", "external_id"],
                &["Acme", "x", "@kim", "Acme의 새 기능, 정말 좋아요!", "2026-03-01T09:30:00+09:00", "post", "", "1200", "https://x.com/kim/status/1", "1"],
                &["Acme", "naver_blog", "이서연", "배송이 늦었어요.\n그래도 제품은 괜찮습니다.", "2026-03-01 14:05", "comment", "negative", "", "", "nb-77"],
                &["acme", "news", "Daily Tech", "Acme opens a lab in Seoul", "2026-03-02", "", "neutral", "", "https://news.example/acme-lab", ""],
            ],
            ImportKind::Metrics => &[
                &["share_id", "slug", "likes", "comments", "reshares", "impressions", "observed_at"],
                &["1", "", "42", "5", "3", "1800", "2026-03-01T18:00:00Z"],
                &["", "launch1", "57", "6", "4", "", "2026-03-02 18:00"],
            ],
            ImportKind::Followers => &[
                &["employee_id", "employee_email", "network", "followers", "observed_at"],
                &["1", "", "linkedin", "1,250", "2026-03-01"],
                &["", "kim@example.com", "x", "830", "2026-03-01T09:00:00+09:00"],
            ],
            ImportKind::SupportCases => &[
                &["channel", "opened_at", "first_response_at", "resolved_at", "external_id"],
                &["twitter", "2026-03-01T09:00:00Z", "2026-03-01T09:20:00Z", "2026-03-01T11:00:00Z", "zd-1001"],
                &["facebook_dm", "2026-03-02 10:15", "", "", "zd-1002"],
            ],
        };
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        for row in rows {
            // Writing to memory cannot fail.
            let _ = out.write_record(*row);
        }
        String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}

/// Columns as one line: `brand, channel, … (required); kind, … (optional)`.
fn expected<'c>(columns: impl Iterator<Item = &'c Column> + Clone) -> String {
    let names = |pick: fn(&Need) -> bool| {
        columns
            .clone()
            .filter(|c| pick(&c.need))
            .map(|c| c.name)
            .collect::<Vec<_>>()
    };
    let required = names(|n| *n == Need::Required);
    let either: Vec<&str> = names(|n| matches!(n, Need::EitherOr(_)));
    let optional = names(|n| *n == Need::Optional);
    let mut parts = Vec::new();
    if !either.is_empty() {
        parts.push(format!("{} (one of them)", either.join(" or ")));
    }
    if !required.is_empty() {
        parts.push(format!("{} (required)", required.join(", ")));
    }
    if !optional.is_empty() {
        parts.push(format!("{} (optional)", optional.join(", ")));
    }
    parts.join("; ")
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A column name as compared: trimmed, lowercase, `-` and spaces as `_`.
fn normalize(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Layouts of conversion files
// ---------------------------------------------------------------------------------------

/// The column names a conversions file uses: Chorus's own, or a CRM's export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layout {
    /// `kind`, `occurred_at`, `value`, … ([`ImportKind::columns`]).
    Chorus,
    /// A Salesforce opportunity report exported as CSV ("Details Only").
    Salesforce,
    /// A HubSpot deals export.
    Hubspot,
}

/// Where a column of a layout goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A Chorus column (`external_id`, `value`, `kind`, …), taken as it is.
    Column(&'static str),
    /// The deal's stage: the conversion's kind ([`kind_of_stage`]) unless a kind column
    /// of the row names one.
    Stage,
    /// When the deal closed: `occurred_at` of a sale.
    ClosedAt,
    /// When the deal was created: `occurred_at` of any other kind (a lead); the close
    /// date when blank or absent.
    CreatedAt,
}

/// One column of a layout: the header as the CRM writes it, and where it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LayoutColumn {
    pub column: Column,
    pub target: Target,
}

const fn crm(name: &'static str, need: Need, target: Target, help: &'static str) -> LayoutColumn {
    LayoutColumn {
        column: col(name, need, help),
        target,
    }
}

const CLICK_FIELD_HELP: &str = "a custom text field filled from the chorus_click id (a hidden form field or the tracking script); a verified human click within the attribution window earns the conversion";
const KIND_FIELD_HELP: &str =
    "optional custom field naming the kind (lead, signup, sale or your own); overrides the stage";

/// The mapping of CRM columns onto Chorus's: the one table of what each export means.
#[rustfmt::skip]
const SALESFORCE_COLUMNS: &[LayoutColumn] = &[
    crm("Opportunity ID", Need::Required, Target::Column("external_id"), "the opportunity's id: external_id, so a re-import skips what is stored"),
    crm("Stage", Need::Required, Target::Stage, "Closed Won is a sale; any other stage (open, or Closed Lost) is a lead"),
    crm("Close Date", Need::Required, Target::ClosedAt, "when a sale happened: a click of that day or the window before counts"),
    crm("Created Date", Need::Optional, Target::CreatedAt, "when a lead happened; blank or absent: the Close Date"),
    crm("Amount", Need::Optional, Target::Column("value"), "in the opportunity's currency: 12500 or 12,500.00"),
    crm("Opportunity Currency", Need::Optional, Target::Column("currency"), "ISO 4217 code (multi-currency orgs); blank or absent: the configured default"),
    crm("Chorus Click ID", Need::EitherOr("Account ID"), Target::Column("click_id"), CLICK_FIELD_HELP),
    crm("Account ID", Need::EitherOr("Chorus Click ID"), Target::Column("customer_id"), "the customer: a later opportunity of an account first won through a share is credited to it"),
    crm("Chorus Kind", Need::Optional, Target::Column("kind"), KIND_FIELD_HELP),
];

#[rustfmt::skip]
const HUBSPOT_COLUMNS: &[LayoutColumn] = &[
    crm("Record ID", Need::Required, Target::Column("external_id"), "the deal's id: external_id, so a re-import skips what is stored"),
    crm("Deal Stage", Need::Required, Target::Stage, "Closed Won is a sale; any other stage (open, or Closed Lost) is a lead"),
    crm("Close Date", Need::Required, Target::ClosedAt, "when a sale happened: a click of that day or the window before counts"),
    crm("Create Date", Need::Optional, Target::CreatedAt, "when a lead happened; blank or absent: the Close Date"),
    crm("Amount", Need::Optional, Target::Column("value"), "in the deal's currency: 12500 or 12,500.00"),
    crm("Currency", Need::Optional, Target::Column("currency"), "ISO 4217 code (multi-currency portals); blank or absent: the configured default"),
    crm("Chorus Click ID", Need::EitherOr("Associated Company IDs (Primary)"), Target::Column("click_id"), CLICK_FIELD_HELP),
    crm("Associated Company IDs (Primary)", Need::EitherOr("Chorus Click ID"), Target::Column("customer_id"), "the customer: a later deal of a company first won through a share is credited to it"),
    crm("Chorus Kind", Need::Optional, Target::Column("kind"), KIND_FIELD_HELP),
];

impl Layout {
    pub const ALL: [Layout; 3] = [Layout::Chorus, Layout::Salesforce, Layout::Hubspot];

    /// `chorus`, `salesforce`, `hubspot` (any case).
    pub fn parse(value: &str) -> Option<Layout> {
        Layout::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(value.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Chorus => "chorus",
            Layout::Salesforce => "salesforce",
            Layout::Hubspot => "hubspot",
        }
    }

    /// For people: "Salesforce opportunity report", …
    pub fn title(self) -> &'static str {
        match self {
            Layout::Chorus => "Chorus columns",
            Layout::Salesforce => "Salesforce opportunity report",
            Layout::Hubspot => "HubSpot deals export",
        }
    }

    /// What a file of this layout is called in messages.
    fn file(self) -> &'static str {
        match self {
            Layout::Chorus => "a conversions file",
            Layout::Salesforce => "a Salesforce opportunity report",
            Layout::Hubspot => "a HubSpot deals export",
        }
    }

    /// The layout's columns and where each goes; [`Layout::Chorus`] maps every column
    /// of [`ImportKind::Conversions`] onto itself.
    pub fn columns(self) -> Vec<LayoutColumn> {
        match self {
            Layout::Chorus => CONVERSION_COLUMNS
                .iter()
                .map(|c| LayoutColumn {
                    column: *c,
                    target: Target::Column(c.name),
                })
                .collect(),
            Layout::Salesforce => SALESFORCE_COLUMNS.to_vec(),
            Layout::Hubspot => HUBSPOT_COLUMNS.to_vec(),
        }
    }

    /// Whether columns the layout does not name are skipped (with a warning) rather than
    /// refused: a CRM export carries many (owner, probability, …); Chorus's own files
    /// are refused for a misspelt column, as the other kinds are.
    pub fn skips_unknown_columns(self) -> bool {
        self != Layout::Chorus
    }

    /// The sample file of `docs/samples/`, which imports as it is.
    pub fn example_csv(self) -> &'static str {
        match self {
            Layout::Chorus => include_str!("../../docs/samples/conversions.csv"),
            Layout::Salesforce => include_str!("../../docs/samples/conversions-salesforce.csv"),
            Layout::Hubspot => include_str!("../../docs/samples/conversions-hubspot.csv"),
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The conversion kind of a CRM deal stage: `Closed Won` (any case; spaces, `_` and `-`
/// optional, so HubSpot's internal `closedwon` too) is a `sale`; any other stage — open,
/// or `Closed Lost` — is a `lead`: the deal was a qualified lead whether or not it was
/// won. `None` for a blank stage.
pub fn kind_of_stage(stage: &str) -> Option<&'static str> {
    let squeezed: String = stage
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    match squeezed.as_str() {
        "" => None,
        "closedwon" => Some(conversion::Kind::SALE),
        _ => Some(conversion::Kind::LEAD),
    }
}

/// What a file is read as: its kind and, for conversions, the column layout (`None`:
/// detected from the first line) and the currency of rows that name none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileFormat {
    pub kind: ImportKind,
    pub layout: Option<Layout>,
    pub default_currency: Currency,
}

impl FileFormat {
    /// `kind` with a detected layout and USD as the default currency (the
    /// configuration's own default).
    pub fn of(kind: ImportKind) -> FileFormat {
        FileFormat {
            kind,
            layout: None,
            default_currency: Currency::USD,
        }
    }
}

/// Why a file's first line was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("the file is empty; its first line must name the columns: {expected}")]
    Empty { expected: String },
    #[error("the first line has a single column {found:?}; separate columns with commas (,), not semicolons or tabs")]
    NotCommaSeparated { found: String },
    #[error("unknown column{} {}; the columns of {file} are: {expected}", plural(.names.len()), quoted(.names))]
    Unknown {
        /// "a mentions file", "a Salesforce opportunity report", …
        file: String,
        names: Vec<String>,
        expected: String,
    },
    #[error("column {name:?} appears twice")]
    Duplicate { name: String },
    #[error("missing column{} {}; the columns of {file} are: {expected}", plural(.names.len()), .names.join(", "))]
    Missing {
        file: String,
        names: Vec<String>,
        expected: String,
    },
    #[error("the columns fit several layouts ({}); choose the layout", .layouts.join(", "))]
    AmbiguousLayout { layouts: Vec<&'static str> },
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where each column of a kind (or layout) sits in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    kind: ImportKind,
    /// The layout of a conversions file; `None` for the other kinds.
    layout: Option<Layout>,
    /// The columns the file is read by: the kind's, or the layout's.
    columns: Vec<Column>,
    /// Per column: where its value goes (conversions only; empty otherwise).
    targets: Vec<Target>,
    /// Per column of `columns`: its position in the file.
    slots: Vec<Option<usize>>,
    /// The file's column names, as written (trimmed), by position.
    names: Vec<String>,
    /// Columns of the file that are skipped (unknown ones, when allowed, and unnamed ones).
    pub ignored: Vec<String>,
    default_currency: Currency,
}

impl Header {
    /// Maps the names of a file's first line onto the columns of `kind` (conversions:
    /// in the layout detected from them, [`Header::map_format`]).
    ///
    /// # Errors
    /// [`HeaderError`]: an unknown column (unless `ignore_unknown`), a column named twice,
    /// a missing required column, a line that is not comma-separated.
    pub fn map(
        kind: ImportKind,
        names: &[&str],
        ignore_unknown: bool,
    ) -> Result<Header, HeaderError> {
        Header::map_format(&FileFormat::of(kind), names, ignore_unknown)
    }

    /// Maps the names of a file's first line onto the columns of `format`. A conversions
    /// file without a chosen layout is read in the one layout whose required columns are
    /// all there; when none fits, the errors are those of the layout with the most
    /// columns recognised (Chorus's on a tie).
    ///
    /// # Errors
    /// As [`Header::map`], and [`HeaderError::AmbiguousLayout`] when several layouts fit.
    pub fn map_format(
        format: &FileFormat,
        names: &[&str],
        ignore_unknown: bool,
    ) -> Result<Header, HeaderError> {
        let kind = format.kind;
        let layout = match (kind, format.layout) {
            (ImportKind::Conversions, Some(layout)) => layout,
            (ImportKind::Conversions, None) => {
                return Header::detect(format, names, ignore_unknown)
            }
            _ => {
                return Header::map_columns(
                    kind,
                    None,
                    kind.columns().to_vec(),
                    Vec::new(),
                    format!("a {kind} file"),
                    names,
                    ignore_unknown,
                    format.default_currency,
                )
            }
        };
        let (columns, targets) = layout
            .columns()
            .into_iter()
            .map(|c| (c.column, c.target))
            .unzip();
        Header::map_columns(
            kind,
            Some(layout),
            columns,
            targets,
            layout.file().to_owned(),
            names,
            ignore_unknown || layout.skips_unknown_columns(),
            format.default_currency,
        )
    }

    fn detect(
        format: &FileFormat,
        names: &[&str],
        ignore_unknown: bool,
    ) -> Result<Header, HeaderError> {
        let mut fitting = Vec::new();
        let mut best: Option<(usize, HeaderError)> = None;
        for layout in Layout::ALL {
            let chosen = FileFormat {
                layout: Some(layout),
                ..*format
            };
            match Header::map_format(&chosen, names, ignore_unknown) {
                Ok(header) => fitting.push(header),
                Err(error) => {
                    let columns = layout.columns();
                    let known = names
                        .iter()
                        .filter(|n| {
                            columns
                                .iter()
                                .any(|c| normalize(c.column.name) == normalize(n))
                        })
                        .count();
                    if best.as_ref().is_none_or(|(most, _)| known > *most) {
                        best = Some((known, error));
                    }
                }
            }
        }
        match fitting.len() {
            1 => Ok(fitting.remove(0)),
            0 => Err(best.map_or(
                HeaderError::Empty {
                    expected: ImportKind::Conversions.expected(),
                },
                |(_, error)| error,
            )),
            _ => Err(HeaderError::AmbiguousLayout {
                layouts: fitting
                    .iter()
                    .filter_map(|h| h.layout.map(Layout::as_str))
                    .collect(),
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn map_columns(
        kind: ImportKind,
        layout: Option<Layout>,
        columns: Vec<Column>,
        targets: Vec<Target>,
        file: String,
        names: &[&str],
        ignore_unknown: bool,
        default_currency: Currency,
    ) -> Result<Header, HeaderError> {
        let expected = || expected(columns.iter());
        if names.iter().all(|n| normalize(n).is_empty()) {
            return Err(HeaderError::Empty {
                expected: expected(),
            });
        }
        if let [only] = names {
            if only.contains(';') || only.contains('\t') {
                return Err(HeaderError::NotCommaSeparated {
                    found: only.trim().to_owned(),
                });
            }
        }
        let normalized: Vec<String> = columns.iter().map(|c| normalize(c.name)).collect();
        let mut slots = vec![None; columns.len()];
        let mut unknown = Vec::new();
        let mut ignored = Vec::new();
        for (position, raw) in names.iter().enumerate() {
            let name = normalize(raw);
            if name.is_empty() {
                ignored.push(format!("column {} (no name)", position + 1));
                continue;
            }
            match normalized.iter().position(|c| *c == name) {
                Some(c) if slots[c].is_some() => {
                    return Err(HeaderError::Duplicate {
                        name: columns[c].name.to_owned(),
                    })
                }
                Some(c) => slots[c] = Some(position),
                None => unknown.push(raw.trim().to_owned()),
            }
        }
        if !unknown.is_empty() && !ignore_unknown {
            return Err(HeaderError::Unknown {
                file,
                names: unknown,
                expected: expected(),
            });
        }
        ignored.extend(unknown.into_iter().map(|n| format!("{n:?}")));
        let has = |name: &str| {
            columns
                .iter()
                .position(|c| c.name == name)
                .is_some_and(|i| slots[i].is_some())
        };
        let mut missing = Vec::new();
        for (i, column) in columns.iter().enumerate() {
            match column.need {
                Need::Required if slots[i].is_none() => missing.push(column.name.to_owned()),
                // Reported once, from the first of the pair.
                Need::EitherOr(other)
                    if slots[i].is_none()
                        && !has(other)
                        && columns.iter().position(|c| c.name == other) > Some(i) =>
                {
                    missing.push(format!("{} or {other}", column.name));
                }
                _ => {}
            }
        }
        if !missing.is_empty() {
            return Err(HeaderError::Missing {
                file,
                names: missing,
                expected: expected(),
            });
        }
        Ok(Header {
            kind,
            layout,
            columns,
            targets,
            slots,
            names: names.iter().map(|n| n.trim().to_owned()).collect(),
            ignored,
            default_currency,
        })
    }

    pub fn kind(&self) -> ImportKind {
        self.kind
    }

    /// The layout a conversions file is read in (chosen or detected).
    pub fn layout(&self) -> Option<Layout> {
        self.layout
    }

    /// How many columns the file's first line has.
    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// The name of the file's column at `position`, for messages.
    fn name_at(&self, position: usize) -> String {
        for (i, slot) in self.slots.iter().enumerate() {
            if *slot == Some(position) {
                return self.columns[i].name.to_owned();
            }
        }
        match self.names.get(position) {
            Some(n) if !n.is_empty() => n.clone(),
            _ => format!("column {}", position + 1),
        }
    }

    /// The cell of column `name` in `cells`: `None` when the file has no such column.
    fn cell<'c>(&self, cells: &[&'c str], name: &str) -> Option<&'c str> {
        let i = self.columns.iter().position(|c| c.name == name)?;
        let position = self.slots[i]?;
        Some(cells.get(position).copied().unwrap_or(""))
    }
}

/// One broken cell (or row, when `column` is `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn at(column: &str, message: impl Into<String>) -> Problem {
        Problem {
            column: Some(column.to_owned()),
            message: message.into(),
        }
    }

    pub fn row(message: impl Into<String>) -> Problem {
        Problem {
            column: None,
            message: message.into(),
        }
    }
}

/// A problem with its line number, as reports list them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// Line in the file where the row starts; the header is line 1.
    pub line: u64,
    pub column: Option<String>,
    pub message: String,
}

impl RowError {
    pub fn new(line: u64, column: Option<&str>, message: impl Into<String>) -> RowError {
        RowError {
            line,
            column: column.map(str::to_owned),
            message: message.into(),
        }
    }
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, {c}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

/// The errors of a file: every bad row counted, the first [`MAX_REPORTED_ERRORS`] kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorLog {
    pub errors: Vec<RowError>,
    /// Rows with at least one error.
    pub bad_rows: u64,
    /// Errors, kept or not.
    pub total: u64,
}

impl ErrorLog {
    pub fn add(&mut self, line: u64, problems: Vec<Problem>) {
        if problems.is_empty() {
            return;
        }
        self.bad_rows += 1;
        for p in problems {
            self.total += 1;
            if self.errors.len() < MAX_REPORTED_ERRORS {
                self.errors.push(RowError {
                    line,
                    column: p.column,
                    message: p.message,
                });
            }
        }
    }

    pub fn add_one(&mut self, line: u64, column: &str, message: impl Into<String>) {
        self.add(line, vec![Problem::at(column, message)]);
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
}

/// A share named by id, slug or both (then they must agree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareRef {
    pub id: Option<i64>,
    pub slug: Option<String>,
}

/// An employee named by id, e-mail or both (then they must agree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmployeeRef {
    pub id: Option<i64>,
    pub email: Option<Email>,
}

/// A row that passed every rule that needs no database; references (brand, share,
/// employee) are still names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    Mention(ValidMention),
    Metrics {
        share: ShareRef,
        reading: MetricsReading,
    },
    Followers {
        employee: EmployeeRef,
        reading: FollowerReading,
    },
    Case(NewCase),
    Conversion(ValidConversion),
}

/// A 64-bit fingerprint of a key (a mention's channel and external id, a case's external
/// id), so a dry run can count repeats within a file in 8 bytes per row. Collisions are
/// negligible at these sizes (about 3·10⁻⁸ for a million keys).
pub fn fingerprint(parts: &[&str]) -> u64 {
    // DefaultHasher::new() has fixed keys, so equal keys always agree within a run.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "the file is UTF-16 text; save it as CSV UTF-8 (in Excel: \"CSV UTF-8 (Comma delimited)\")"
    )]
    Utf16,
    #[error("line 1 (the column names) is not UTF-8 text; save the file as CSV UTF-8 (in Excel: \"CSV UTF-8 (Comma delimited)\")")]
    HeaderNotUtf8,
    #[error(transparent)]
    Header(#[from] HeaderError),
}

impl From<csv::Error> for FileError {
    fn from(err: csv::Error) -> FileError {
        match err.into_kind() {
            csv::ErrorKind::Io(e) => FileError::Io(e),
            // With flexible rows and byte records, nothing else can happen; keep the
            // message should a new csv version add a kind.
            other => FileError::Io(std::io::Error::other(format!("{other:?}"))),
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Appended to every file: a line break ending the last row, then a record of one NUL
/// that no CSV file has (and that is dropped).
const SENTINEL: &[u8] = b"\n\0\n";

/// A row as read: its first line in the file, and its record or what is wrong with it.
pub type ReadRow = (u64, Result<Record, Vec<Problem>>);

/// A CSV file being read row by row.
pub struct CsvFile<R: Read> {
    reader: csv::Reader<BufReader<std::io::Chain<R, &'static [u8]>>>,
    header: Header,
    record: csv::ByteRecord,
    blank_rows: u64,
}

impl<R: Read> CsvFile<R> {
    /// Reads the first line and maps it ([`Header::map`]).
    ///
    /// # Errors
    /// [`FileError`]: unreadable, UTF-16, a first line that is not UTF-8 or not a valid
    /// header for `kind`.
    pub fn open(input: R, kind: ImportKind, ignore_unknown: bool) -> Result<CsvFile<R>, FileError> {
        CsvFile::open_as(input, &FileFormat::of(kind), ignore_unknown)
    }

    /// Reads the first line and maps it onto `format` ([`Header::map_format`]).
    ///
    /// # Errors
    /// As [`CsvFile::open`].
    pub fn open_as(
        input: R,
        format: &FileFormat,
        ignore_unknown: bool,
    ) -> Result<CsvFile<R>, FileError> {
        let kind = format.kind;
        // Records end at `\n` only (a `\r` before it is trimmed with the cell), and the
        // input gets [`SENTINEL`]: then every record is terminated when it is returned, so
        // its first line is the reader's line minus one minus the line breaks inside it
        // (the csv crate's own record position is off after blank lines and with CRLF),
        // and a quote left open swallows the sentinel, which tells that case apart.
        let mut input = BufReader::with_capacity(64 * 1024, input.chain(SENTINEL));
        let start = input.fill_buf()?;
        if start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF") {
            return Err(FileError::Utf16);
        }
        if start.starts_with(UTF8_BOM) {
            input.consume(UTF8_BOM.len());
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .from_reader(input);
        let mut first = csv::ByteRecord::new();
        if !reader.read_byte_record(&mut first)? || (first.len() == 1 && &first[0] == b"\0") {
            return Err(HeaderError::Empty {
                expected: kind.expected(),
            }
            .into());
        }
        let names: Vec<&str> = first
            .iter()
            .map(std::str::from_utf8)
            .collect::<Result<_, _>>()
            .map_err(|_| FileError::HeaderNotUtf8)?;
        let header = Header::map_format(format, &names, ignore_unknown)?;
        Ok(CsvFile {
            reader,
            header,
            record: csv::ByteRecord::new(),
            blank_rows: 0,
        })
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Rows skipped so far because every cell was blank.
    pub fn blank_rows(&self) -> u64 {
        self.blank_rows
    }

    /// The next row that is not blank: its line and the checked record, or what is wrong
    /// with it. `tz` reads local times and dates; `now` (UTC) bounds future times and
    /// stands in for a blank `observed_at`.
    ///
    /// # Errors
    /// [`FileError::Io`] when the file cannot be read on.
    pub fn next_record(
        &mut self,
        tz: chrono_tz::Tz,
        now: NaiveDateTime,
    ) -> Result<Option<ReadRow>, FileError> {
        loop {
            if !self.reader.read_byte_record(&mut self.record)? {
                return Ok(None);
            }
            if self.record.len() == 1 && &self.record[0] == b"\0" {
                continue;
            }
            if self.record.iter().all(|f| f.trim_ascii().is_empty()) {
                self.blank_rows += 1;
                continue;
            }
            let breaks: usize = self.record.iter().map(|f| memchr_count(f, b'\n')).sum();
            let line = self.reader.position().line() - breaks as u64;
            let unclosed = self
                .record
                .iter()
                .next_back()
                .is_some_and(|f| f.ends_with(SENTINEL));
            if unclosed {
                return Ok(Some((
                    line,
                    Err(vec![Problem::row(
                        "a double quote opened in this row is never closed, so the rest of \
                         the file became one value",
                    )]),
                )));
            }
            return Ok(Some((line - 1, self.parse_current(tz, now))));
        }
    }

    fn parse_current(&self, tz: chrono_tz::Tz, now: NaiveDateTime) -> Result<Record, Vec<Problem>> {
        let width = self.header.width();
        let len = self.record.len();
        if len != width {
            return Err(vec![Problem::row(format!(
                "has {len} value{} where the first line names {width} column{}; a value \
                 with a comma must be in double quotes",
                plural(len),
                plural(width)
            ))]);
        }
        let mut cells = Vec::with_capacity(width);
        let mut problems = Vec::new();
        for (position, field) in self.record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(text) => cells.push(text.trim()),
                Err(_) => {
                    cells.push("");
                    problems.push(Problem::at(
                        &self.header.name_at(position),
                        "is not UTF-8 text; save the file as CSV UTF-8",
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        parse_row(&self.header, &cells, tz, now)
    }
}

fn memchr_count(haystack: &[u8], needle: u8) -> usize {
    haystack.iter().filter(|b| **b == needle).count()
}

/// Checks one row's cells (in file order) against the rules of the header's kind.
///
/// # Errors
/// Every problem found (the mention rules report the first broken field only).
pub fn parse_row(
    header: &Header,
    cells: &[&str],
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
) -> Result<Record, Vec<Problem>> {
    let cell = |name: &str| header.cell(cells, name);
    // Spreadsheets write local times with a space; forms and CSV share one reading.
    let time = |name: &str| cell(name).map(|v| record::local_input(v, tz));
    match header.kind {
        ImportKind::Conversions => conversion_row(header, cells, tz, now),
        ImportKind::Mentions => {
            let author_reach = match cell("author_reach").filter(|v| !v.is_empty()) {
                None => None,
                Some(v) => Some(
                    Count::parse(v)
                        .map_err(|e| vec![Problem::at("author_reach", e.to_string())])?
                        .get(),
                ),
            };
            let fields = MentionFields {
                brand: cell("brand").unwrap_or_default().to_owned(),
                channel: cell("channel").unwrap_or_default().to_owned(),
                author: cell("author").unwrap_or_default().to_owned(),
                text: cell("text").unwrap_or_default().to_owned(),
                occurred_at: time("occurred_at").unwrap_or_default(),
                kind: cell("kind").map(str::to_owned),
                sentiment: cell("sentiment").map(str::to_owned),
                author_reach,
                url: cell("url").map(str::to_owned),
                external_id: cell("external_id").map(str::to_owned),
            };
            mention::validate(0, &fields, tz, now)
                .map(Record::Mention)
                .map_err(|e| vec![Problem::at(e.field, e.message)])
        }
        ImportKind::Metrics => {
            let mut problems = Vec::new();
            let share = reference(
                &mut problems,
                ("share_id", cell("share_id")),
                ("slug", cell("slug")),
                |slug| Ok(slug.to_owned()),
            )
            .map(|(id, slug)| ShareRef { id, slug });
            let observed_at = time("observed_at");
            let reading = snapshot::validate_metrics(
                &MetricsInput {
                    likes: RawNumber::Text(cell("likes").unwrap_or_default()),
                    comments: RawNumber::Text(cell("comments").unwrap_or_default()),
                    reshares: RawNumber::Text(cell("reshares").unwrap_or_default()),
                    impressions: cell("impressions").map(RawNumber::Text),
                    observed_at: observed_at.as_deref(),
                },
                now,
                tz,
            );
            finish(problems, reading, |reading| {
                Some(Record::Metrics {
                    share: share?,
                    reading,
                })
            })
        }
        ImportKind::Followers => {
            let mut problems = Vec::new();
            let employee = reference(
                &mut problems,
                ("employee_id", cell("employee_id")),
                ("employee_email", cell("employee_email")),
                |email| Email::parse(email).map_err(|e| e.to_string()),
            )
            .map(|(id, email)| EmployeeRef { id, email });
            let observed_at = time("observed_at");
            let reading = snapshot::validate_followers(
                &FollowersInput {
                    network: cell("network").unwrap_or_default(),
                    followers: RawNumber::Text(cell("followers").unwrap_or_default()),
                    observed_at: observed_at.as_deref(),
                },
                now,
                tz,
            );
            finish(problems, reading, |reading| {
                Some(Record::Followers {
                    employee: employee?,
                    reading,
                })
            })
        }
        ImportKind::SupportCases => {
            let opened_at = time("opened_at").unwrap_or_default();
            let first_response_at = time("first_response_at");
            let resolved_at = time("resolved_at");
            support::validate_case(
                &CaseInput {
                    channel: cell("channel").unwrap_or_default(),
                    opened_at: &opened_at,
                    first_response_at: first_response_at.as_deref(),
                    resolved_at: resolved_at.as_deref(),
                    external_id: cell("external_id"),
                },
                now,
                tz,
            )
            .map(Record::Case)
            .map_err(|invalid| {
                invalid
                    .0
                    .into_iter()
                    .map(|e| Problem::at(e.field, e.message))
                    .collect()
            })
        }
    }
}

/// A row of a conversions file, in any layout: its cells taken to Chorus's fields by the
/// layout's [`Target`]s, then checked by `conversion::validate` (the API's rules).
/// Problems name the file's own columns (`Close Date`, not `occurred_at`).
fn conversion_row(
    header: &Header,
    cells: &[&str],
    tz: chrono_tz::Tz,
    now: NaiveDateTime,
) -> Result<Record, Vec<Problem>> {
    // Each Chorus field: the cell and the name of the file's column it came from.
    type Source<'c> = Option<(&'c str, &'static str)>;
    fn filled(source: Source<'_>) -> Source<'_> {
        source.filter(|(v, _)| !v.is_empty())
    }
    let mut kind: Source<'_> = None;
    let mut stage: Source<'_> = None;
    let mut closed_at: Source<'_> = None;
    let mut created_at: Source<'_> = None;
    let mut fields: Vec<(&'static str, &str, &'static str)> = Vec::new();
    for (i, target) in header.targets.iter().enumerate() {
        let Some(position) = header.slots[i] else {
            continue;
        };
        let value = cells.get(position).copied().unwrap_or("");
        let source = Some((value, header.columns[i].name));
        match target {
            Target::Column("kind") => kind = source,
            Target::Column(field) => fields.push((field, value, header.columns[i].name)),
            Target::Stage => stage = source,
            Target::ClosedAt => closed_at = source,
            Target::CreatedAt => created_at = source,
        }
    }
    let field = |name: &str| fields.iter().find(|f| f.0 == name).map(|f| (f.1, f.2));
    // The kind: a kind column, else the stage; Chorus's own layout has no stage.
    let (kind, kind_column) = match (filled(kind), stage) {
        (Some(given), _) => given,
        (None, Some((text, column))) => match kind_of_stage(text) {
            Some(k) => (k, column),
            None => {
                return Err(vec![Problem::at(
                    column,
                    "is blank; a Closed Won deal is a sale, any other stage a lead",
                )])
            }
        },
        (None, None) => kind.unwrap_or(("", "kind")),
    };
    // When: Chorus's `occurred_at`; in a CRM layout the close date of a sale and the
    // creation date of anything else.
    let (time, time_column) = match field("occurred_at") {
        Some(given) => given,
        None if kind == conversion::Kind::SALE => closed_at.unwrap_or(("", "occurred_at")),
        None => filled(created_at)
            .or(closed_at)
            .unwrap_or(("", "occurred_at")),
    };
    let occurred_at = record::local_input(time, tz);
    let text = |name: &str| field(name).map(|f| f.0).filter(|v| !v.is_empty());
    let input = ConversionInput {
        kind,
        value: text("value").map(Amount::Text),
        currency: text("currency"),
        click_id: text("click_id"),
        touchpoints: &[],
        external_id: text("external_id").map(str::to_owned),
        customer_id: text("customer_id").map(str::to_owned),
        occurred_at: Some(&occurred_at),
    };
    conversion::validate(&input, header.default_currency, now, tz)
        .map(Record::Conversion)
        .map_err(|invalid| {
            invalid
                .0
                .into_iter()
                .map(|e| {
                    let column = match e.field {
                        "kind" => kind_column,
                        "occurred_at" => time_column,
                        other => field(other).map_or(other, |f| f.1),
                    };
                    Problem::at(column, e.message)
                })
                .collect()
        })
}

/// Reads an id-or-alternative pair of cells (`share_id`/`slug`,
/// `employee_id`/`employee_email`): at least one must be filled; `None` (with problems
/// added) when the row names nothing or something malformed.
fn reference<T>(
    problems: &mut Vec<Problem>,
    (id_name, id_cell): (&str, Option<&str>),
    (alt_name, alt_cell): (&str, Option<&str>),
    parse_alt: impl FnOnce(&str) -> Result<T, String>,
) -> Option<(Option<i64>, Option<T>)> {
    let id_text = id_cell.filter(|v| !v.is_empty());
    let alt_text = alt_cell.filter(|v| !v.is_empty());
    if id_text.is_none() && alt_text.is_none() {
        problems.push(Problem::at(
            id_name,
            format!("give {id_name} or {alt_name}"),
        ));
        return None;
    }
    let id = match id_text {
        None => Some(None),
        Some(t) => match t.parse::<i64>() {
            Ok(n) if n > 0 => Some(Some(n)),
            _ => {
                problems.push(Problem::at(
                    id_name,
                    format!("must be a positive whole number (got {t:?})"),
                ));
                None
            }
        },
    };
    let alt = match alt_text {
        None => Some(None),
        Some(t) => match parse_alt(t) {
            Ok(v) => Some(Some(v)),
            Err(message) => {
                problems.push(Problem::at(alt_name, message));
                None
            }
        },
    };
    Some((id?, alt?))
}

/// Joins the problems found before a validation with the validation's own.
fn finish<T>(
    mut problems: Vec<Problem>,
    validated: Result<T, record::Invalid>,
    build: impl FnOnce(T) -> Option<Record>,
) -> Result<Record, Vec<Problem>> {
    match validated {
        Ok(value) if problems.is_empty() => {
            build(value).ok_or_else(|| vec![Problem::row("could not be read")])
        }
        Ok(_) => Err(problems),
        Err(invalid) => {
            problems.extend(
                invalid
                    .0
                    .into_iter()
                    .map(|e| Problem::at(e.field, e.message)),
            );
            Err(problems)
        }
    }
}

/// A catalog entry's values: (name, value) pairs.
pub type MessageArgs = Vec<(&'static str, String)>;

/// A row error's message as a catalog entry, for pages that show it in another language:
/// the key (written `forms.import-…`, `forms-import-…` in the catalogs) and its values.
/// The messages themselves stay English sentences (the CLI prints them as they are);
/// this reads back the ones Chorus writes — this module's, the shared time and count
/// rules', the import's reference checks — and `None` for any other, which a page then
/// shows as it is.
pub fn message_key(message: &str) -> Option<(&'static str, MessageArgs)> {
    let one = |key: &'static str, name: &'static str, value: &str| {
        Some((key, vec![(name, value.trim().to_owned())]))
    };
    let got = |rest: &str| rest.strip_suffix(')').map(str::to_owned);
    let m = message.trim();
    if m == "is required" {
        return Some(("forms.import-required", Vec::new()));
    }
    if let Some(v) = m.strip_prefix("must be a whole number (got ").and_then(got) {
        return one("forms.import-whole-number", "value", &v);
    }
    if let Some(v) = m.strip_prefix("must not be negative (got ").and_then(got) {
        return one("forms.import-negative", "value", &v);
    }
    if let Some(v) = m
        .strip_prefix("must be a positive whole number (got ")
        .and_then(got)
    {
        return one("forms.import-positive", "value", &v);
    }
    if let Some(rest) = m.strip_prefix("must be at most ") {
        let max = rest.split(' ').next().unwrap_or(rest);
        return one("forms.import-at-most", "max", max);
    }
    if let Some((value, _)) = m.split_once(" is not a time; ") {
        return one("forms.import-not-a-time", "value", value);
    }
    if m.starts_with("lies in the future") {
        return Some(("forms.import-future", Vec::new()));
    }
    if m.starts_with("a double quote opened in this row is never closed") {
        return Some(("forms.import-unclosed-quote", Vec::new()));
    }
    if let Some(rest) = m.strip_prefix("has ") {
        if let Some((values, names)) = rest.split_once(" where the first line names ") {
            let number = |s: &str| s.split(' ').next().unwrap_or("").to_owned();
            return Some((
                "forms.import-width",
                vec![("got", number(values)), ("want", number(names))],
            ));
        }
    }
    if m.starts_with("is not UTF-8 text") {
        return Some(("forms.import-not-utf8", Vec::new()));
    }
    if let Some((a, b)) = m.strip_prefix("give ").and_then(|r| r.split_once(" or ")) {
        return Some((
            "forms.import-give-either",
            vec![("a", a.to_owned()), ("b", b.to_owned())],
        ));
    }
    if m.starts_with("is blank; a Closed Won deal") {
        return Some(("forms.import-stage-blank", Vec::new()));
    }
    if let Some(rest) = m.strip_prefix("unknown network ") {
        return one(
            "forms.import-network",
            "value",
            rest.split(';').next().unwrap_or(rest),
        );
    }
    if let Some(v) = m.strip_suffix(" is not a valid e-mail address") {
        return one("forms.import-email", "value", v);
    }
    if let Some((v, _)) = m.split_once(" is not an ISO 4217 currency code") {
        return one("forms.import-currency", "value", v);
    }
    if let Some((v, _)) = m.split_once(" is not an amount;") {
        return one("forms.import-amount", "value", v);
    }
    if m.starts_with("kind must be lead, signup, sale") {
        let v = m.rsplit_once("(got ").and_then(|(_, r)| got(r));
        return one("forms.import-kind", "value", &v.unwrap_or_default());
    }
    if m.starts_with("must be 1 to ") && m.contains(" such as linkedin, x or news") {
        let v = m.rsplit_once("(got ").and_then(|(_, r)| got(r));
        return one("forms.import-channel", "value", &v.unwrap_or_default());
    }
    if m == "name a brand" {
        return Some(("forms.import-brand-missing", Vec::new()));
    }
    if m == "must not be empty" {
        return Some(("forms.import-empty", Vec::new()));
    }
    if let Some(rest) = m.strip_prefix("at most ") {
        let max = rest.split(' ').next().unwrap_or(rest);
        return one("forms.import-at-most-chars", "max", max);
    }
    if let Some((v, _)) = m.split_once(" is in the future; ") {
        return one("forms.import-mention-future", "value", v);
    }
    if let Some(v) = m
        .strip_prefix("must be \"post\" or \"comment\" (got ")
        .and_then(got)
    {
        return one("forms.import-mention-kind", "value", &v);
    }
    if let Some(v) = m
        .strip_prefix("must be \"positive\", \"neutral\" or \"negative\" (got ")
        .and_then(got)
    {
        return one("forms.import-sentiment", "value", &v);
    }
    if let Some(rest) = m.strip_prefix("no brand named ") {
        let name = rest.split("; ").next().unwrap_or(rest);
        return one("forms.import-no-brand", "name", name);
    }
    for (what, key_id, key_alt) in [
        (
            "share",
            "forms.import-no-share-id",
            "forms.import-no-share-alt",
        ),
        (
            "employee",
            "forms.import-no-employee-id",
            "forms.import-no-employee-alt",
        ),
    ] {
        let Some(rest) = m
            .strip_prefix("no ")
            .and_then(|r| r.strip_prefix(what))
            .and_then(|r| r.strip_prefix(' '))
        else {
            continue;
        };
        if let Some((column, value)) = rest.strip_prefix("with ").and_then(|r| r.split_once(' ')) {
            return Some((
                key_alt,
                vec![("column", column.to_owned()), ("value", value.to_owned())],
            ));
        }
        if rest.bytes().all(|b| b.is_ascii_digit()) {
            return one(key_id, "id", rest);
        }
    }
    if m == "could not be read" {
        return Some(("forms.import-unreadable", Vec::new()));
    }
    if let Some(column) = m
        .strip_prefix("column ")
        .and_then(|r| r.strip_suffix(" is not imported"))
    {
        return one("forms.import-column-ignored", "column", column);
    }
    // `"x@y.co" is employee 7, not employee 9 as employee_id says`
    if let Some((value, rest)) = m.split_once(" is ") {
        let mut words = rest.split(' ');
        if let (Some(what), Some(found), Some("not"), Some(_), Some(id), Some("as"), Some(column)) = (
            words.next(),
            words.next().map(|w| w.trim_end_matches(',')),
            words.next(),
            words.next(),
            words.next(),
            words.next(),
            words.next(),
        ) {
            let key = match what {
                "share" => Some("forms.import-share-mismatch"),
                "employee" => Some("forms.import-employee-mismatch"),
                _ => None,
            };
            if let (Some(key), Some("says"), None) = (key, words.next(), words.next()) {
                return Some((
                    key,
                    vec![
                        ("value", value.to_owned()),
                        ("found", found.to_owned()),
                        ("id", id.to_owned()),
                        ("column", column.to_owned()),
                    ],
                ));
            }
        }
    }
    None
}

/// A row error that wraps another one (the import's second look at a row): the
/// catalog entry for the wrapper (its `$problem` is the inner message, itself shown
/// through [`message_key`]), its other values, and the inner message.
pub fn message_wrapper(message: &str) -> Option<(&'static str, MessageArgs, &str)> {
    let m = message.trim();
    if let Some(inner) = m.strip_suffix(" (it changed during the import)") {
        return Some(("forms.import-changed", Vec::new(), inner));
    }
    if let Some((inner, external_id)) =
        m.split_once(" once merged with the case stored under external_id ")
    {
        return Some((
            "forms.import-merged-case",
            vec![("external_id", external_id.to_owned())],
            inner,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mention::{MentionKind, Sentiment};
    use crate::domain::network::Network;

    fn utc(s: &str) -> NaiveDateTime {
        chrono::DateTime::parse_from_rfc3339(s).unwrap().naive_utc()
    }

    const NOW: &str = "2026-03-10T12:00:00Z";

    /// Every row of `text` read as `kind`: (line, record or problems).
    fn read(kind: ImportKind, text: &[u8]) -> Result<Vec<ReadRow>, FileError> {
        let mut file = CsvFile::open(text, kind, false)?;
        let mut out = Vec::new();
        while let Some(row) = file.next_record(chrono_tz::Asia::Seoul, utc(NOW))? {
            out.push(row);
        }
        Ok(out)
    }

    fn mention_of(row: &ReadRow) -> &ValidMention {
        match &row.1 {
            Ok(Record::Mention(m)) => m,
            other => panic!("not a mention: {other:?}"),
        }
    }

    fn problems_of(row: &ReadRow) -> Vec<(Option<&str>, &str)> {
        match &row.1 {
            Err(p) => p
                .iter()
                .map(|p| (p.column.as_deref(), p.message.as_str()))
                .collect(),
            Ok(r) => panic!("expected problems, got {r:?}"),
        }
    }

    #[test]
    fn header_names_are_matched_loosely_in_any_order() {
        let h = Header::map(
            ImportKind::Mentions,
            &[
                " Occurred At ",
                "TEXT",
                "author",
                "Channel",
                "brand",
                "external-id",
            ],
            false,
        )
        .unwrap();
        let cells = ["2026-03-01", "hi", "kim", "x", "Acme", "9"];
        assert_eq!(h.cell(&cells, "occurred_at"), Some("2026-03-01"));
        assert_eq!(h.cell(&cells, "external_id"), Some("9"));
        assert_eq!(h.cell(&cells, "url"), None, "absent column");
        assert!(h.ignored.is_empty());
    }

    #[test]
    fn unknown_missing_and_duplicate_columns_are_refused() {
        let err = Header::map(
            ImportKind::Mentions,
            &[
                "brand",
                "channel",
                "author",
                "text",
                "occurred_at",
                "sentimnet",
            ],
            false,
        )
        .unwrap_err();
        assert!(matches!(&err, HeaderError::Unknown { names, .. } if names == &["sentimnet"]));
        let message = err.to_string();
        assert!(
            message.starts_with(
                "unknown column \"sentimnet\"; the columns of a mentions file are: brand, channel"
            ),
            "{message}"
        );
        assert!(
            message.contains("sentiment"),
            "lists what is expected: {message}"
        );

        let allowed = Header::map(
            ImportKind::Mentions,
            &[
                "brand",
                "channel",
                "author",
                "text",
                "occurred_at",
                "sentimnet",
                "",
            ],
            true,
        )
        .unwrap();
        assert_eq!(allowed.ignored, ["column 7 (no name)", "\"sentimnet\""]);

        let err = Header::map(ImportKind::Mentions, &["brand", "text"], false).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "missing columns channel, author, occurred_at; the columns of a mentions file are: {}",
                ImportKind::Mentions.expected()
            )
        );
        let err = Header::map(
            ImportKind::Metrics,
            &["likes", "comments", "reshares"],
            false,
        )
        .unwrap_err();
        assert!(
            matches!(&err, HeaderError::Missing { names, .. } if names == &["share_id or slug"])
        );
        assert!(Header::map(
            ImportKind::Metrics,
            &["slug", "likes", "comments", "reshares"],
            false
        )
        .is_ok());
        assert_eq!(
            Header::map(ImportKind::Followers, &["network", "Network"], false).unwrap_err(),
            HeaderError::Duplicate {
                name: "network".into()
            }
        );
        assert!(matches!(
            Header::map(
                ImportKind::Metrics,
                &["share_id;likes;comments;reshares"],
                false
            ),
            Err(HeaderError::NotCommaSeparated { .. })
        ));
    }

    #[test]
    fn empty_files_and_bad_encodings_are_refused() {
        assert!(matches!(
            read(ImportKind::Mentions, b""),
            Err(FileError::Header(HeaderError::Empty { .. }))
        ));
        assert!(matches!(
            read(ImportKind::Mentions, b"\xEF\xBB\xBF"),
            Err(FileError::Header(HeaderError::Empty { .. }))
        ));
        assert!(matches!(
            read(ImportKind::Mentions, b"\xFF\xFEb\0r\0"),
            Err(FileError::Utf16)
        ));
        assert!(matches!(
            read(
                ImportKind::Followers,
                b"employee_id,network,followers,\xB1\xDB\n"
            ),
            Err(FileError::HeaderNotUtf8)
        ));
        assert!(
            read(ImportKind::Followers, b"employee_id,network,followers\n")
                .unwrap()
                .is_empty()
        );
    }

    const MENTIONS: &str = "brand,channel,author,text,occurred_at,sentiment,external_id\n";

    #[test]
    fn a_bom_quoted_commas_newlines_and_korean_text() {
        let text = format!(
            "\u{feff}{MENTIONS}\
             Acme,x,@kim,\"Acme의 새 기능, 정말 좋아요!\",2026-03-01T09:30:00+09:00,,1\n\
             Acme,naver_blog,이서연,\"배송이 늦었어요.\n그래도 \"\"괜찮\"\"습니다.\",2026-03-01 14:05,negative,nb-7\r\n\
             \n\
             , , ,,,,\n\
             acme,news,Daily,Short,2026-03-02,,\n"
        );
        let rows = read(ImportKind::Mentions, text.as_bytes()).unwrap();
        assert_eq!(rows.iter().map(|r| r.0).collect::<Vec<_>>(), [2, 3, 7]);
        let first = mention_of(&rows[0]);
        assert_eq!(
            first.brand, "Acme",
            "the BOM is not part of the first column"
        );
        assert_eq!(first.text, "Acme의 새 기능, 정말 좋아요!");
        assert_eq!(first.sentiment, None);
        assert_eq!(first.external_id.as_deref(), Some("1"));
        let second = mention_of(&rows[1]);
        assert_eq!(second.text, "배송이 늦었어요.\n그래도 \"괜찮\"습니다.");
        assert_eq!(second.author, "이서연");
        assert_eq!(second.sentiment, Some(Sentiment::Negative));
        assert_eq!(second.kind, MentionKind::Post);
        assert_eq!(
            second.occurred_at,
            utc("2026-03-01T05:05:00Z"),
            "a spreadsheet's local time, in the configured zone"
        );
        assert_eq!(
            mention_of(&rows[2]).occurred_at,
            utc("2026-03-01T15:00:00Z")
        );
    }

    #[test]
    fn rows_are_reported_by_their_first_line() {
        let text = format!(
            "{MENTIONS}\
             Acme,x,@kim,\"one\ntwo\nthree\",2026-03-01,,\n\
             Acme,x,@kim,fine,yesterday,,\n\
             Acme,x,@kim,an, unquoted comma,2026-03-01,,\n\
             Acme,x,@kim,CP949,2026-03-01,,\n\
             Acme,x,@kim,fine,2026-03-01,good,\n\
             Acme,x,@kim,fine,2026-03-01\n\
             Acme,x,@kim,\"open,2026-03-01,,\n\
             Acme,x,@kim,fine,2026-03-01,,\n"
        );
        // 한 in CP949, what Korean Excel writes by default.
        let text = text.replace("CP949", "\u{1}").into_bytes();
        let text: Vec<u8> = text
            .into_iter()
            .flat_map(|b| if b == 1 { vec![0xC7, 0xD1] } else { vec![b] })
            .collect();
        let rows = read(ImportKind::Mentions, &text).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            [2, 5, 6, 7, 8, 9, 10]
        );
        assert!(problems_of(&rows[6])[0].1.contains("never closed"));
        assert!(rows[0].1.is_ok());
        assert_eq!(problems_of(&rows[1])[0].0, Some("occurred_at"));
        let shifted = problems_of(&rows[2]);
        assert_eq!(shifted[0].0, None);
        assert!(shifted[0]
            .1
            .starts_with("has 8 values where the first line names 7 columns"));
        assert_eq!(
            problems_of(&rows[3]),
            [(
                Some("text"),
                "is not UTF-8 text; save the file as CSV UTF-8"
            )]
        );
        assert_eq!(problems_of(&rows[4])[0].0, Some("sentiment"));
        assert_eq!(problems_of(&rows[5])[0].0, None, "too few values");
    }

    #[test]
    fn unnamed_trailing_columns_are_ignored_with_a_note() {
        let text = "brand,channel,author,text,occurred_at,\r\nAcme,x,@kim,hi,2026-03-01,\r\n";
        let mut file = CsvFile::open(text.as_bytes(), ImportKind::Mentions, false).unwrap();
        assert_eq!(file.header().ignored, ["column 6 (no name)"]);
        let (line, record) = file.next_record(chrono_tz::UTC, utc(NOW)).unwrap().unwrap();
        assert_eq!(line, 2);
        assert_eq!(
            mention_of(&(line, record)).text,
            "hi",
            "CRLF endings are trimmed"
        );
    }

    #[test]
    fn mention_rules_are_the_apis() {
        let text = "brand,channel,author,text,occurred_at,author_reach,url,kind\n\
             ,x,a,t,2026-03-01,,,\n\
             Acme,Linked In,a,t,2026-03-01,,,\n\
             Acme,x,a,t,2026-03-12T00:00:00Z,,,\n\
             Acme,x,a,t,2026-03-01,\"1,200\",,\n\
             Acme,x,a,t,2026-03-01,-5,,\n\
             Acme,x,a,t,2026-03-01,,ftp://x,\n\
             Acme,x,a,t,2026-03-01,,,reply\n";
        let rows = read(ImportKind::Mentions, text.as_bytes()).unwrap();
        let columns: Vec<Option<&str>> = rows
            .iter()
            .map(|r| match &r.1 {
                Ok(_) => None,
                Err(p) => p[0].column.as_deref(),
            })
            .collect();
        assert_eq!(
            columns,
            [
                Some("brand"),
                Some("channel"),
                Some("occurred_at"),
                None,
                Some("author_reach"),
                Some("url"),
                Some("kind")
            ]
        );
        assert_eq!(mention_of(&rows[3]).author_reach, Some(1200));
    }

    #[test]
    fn metrics_rows() {
        let text = "Share_ID,slug,likes,comments,reshares,impressions,observed_at\n\
                    7,,10,2,\"1,000\",,2026-03-09\n\
                    ,abc123,0,0,0,500,\n\
                    7,abc123,1,1,1,,2026-03-09T10:00:00Z\n\
                    ,,1,1,1,,\n\
                    x,,-1,many,0,,2026-04-01\n";
        let rows = read(ImportKind::Metrics, text.as_bytes()).unwrap();
        match &rows[0].1 {
            Ok(Record::Metrics { share, reading }) => {
                assert_eq!(
                    share,
                    &ShareRef {
                        id: Some(7),
                        slug: None
                    }
                );
                assert_eq!(reading.reshares.get(), 1000);
                assert_eq!(reading.impressions, None, "blank is unknown, not 0");
                assert_eq!(reading.observed_at, utc("2026-03-08T15:00:00Z"));
            }
            other => panic!("{other:?}"),
        }
        match &rows[1].1 {
            Ok(Record::Metrics { share, reading }) => {
                assert_eq!(share.slug.as_deref(), Some("abc123"));
                assert_eq!(
                    reading.observed_at,
                    utc(NOW),
                    "blank: the time of the import"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(
            rows[2].1.is_ok(),
            "both references: checked against each other later"
        );
        assert_eq!(
            problems_of(&rows[3]),
            [(Some("share_id"), "give share_id or slug")]
        );
        let columns: Vec<Option<&str>> = problems_of(&rows[4]).iter().map(|p| p.0).collect();
        assert_eq!(
            columns,
            [
                Some("share_id"),
                Some("likes"),
                Some("comments"),
                Some("observed_at")
            ],
            "every broken cell of the row"
        );
    }

    #[test]
    fn follower_rows() {
        let text = "employee_email,network,followers,observed_at,employee_id\n\
                    Kim@Example.com,linkedin,\"1,250\",2026-03-01,\n\
                    ,x,3,,12\n\
                    not-an-email,LinkedIn,-1,,\n";
        let rows = read(ImportKind::Followers, text.as_bytes()).unwrap();
        match &rows[0].1 {
            Ok(Record::Followers { employee, reading }) => {
                assert_eq!(
                    employee.email.as_ref().map(Email::as_str),
                    Some("kim@example.com")
                );
                assert_eq!(reading.network, Network::Linkedin);
                assert_eq!(reading.followers.get(), 1250);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            matches!(&rows[1].1, Ok(Record::Followers { employee, .. }) if employee.id == Some(12))
        );
        let columns: Vec<Option<&str>> = problems_of(&rows[2]).iter().map(|p| p.0).collect();
        assert_eq!(
            columns,
            [Some("employee_email"), Some("network"), Some("followers")]
        );
    }

    #[test]
    fn support_case_rows() {
        let text = "channel,opened_at,first_response_at,resolved_at,external_id\n\
                    Twitter,2026-03-01 09:00,2026-03-01 09:20,,zd-1\n\
                    twitter,2026-03-01T09:00:00Z,2026-03-01T08:00:00Z,,\n\
                    ,,,,\"\"\n\
                    a b,soon,,,\n";
        let rows = read(ImportKind::SupportCases, text.as_bytes()).unwrap();
        match &rows[0].1 {
            Ok(Record::Case(case)) => {
                assert_eq!(case.channel.as_str(), "twitter");
                assert_eq!(case.times.opened_at, utc("2026-03-01T00:00:00Z"));
                assert_eq!(case.times.first_response_seconds(), Some(1200));
                assert_eq!(case.external_id.as_deref(), Some("zd-1"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            problems_of(&rows[1]),
            [(Some("first_response_at"), "must not be before opened_at")]
        );
        assert_eq!(rows.len(), 3, "a row of blank cells is skipped");
        let columns: Vec<Option<&str>> = problems_of(&rows[2]).iter().map(|p| p.0).collect();
        assert_eq!(columns, [Some("channel"), Some("opened_at")]);
    }

    #[test]
    fn every_example_file_reads_cleanly() {
        for kind in ImportKind::ALL {
            let example = kind.example_csv();
            let rows = read(kind, example.as_bytes()).unwrap();
            assert!(rows.len() >= 2, "{kind}");
            for row in rows {
                assert!(row.1.is_ok(), "{kind} line {}: {:?}", row.0, row.1);
            }
            assert_eq!(ImportKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(
            ImportKind::parse("support_cases"),
            Some(ImportKind::SupportCases)
        );
        assert_eq!(ImportKind::parse("clicks"), None);
    }

    /// Every row of `text` read as conversions in `layout` (`None`: detected), with EUR as
    /// the default currency; the layout read in comes first.
    fn conversions(
        layout: Option<Layout>,
        text: &str,
    ) -> Result<(Option<Layout>, Vec<ReadRow>), FileError> {
        let format = FileFormat {
            kind: ImportKind::Conversions,
            layout,
            default_currency: Currency::parse("EUR").unwrap(),
        };
        let mut file = CsvFile::open_as(text.as_bytes(), &format, false)?;
        let mut out = Vec::new();
        while let Some(row) = file.next_record(chrono_tz::Asia::Seoul, utc(NOW))? {
            out.push(row);
        }
        Ok((file.header().layout(), out))
    }

    fn conversion_of(row: &ReadRow) -> &ValidConversion {
        match &row.1 {
            Ok(Record::Conversion(c)) => c,
            other => panic!("not a conversion: {other:?}"),
        }
    }

    fn value_of(c: &ValidConversion) -> Option<i64> {
        c.value_cents.map(conversion::ValueCents::get)
    }

    #[test]
    fn conversion_rows_follow_the_apis_rules() {
        let text = "kind,occurred_at,value,currency,external_id,click_id,customer_id\n\
                    sale,2026-03-01 09:30,\"1,250.50\",usd,order-1,Xq7pZ2mK9sT4vB8n,cust-1\n\
                    lead,2026-03-02,,,,,cust-1\n\
                    Sale,soon,\"12,50\",,,,\n\
                    sale,2026-03-01,10,EURO,,,\n\
                    signup,,,,,,\n\
                    demo_request,2026-03-01T00:00:00Z,-3,JPY,,,\n";
        let (layout, rows) = conversions(None, text).unwrap();
        assert_eq!(layout, Some(Layout::Chorus));
        let sale = conversion_of(&rows[0]);
        assert_eq!(sale.kind.as_str(), "sale");
        assert_eq!(value_of(sale), Some(125_050));
        assert_eq!(sale.currency.code(), "USD");
        assert_eq!(sale.external_id.as_deref(), Some("order-1"));
        assert_eq!(sale.customer_id.as_deref(), Some("cust-1"));
        assert_eq!(sale.touches.len(), 1);
        assert_eq!(
            sale.occurred_at,
            utc("2026-03-01T00:30:00Z"),
            "a spreadsheet's local time"
        );
        assert_eq!(sale.judged_at, sale.occurred_at);
        let lead = conversion_of(&rows[1]);
        assert_eq!(lead.currency.code(), "EUR", "blank: the default currency");
        assert!(lead.touches.is_empty() && lead.external_id.is_none());
        assert_eq!(lead.occurred_at, utc("2026-03-01T15:00:00Z"));
        assert_eq!(
            lead.judged_at,
            utc("2026-03-02T15:00:00Z"),
            "a date counts to its end"
        );
        assert_eq!(
            problems_of(&rows[2])
                .iter()
                .map(|p| p.0)
                .collect::<Vec<_>>(),
            [Some("kind"), Some("value"), Some("occurred_at")]
        );
        assert_eq!(
            problems_of(&rows[3]),
            [(
                Some("currency"),
                "\"EURO\" is not an ISO 4217 currency code such as EUR or USD"
            )]
        );
        assert_eq!(
            problems_of(&rows[4]),
            [(
                Some("occurred_at"),
                "is blank; give the time of the conversion (RFC 3339, or a date such as 2026-03-01)"
            )]
        );
        assert_eq!(
            problems_of(&rows[5]),
            [(Some("value"), "must not be negative (got -3)")],
            "a custom kind is fine"
        );

        let err = conversions(None, "kind,occurred_at\nsale,2026-03-01\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("missing column click_id or customer_id; the columns of a conversions file are: click_id or customer_id (one of them); kind, occurred_at (required)"),
            "{err}"
        );
    }

    #[test]
    fn stages_become_kinds() {
        assert_eq!(kind_of_stage("Closed Won"), Some("sale"));
        assert_eq!(
            kind_of_stage("closedwon"),
            Some("sale"),
            "HubSpot's internal name"
        );
        assert_eq!(kind_of_stage(" CLOSED-WON "), Some("sale"));
        for lead in [
            "Closed Lost",
            "Prospecting",
            "Negotiation/Review",
            "appointmentscheduled",
        ] {
            assert_eq!(kind_of_stage(lead), Some("lead"), "{lead}");
        }
        assert_eq!(kind_of_stage("  "), None);
    }

    #[test]
    fn the_layout_table_maps_onto_chorus_columns() {
        let chorus: Vec<&str> = ImportKind::Conversions
            .columns()
            .iter()
            .map(|c| c.name)
            .collect();
        for layout in Layout::ALL {
            let columns = layout.columns();
            let targets: Vec<Target> = columns.iter().map(|c| c.target).collect();
            for target in &targets {
                if let Target::Column(name) = target {
                    assert!(chorus.contains(name), "{layout}: {name}");
                }
            }
            let fills = |name: &'static str| targets.contains(&Target::Column(name));
            for name in [
                "value",
                "currency",
                "external_id",
                "click_id",
                "customer_id",
                "kind",
            ] {
                assert!(fills(name), "{layout} fills {name}");
            }
            let mut names: Vec<String> = columns.iter().map(|c| normalize(c.column.name)).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), columns.len(), "{layout}: names are distinct");
            assert_eq!(Layout::parse(&layout.as_str().to_uppercase()), Some(layout));
            // Every either-or names a column of the same layout.
            for c in &columns {
                if let Need::EitherOr(other) = c.column.need {
                    assert!(columns.iter().any(|o| o.column.name == other), "{other}");
                }
            }
            if layout == Layout::Chorus {
                assert!(fills("occurred_at"));
                assert_eq!(columns.len(), chorus.len());
            } else {
                for t in [Target::Stage, Target::ClosedAt, Target::CreatedAt] {
                    assert!(targets.contains(&t), "{layout}: {t:?}");
                }
            }
        }
        let header = |layout: Layout, name: &'static str| {
            layout
                .columns()
                .into_iter()
                .find(|c| c.target == Target::Column(name))
                .map(|c| c.column.name)
        };
        assert_eq!(
            header(Layout::Salesforce, "external_id"),
            Some("Opportunity ID")
        );
        assert_eq!(header(Layout::Salesforce, "value"), Some("Amount"));
        assert_eq!(
            header(Layout::Salesforce, "currency"),
            Some("Opportunity Currency")
        );
        assert_eq!(
            header(Layout::Salesforce, "click_id"),
            Some("Chorus Click ID")
        );
        assert_eq!(
            header(Layout::Salesforce, "customer_id"),
            Some("Account ID")
        );
        assert_eq!(header(Layout::Hubspot, "external_id"), Some("Record ID"));
        assert_eq!(header(Layout::Hubspot, "currency"), Some("Currency"));
        assert_eq!(
            header(Layout::Hubspot, "customer_id"),
            Some("Associated Company IDs (Primary)")
        );
        assert_eq!(Layout::parse("excel"), None);
    }

    #[test]
    fn layouts_are_detected_from_the_first_line() {
        for layout in Layout::ALL {
            let (detected, rows) = conversions(None, layout.example_csv()).unwrap();
            assert_eq!(detected, Some(layout));
            assert_eq!(rows.len(), 4, "{layout}");
            for row in &rows {
                assert!(row.1.is_ok(), "{layout} line {}: {:?}", row.0, row.1);
            }
        }
        // Other columns of an export are skipped, with a note each.
        let file = CsvFile::open_as(
            Layout::Salesforce.example_csv().as_bytes(),
            &FileFormat::of(ImportKind::Conversions),
            false,
        )
        .unwrap();
        assert_eq!(
            file.header().ignored,
            [
                "\"Opportunity Owner\"",
                "\"Account Name\"",
                "\"Opportunity Name\"",
                "\"Probability (%)\""
            ]
        );
        // A chosen layout is not second-guessed.
        let err = conversions(Some(Layout::Hubspot), Layout::Salesforce.example_csv()).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "missing columns Record ID, Deal Stage; the columns of a HubSpot deals export are"
            ),
            "{err}"
        );
        // Nothing fits: the errors of the closest layout.
        let err = conversions(
            None,
            "Opportunity ID,Close Date,Account ID\nx,2026-03-01,a\n",
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "missing column Stage; the columns of a Salesforce opportunity report are"
            ),
            "{err}"
        );
        let err = conversions(None, "kind,occurred_at,click_id,sentimnet\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unknown column \"sentimnet\"; the columns of a conversions file are"),
            "{err}"
        );
        // Both layouts' columns: the file must say which it is.
        let both = "kind,occurred_at,click_id,Opportunity ID,Stage,Close Date,Account ID\n";
        let format = FileFormat::of(ImportKind::Conversions);
        assert!(matches!(
            CsvFile::open_as(both.as_bytes(), &format, true),
            Err(FileError::Header(HeaderError::AmbiguousLayout { layouts })) if layouts == ["chorus", "salesforce"]
        ));
        let chosen = FileFormat {
            layout: Some(Layout::Chorus),
            ..format
        };
        assert!(CsvFile::open_as(both.as_bytes(), &chosen, true).is_ok());
    }

    #[test]
    fn crm_rows_become_conversions_by_the_table() {
        let (_, rows) = conversions(None, Layout::Salesforce.example_csv()).unwrap();
        let won = conversion_of(&rows[0]);
        assert_eq!(won.kind.as_str(), "sale", "Closed Won");
        assert_eq!(value_of(won), Some(4_800_000));
        assert_eq!(won.currency.code(), "EUR");
        assert_eq!(won.external_id.as_deref(), Some("0068d00000Kx3TqAAJ"));
        assert_eq!(won.customer_id.as_deref(), Some("0018d00000Pq7LmAAJ"));
        assert_eq!(won.touches[0].as_str(), "Xq7pZ2mK9sT4vB8n");
        assert_eq!(
            won.occurred_at,
            utc("2026-03-11T15:00:00Z"),
            "the Close Date"
        );
        assert_eq!(won.judged_at, utc("2026-03-12T15:00:00Z"), "to its end");
        let open = conversion_of(&rows[1]);
        assert_eq!(open.kind.as_str(), "lead", "an open stage");
        assert_eq!(
            open.occurred_at,
            utc("2026-03-15T15:00:00Z"),
            "the Created Date"
        );
        assert!(open.touches.is_empty());
        let lost = conversion_of(&rows[2]);
        assert_eq!(lost.kind.as_str(), "lead", "Closed Lost");
        assert_eq!(
            (value_of(lost), lost.currency.code()),
            (Some(720_000), "USD")
        );
        assert_eq!(value_of(conversion_of(&rows[3])), None);

        let (_, rows) = conversions(None, Layout::Hubspot.example_csv()).unwrap();
        let won = conversion_of(&rows[0]);
        assert_eq!(won.kind.as_str(), "sale");
        assert_eq!(won.external_id.as_deref(), Some("15873920114"));
        assert_eq!(won.customer_id.as_deref(), Some("9876543210"));
        assert_eq!(
            won.occurred_at,
            utc("2026-03-12T07:20:00Z"),
            "local Close Date"
        );
        assert_eq!(won.judged_at, won.occurred_at, "a time, not a day");
        let open = conversion_of(&rows[1]);
        assert_eq!(
            (open.kind.as_str(), open.occurred_at),
            ("lead", utc("2026-03-16T00:00:00Z")),
            "no Close Date: the Create Date"
        );
        assert_eq!(value_of(conversion_of(&rows[3])), Some(300_000));

        // Problems name the export's columns; a kind column overrides the stage.
        let text = "Opportunity ID,Stage,Close Date,Created Date,Amount,Account ID,Chorus Kind\n\
                    o-1,Closed Won,14/03/2026,,\"1.234,56\",a-1,\n\
                    o-2,,2026-03-01,,,a-1,\n\
                    o-3,Prospecting,,yesterday,,a-1,\n\
                    o-4,Prospecting,2026-03-05,2026-03-01,,a-1,signup\n\
                    o-5,Closed Won,2026-03-05,,,a-1,Sale\n";
        let (layout, rows) = conversions(None, text).unwrap();
        assert_eq!(layout, Some(Layout::Salesforce));
        assert_eq!(
            problems_of(&rows[0])
                .iter()
                .map(|p| p.0)
                .collect::<Vec<_>>(),
            [Some("Amount"), Some("Close Date")]
        );
        assert_eq!(problems_of(&rows[1])[0].0, Some("Stage"));
        assert_eq!(problems_of(&rows[2])[0].0, Some("Created Date"));
        let signup = conversion_of(&rows[3]);
        assert_eq!(signup.kind.as_str(), "signup");
        assert_eq!(
            signup.occurred_at,
            utc("2026-02-28T15:00:00Z"),
            "not a sale: created"
        );
        assert_eq!(problems_of(&rows[4])[0].0, Some("Chorus Kind"));
    }

    #[test]
    fn the_error_log_counts_everything_and_keeps_the_first() {
        let mut log = ErrorLog::default();
        for line in 2..(MAX_REPORTED_ERRORS as u64 + 12) {
            log.add(
                line,
                vec![Problem::at("likes", "bad"), Problem::at("comments", "bad")],
            );
        }
        assert_eq!(log.bad_rows, MAX_REPORTED_ERRORS as u64 + 10);
        assert_eq!(log.total, 2 * (MAX_REPORTED_ERRORS as u64 + 10));
        assert_eq!(log.errors.len(), MAX_REPORTED_ERRORS);
        assert_eq!(log.errors[0].to_string(), "line 2, likes: bad");
        assert_eq!(
            RowError::new(9, None, "has 2 values").to_string(),
            "line 9: has 2 values"
        );
    }

    #[test]
    fn fingerprints_tell_keys_apart() {
        assert_eq!(fingerprint(&["x", "1"]), fingerprint(&["x", "1"]));
        assert_ne!(fingerprint(&["x", "1"]), fingerprint(&["x1", ""]));
        assert_ne!(fingerprint(&["x", "1"]), fingerprint(&["y", "1"]));
    }

    /// The page shows row errors through the catalogs; the CLI keeps these sentences.
    #[test]
    fn row_messages_read_back_as_catalog_entries() {
        let key = message_key;
        assert_eq!(key("is required"), Some(("forms.import-required", vec![])));
        assert_eq!(
            key("must not be negative (got -3)"),
            Some(("forms.import-negative", vec![("value", "-3".to_owned())]))
        );
        assert_eq!(
            key("\"soon\" is not a time; use RFC 3339 (2026-03-01T12:00:00Z) or a date (2026-03-01)"),
            Some(("forms.import-not-a-time", vec![("value", "\"soon\"".to_owned())]))
        );
        assert_eq!(
            key("has 3 values where the first line names 5 columns; a value with a comma must be in double quotes"),
            Some((
                "forms.import-width",
                vec![("got", "3".to_owned()), ("want", "5".to_owned())]
            ))
        );
        assert_eq!(
            key("give share_id or slug"),
            Some((
                "forms.import-give-either",
                vec![("a", "share_id".to_owned()), ("b", "slug".to_owned())]
            ))
        );
        assert_eq!(
            key("no brand named \"Initech\"; add it on the Brands page first"),
            Some((
                "forms.import-no-brand",
                vec![("name", "\"Initech\"".to_owned())]
            ))
        );
        assert_eq!(
            key("no share 42"),
            Some(("forms.import-no-share-id", vec![("id", "42".to_owned())]))
        );
        assert_eq!(
            key("no employee with employee_email \"a@b.co\""),
            Some((
                "forms.import-no-employee-alt",
                vec![
                    ("column", "employee_email".to_owned()),
                    ("value", "\"a@b.co\"".to_owned())
                ]
            ))
        );
        assert_eq!(
            key("must be 1 to 32 characters a-z, 0-9, '_' or '-', such as linkedin, x or news (got \"Naver Blog\")"),
            Some(("forms.import-channel", vec![("value", "\"Naver Blog\"".to_owned())]))
        );
        assert_eq!(
            key("must be \"positive\", \"neutral\" or \"negative\" (got \"great\")"),
            Some((
                "forms.import-sentiment",
                vec![("value", "\"great\"".to_owned())]
            ))
        );
        assert_eq!(
            key("at most 200 characters, no control characters"),
            Some((
                "forms.import-at-most-chars",
                vec![("max", "200".to_owned())]
            ))
        );
        assert_eq!(
            key("column \"sentimnet\" is not imported"),
            Some((
                "forms.import-column-ignored",
                vec![("column", "\"sentimnet\"".to_owned())]
            ))
        );
        assert_eq!(
            key("\"ana@example.com\" is employee 7, not employee 9 as employee_id says"),
            Some((
                "forms.import-employee-mismatch",
                vec![
                    ("value", "\"ana@example.com\"".to_owned()),
                    ("found", "7".to_owned()),
                    ("id", "9".to_owned()),
                    ("column", "employee_id".to_owned())
                ]
            ))
        );
        assert_eq!(
            message_wrapper("no share 42 (it changed during the import)"),
            Some(("forms.import-changed", vec![], "no share 42"))
        );
        assert_eq!(
            message_wrapper(
                "must not be empty once merged with the case stored under external_id \"c-1\""
            ),
            Some((
                "forms.import-merged-case",
                vec![("external_id", "\"c-1\"".to_owned())],
                "must not be empty"
            ))
        );
        assert_eq!(message_wrapper("no share 42"), None);
        assert_eq!(key("something new"), None);
        // Every message the reader itself writes is known.
        let rows = read(
            ImportKind::Metrics,
            b"share_id,likes,comments,reshares\nx,-1,2\n\"open,1,2,3\n",
        )
        .unwrap();
        for (_, row) in &rows {
            for p in row.as_ref().unwrap_err() {
                assert!(message_key(&p.message).is_some(), "{}", p.message);
            }
        }
    }
}
