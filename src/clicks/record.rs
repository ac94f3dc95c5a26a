//! The line formats of the click journal and the spool: records owned by the click pipeline,
//! so that a change to the stored click ([`NewClick`]) never changes how the lines an earlier
//! release left on disk are read.
//!
//! Every line written carries its format version as `"v"`, first; the journal's lines are
//! one click each, the spool's one batch each (`{"v":1,"clicks":[…],"demote":[…]}`, its
//! clicks without a `"v"` of their own). Versions read:
//!
//! - **0** — lines of the releases before this field: the serde form of `NewClick` at that
//!   time, which is version 1 without `"v"`.
//! - **1** — [`ClickRecordV1`] / [`BatchRecordV1`].
//!
//! A version this release does not know was written by a newer one and is an error: a reader
//! never skips it. To change the format, add `ClickRecordV2` (and a batch V2) with its
//! conversion into `NewClick`, write only V2 ([`CURRENT`] = 2), and keep the V1 reader (and
//! its conversion, adapted to the new `NewClick`) for as long as an older release's journal
//! or spool may still be on a disk — the release notes say when a version stops being read.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize, Serializer};

use super::spool::SpooledBatch;
use crate::store::clicks::{ClickKind, NewClick};

/// The version every line is written in.
pub const CURRENT: u64 = 1;

/// Why one line is not a click record (or batch) this release can use.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Incomplete or mangled JSON: what a write cut off by a crash leaves.
    #[error("not a complete JSON line: {0}")]
    Torn(serde_json::Error),
    /// Complete JSON, but not a record of its version.
    #[error("not a click record: {0}")]
    Invalid(serde_json::Error),
    #[error("record version {0} is not supported by this release (a newer release wrote it)")]
    Unsupported(u64),
}

impl From<serde_json::Error> for RecordError {
    fn from(err: serde_json::Error) -> Self {
        use serde_json::error::Category;
        match err.classify() {
            Category::Eof | Category::Syntax => RecordError::Torn(err),
            Category::Data | Category::Io => RecordError::Invalid(err),
        }
    }
}

/// The kind of a click as written; its own type so that renaming [`ClickKind`] cannot
/// change the format.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum KindV1 {
    Human,
    Flagged,
    Bot,
    Preview,
}

impl From<ClickKind> for KindV1 {
    fn from(kind: ClickKind) -> Self {
        match kind {
            ClickKind::Human => KindV1::Human,
            ClickKind::Flagged => KindV1::Flagged,
            ClickKind::Bot => KindV1::Bot,
            ClickKind::Preview => KindV1::Preview,
        }
    }
}

impl From<KindV1> for ClickKind {
    fn from(kind: KindV1) -> Self {
        match kind {
            KindV1::Human => ClickKind::Human,
            KindV1::Flagged => ClickKind::Flagged,
            KindV1::Bot => ClickKind::Bot,
            KindV1::Preview => ClickKind::Preview,
        }
    }
}

/// A click as written, borrowed from the [`NewClick`]: every redirect appends one, so
/// nothing is copied on the way into the line.
#[derive(Serialize)]
pub struct ClickRecordRef<'a> {
    /// Absent inside a spooled batch, whose own `"v"` covers its clicks.
    #[serde(skip_serializing_if = "Option::is_none")]
    v: Option<u64>,
    click_id: &'a str,
    share_id: i64,
    occurred_at: &'a NaiveDateTime,
    day: &'a NaiveDate,
    visitor: &'a str,
    kind: KindV1,
    flag_reason: Option<&'a str>,
    country: Option<&'a str>,
    region: Option<&'a str>,
    city: Option<&'a str>,
    referrer_host: Option<&'a str>,
    browser: Option<&'a str>,
    os: Option<&'a str>,
    device: Option<&'a str>,
}

impl<'a> From<&'a NewClick> for ClickRecordRef<'a> {
    fn from(click: &'a NewClick) -> Self {
        ClickRecordRef {
            v: Some(CURRENT),
            click_id: &click.click_id,
            share_id: click.share_id,
            occurred_at: &click.occurred_at,
            day: &click.day,
            visitor: &click.visitor,
            kind: click.kind.into(),
            flag_reason: click.flag_reason.as_deref(),
            country: click.country.as_deref(),
            region: click.region.as_deref(),
            city: click.city.as_deref(),
            referrer_host: click.referrer_host.as_deref(),
            browser: click.browser.as_deref(),
            os: click.os.as_deref(),
            device: click.device.as_deref(),
        }
    }
}

/// A click of version 1, and of version 0 (the same fields without `"v"`). Timestamps are
/// chrono's ISO 8601 text (`2023-11-14T22:13:21.250`, `2023-11-14`), as in version 0.
#[derive(Deserialize)]
pub struct ClickRecordV1 {
    click_id: String,
    share_id: i64,
    occurred_at: NaiveDateTime,
    day: NaiveDate,
    visitor: String,
    kind: KindV1,
    flag_reason: Option<String>,
    country: Option<String>,
    region: Option<String>,
    city: Option<String>,
    referrer_host: Option<String>,
    browser: Option<Arc<str>>,
    os: Option<Arc<str>>,
    device: Option<Arc<str>>,
}

impl From<ClickRecordV1> for NewClick {
    fn from(r: ClickRecordV1) -> Self {
        NewClick {
            click_id: r.click_id,
            share_id: r.share_id,
            occurred_at: r.occurred_at,
            day: r.day,
            visitor: r.visitor,
            kind: r.kind.into(),
            flag_reason: r.flag_reason,
            country: r.country,
            region: r.region,
            city: r.city,
            referrer_host: r.referrer_host,
            browser: r.browser,
            os: r.os,
            device: r.device,
        }
    }
}

/// A batch as written to the spool.
#[derive(Serialize)]
struct BatchRecordRef<'a> {
    v: u64,
    #[serde(serialize_with = "clicks_in_batch")]
    clicks: &'a [NewClick],
    demote: &'a [String],
}

fn clicks_in_batch<S: Serializer>(clicks: &&[NewClick], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(clicks.iter().map(|click| ClickRecordRef {
        v: None,
        ..ClickRecordRef::from(click)
    }))
}

/// A spooled batch of version 1, and of version 0 (the same fields without `"v"`).
#[derive(Deserialize)]
pub struct BatchRecordV1 {
    clicks: Vec<ClickRecordV1>,
    #[serde(default)]
    demote: Vec<String>,
}

impl From<BatchRecordV1> for SpooledBatch {
    fn from(r: BatchRecordV1) -> Self {
        SpooledBatch {
            clicks: r.clicks.into_iter().map(NewClick::from).collect(),
            demote: r.demote,
        }
    }
}

/// Appends a journal line (without its newline) to `out`.
pub fn write_click(out: &mut Vec<u8>, click: &NewClick) -> serde_json::Result<()> {
    serde_json::to_writer(out, &ClickRecordRef::from(click))
}

/// Appends a spool line (without its newline) to `out`.
pub fn write_batch(
    out: &mut Vec<u8>,
    clicks: &[NewClick],
    demote: &[String],
) -> serde_json::Result<()> {
    serde_json::to_writer(
        out,
        &BatchRecordRef {
            v: CURRENT,
            clicks,
            demote,
        },
    )
}

/// Reads one journal line, of any version still supported.
pub fn read_click(line: &[u8]) -> Result<NewClick, RecordError> {
    match version(line)? {
        0 | 1 => Ok(serde_json::from_slice::<ClickRecordV1>(line)?.into()),
        v => Err(RecordError::Unsupported(v)),
    }
}

/// Reads one spool line, of any version still supported.
pub fn read_batch(line: &[u8]) -> Result<SpooledBatch, RecordError> {
    match version(line)? {
        0 | 1 => Ok(serde_json::from_slice::<BatchRecordV1>(line)?.into()),
        v => Err(RecordError::Unsupported(v)),
    }
}

/// The line's `"v"`, 0 when it has none. The line is parsed twice (this and the record),
/// which only replays at start-up and spool retries pay.
fn version(line: &[u8]) -> Result<u64, RecordError> {
    #[derive(Deserialize)]
    struct Version {
        v: Option<u64>,
    }
    Ok(serde_json::from_slice::<Version>(line)?.v.unwrap_or(0))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::clicks::sample_click;

    /// `serde_json::to_string(&sample_click("a", 7))` as the releases before `"v"` wrote it
    /// to the journal (produced by that code, not by hand).
    pub(crate) const V0_CLICK_A: &str = r#"{"click_id":"a","share_id":7,"occurred_at":"2023-11-14T22:13:20","day":"2023-11-14","visitor":"v","kind":"human","flag_reason":null,"country":"KR","region":null,"city":"서울","referrer_host":null,"browser":null,"os":null,"device":null}"#;

    /// [`flagged_click`] as the releases before `"v"` wrote it: every optional field set.
    pub(crate) const V0_CLICK_B: &str = r#"{"click_id":"b","share_id":7,"occurred_at":"2023-11-14T22:13:21.250","day":"2023-11-14","visitor":"v","kind":"flagged","flag_reason":"repeat","country":"KR","region":"11","city":"서울","referrer_host":"www.linkedin.com","browser":"Firefox","os":"Linux","device":"desktop"}"#;

    /// A spool line of the releases before `"v"`: clicks a and b, click "x" to demote.
    pub(crate) const V0_BATCH: &str = r#"{"clicks":[{"click_id":"a","share_id":7,"occurred_at":"2023-11-14T22:13:20","day":"2023-11-14","visitor":"v","kind":"human","flag_reason":null,"country":"KR","region":null,"city":"서울","referrer_host":null,"browser":null,"os":null,"device":null},{"click_id":"b","share_id":7,"occurred_at":"2023-11-14T22:13:21.250","day":"2023-11-14","visitor":"v","kind":"flagged","flag_reason":"repeat","country":"KR","region":"11","city":"서울","referrer_host":"www.linkedin.com","browser":"Firefox","os":"Linux","device":"desktop"}],"demote":["x"]}"#;

    pub(crate) fn flagged_click() -> NewClick {
        NewClick {
            occurred_at: chrono::DateTime::from_timestamp(1_700_000_001, 250_000_000)
                .unwrap()
                .naive_utc(),
            kind: ClickKind::Flagged,
            flag_reason: Some("repeat".into()),
            region: Some("11".into()),
            referrer_host: Some("www.linkedin.com".into()),
            browser: Some(Arc::from("Firefox")),
            os: Some(Arc::from("Linux")),
            device: Some(Arc::from("desktop")),
            ..sample_click("b", 7)
        }
    }

    fn click_line(click: &NewClick) -> Vec<u8> {
        let mut line = Vec::new();
        write_click(&mut line, click).unwrap();
        line
    }

    #[test]
    fn a_click_reads_back_as_it_was_written() {
        for click in [sample_click("a", 7), flagged_click()] {
            assert_eq!(read_click(&click_line(&click)).unwrap(), click);
        }
    }

    #[test]
    fn a_click_line_starts_with_its_version() {
        let line = String::from_utf8(click_line(&sample_click("a", 7))).unwrap();
        assert!(line.starts_with(r#"{"v":1,"click_id":"a","#), "{line}");
    }

    #[test]
    fn version_1_is_version_0_with_the_version_field() {
        let line = String::from_utf8(click_line(&flagged_click())).unwrap();
        assert_eq!(line, V0_CLICK_B.replacen('{', r#"{"v":1,"#, 1));
    }

    #[test]
    fn clicks_written_before_the_version_field_are_read() {
        assert_eq!(
            read_click(V0_CLICK_A.as_bytes()).unwrap(),
            sample_click("a", 7)
        );
        assert_eq!(read_click(V0_CLICK_B.as_bytes()).unwrap(), flagged_click());
    }

    #[test]
    fn a_batch_reads_back_as_it_was_written() {
        let clicks = [sample_click("a", 7), flagged_click()];
        let mut line = Vec::new();
        write_batch(&mut line, &clicks, &["x".to_string()]).unwrap();
        let text = String::from_utf8(line.clone()).unwrap();
        assert!(
            text.starts_with(r#"{"v":1,"clicks":[{"click_id":"a","#),
            "{text}"
        );
        let batch = read_batch(&line).unwrap();
        assert_eq!(batch.clicks, clicks);
        assert_eq!(batch.demote, ["x"]);
    }

    #[test]
    fn batches_spooled_before_the_version_field_are_read() {
        let batch = read_batch(V0_BATCH.as_bytes()).unwrap();
        assert_eq!(batch.clicks, [sample_click("a", 7), flagged_click()]);
        assert_eq!(batch.demote, ["x"]);
    }

    #[test]
    fn a_version_from_a_newer_release_is_refused() {
        let line = V0_CLICK_A.replacen('{', r#"{"v":99,"#, 1);
        let err = read_click(line.as_bytes()).unwrap_err();
        assert!(matches!(err, RecordError::Unsupported(99)), "{err}");
        let line = V0_BATCH.replacen('{', r#"{"v":2,"#, 1);
        assert!(matches!(
            read_batch(line.as_bytes()),
            Err(RecordError::Unsupported(2))
        ));
    }

    #[test]
    fn only_broken_json_counts_as_torn() {
        let cut = &V0_CLICK_A.as_bytes()[..40];
        assert!(matches!(read_click(cut), Err(RecordError::Torn(_))));
        assert!(matches!(
            read_click(b"{\"click_id\":\0\0\0}"),
            Err(RecordError::Torn(_))
        ));
        assert!(matches!(
            read_click(br#"{"v":1,"click_id":"a"}"#),
            Err(RecordError::Invalid(_))
        ));
        assert!(matches!(
            read_click(br#"{"v":"one"}"#),
            Err(RecordError::Invalid(_))
        ));
    }
}
