//! `/admin/import`: upload a CSV file of mentions, metrics or follower snapshots, support
//! cases or conversions; check it (dry run) or import it, all or nothing, through the
//! engine the CLI uses (`crate::import`). The page lists every kind's columns (and how a
//! Salesforce or HubSpot export of conversions maps onto them) and offers an example file
//! per kind and layout (`/admin/import/{kind}.csv`, `/admin/import/conversions-{layout}.csv`).
//!
//! The upload is `multipart/form-data`, streamed to a temporary file (deleted when the
//! request ends) and refused beyond `CHORUS_IMPORT_MAX_MB`. The CSRF token comes as the
//! form field `csrf` before the file (browsers send fields in page order) or as the
//! header `X-CSRF-Token`; an upload without it is refused before anything is written.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use futures_util::TryStreamExt;
use serde::Deserialize;

use super::{render, Nav, Tr};
use crate::domain::conversion::Currency;
use crate::domain::csv_import::{ImportKind, Layout, Need, Target};
use crate::domain::sentiment::Lexicon;
use crate::error::PageError;
use crate::import::{self, group, Report};
use crate::store;
use crate::web::auth::{AdminUser, CurrentUser};
use crate::web::AppState;

/// Row errors shown on the page (the engine keeps up to 1,000; the CLI prints them all).
pub const SHOWN_ERRORS: usize = 200;
/// The header that may carry the CSRF token instead of the form field.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The longest text field of the form (kind, action, token, checkbox).
const MAX_FIELD: usize = 1024;
/// Room for the form's other fields and the multipart framing beyond the file itself.
const FORM_OVERHEAD: u64 = 64 * 1024;

struct ColumnView {
    name: &'static str,
    need: String,
    required: bool,
    help: String,
}

struct KindView {
    value: &'static str,
    title: String,
    selected: bool,
    columns: Vec<ColumnView>,
    /// Conversions: the CRM layouts and how their columns map onto Chorus's.
    layouts: Vec<LayoutView>,
}

/// A CRM layout's columns, for the page's mapping table.
struct LayoutView {
    value: &'static str,
    title: String,
    columns: Vec<MappedColumnView>,
}

struct MappedColumnView {
    header: &'static str,
    need: String,
    required: bool,
    /// The Chorus column it fills, or what it decides (`kind`, `occurred_at`).
    fills: String,
    help: String,
}

/// A choice of the layout select.
struct LayoutOption {
    value: &'static str,
    title: String,
    selected: bool,
}

fn kind_title(t: &Tr, kind: ImportKind) -> String {
    t.get(&format!("import.kind-{}", kind.as_str()))
}

fn layout_title(t: &Tr, layout: Layout) -> String {
    t.get(&format!("import.layout-{}", layout.as_str()))
}

/// "required", "optional" or "required unless … is given" in the page's language.
fn need_label(t: &Tr, need: Need) -> String {
    match need {
        Need::Required => t.get("import.need-required"),
        Need::Optional => t.get("import.need-optional"),
        Need::EitherOr(other) => t.with("import.need-either", "other", other),
    }
}

/// What a column holds, in the page's language: `forms-import-help-<kind or layout>-<column>`
/// in the catalogs, else the English of `domain::csv_import` (which the CLI shows too).
fn column_help(t: &Tr, scope: &str, column: &str, english: &str) -> String {
    if t.locale() == crate::i18n::Locale::En {
        return english.to_owned();
    }
    let mut name = String::new();
    for c in column.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let key = format!("forms-import-help-{scope}-{}", name.trim_end_matches('-'));
    let text = t.locale().text(&key);
    if text == key {
        english.to_owned()
    } else {
        text
    }
}

fn kinds(t: &Tr, selected: ImportKind) -> Vec<KindView> {
    ImportKind::ALL
        .into_iter()
        .map(|kind| KindView {
            value: kind.as_str(),
            title: kind_title(t, kind),
            selected: kind == selected,
            columns: kind
                .columns()
                .iter()
                .map(|c| ColumnView {
                    name: c.name,
                    need: need_label(t, c.need),
                    required: c.need != Need::Optional,
                    help: column_help(t, kind.as_str(), c.name, c.help),
                })
                .collect(),
            layouts: if kind == ImportKind::Conversions {
                crm_layouts(t)
            } else {
                Vec::new()
            },
        })
        .collect()
}

fn crm_layouts(t: &Tr) -> Vec<LayoutView> {
    Layout::ALL
        .into_iter()
        .filter(|l| *l != Layout::Chorus)
        .map(|layout| LayoutView {
            value: layout.as_str(),
            title: layout_title(t, layout),
            columns: layout
                .columns()
                .into_iter()
                .map(|c| MappedColumnView {
                    header: c.column.name,
                    need: need_label(t, c.column.need),
                    required: c.column.need != Need::Optional,
                    fills: match c.target {
                        Target::Column(name) => name.to_owned(),
                        Target::Stage => "kind".to_owned(),
                        Target::ClosedAt => t.get("import.fills-closed-at"),
                        Target::CreatedAt => t.get("import.fills-created-at"),
                    },
                    help: column_help(t, layout.as_str(), c.column.name, c.column.help),
                })
                .collect(),
        })
        .collect()
}

/// The layout select: detected (`""`) first, then every layout.
fn layout_options(t: &Tr, selected: Option<Layout>) -> Vec<LayoutOption> {
    let mut options = vec![LayoutOption {
        value: "",
        title: t.get("import.layout-detect"),
        selected: selected.is_none(),
    }];
    options.extend(Layout::ALL.into_iter().map(|l| LayoutOption {
        value: l.as_str(),
        title: layout_title(t, l),
        selected: selected == Some(l),
    }));
    options
}

struct ErrorView {
    line: String,
    column: String,
    message: String,
}

/// A report as the page shows it.
struct ReportView {
    /// `imported`, `checked` or `refused` (also the CSS class).
    status: &'static str,
    heading: String,
    summary: String,
    file_name: String,
    dry_run: bool,
    rows: String,
    added: String,
    /// The duplicates (mentions, conversions) or updated (cases) tile, when it applies to
    /// the kind.
    second: Option<String>,
    second_label: String,
    /// Imported conversions: "attributed / unattributed".
    attribution: Option<String>,
    bad_rows: String,
    errors: Vec<ErrorView>,
    /// Errors not listed.
    more: Option<String>,
    warnings: Vec<String>,
}

fn report_view(report: &Report, file_name: String) -> ReportView {
    let t = Tr::current();
    let (status, heading) = match (report.is_refused(), report.dry_run) {
        (true, true) => ("refused", "import.heading-check-errors"),
        (true, false) => ("refused", "import.heading-nothing"),
        (false, true) => ("checked", "import.heading-can-import"),
        (false, false) => ("imported", "import.heading-imported"),
    };
    let counts = &report.counts;
    let (second_label, second) = match (report.kind, report.dry_run) {
        (ImportKind::Mentions | ImportKind::Conversions, false) => {
            ("import.duplicates-skipped", Some(group(counts.duplicates)))
        }
        (ImportKind::Mentions | ImportKind::Conversions, true) => {
            ("import.duplicates-to-skip", Some(group(counts.duplicates)))
        }
        (ImportKind::SupportCases, _) => (
            "import.updated-unchanged",
            Some(format!(
                "{} ({})",
                group(counts.updated),
                group(counts.unchanged)
            )),
        ),
        (ImportKind::Metrics | ImportKind::Followers, _) => ("", None),
    };
    let shown = report.errors.errors.len().min(SHOWN_ERRORS);
    let more = report.errors.total.saturating_sub(shown as u64);
    ReportView {
        status,
        heading: t.get(heading),
        summary: summary(&t, report),
        file_name,
        dry_run: report.dry_run,
        rows: group(report.rows),
        added: group(counts.added),
        second,
        second_label: if second_label.is_empty() {
            String::new()
        } else {
            t.get(second_label)
        },
        attribution: (report.kind == ImportKind::Conversions && report.stored()).then(|| {
            format!(
                "{} / {}",
                group(counts.attribution.attributed()),
                group(counts.attribution.unattributed_total())
            )
        }),
        bad_rows: group(report.errors.bad_rows),
        errors: report
            .errors
            .errors
            .iter()
            .take(SHOWN_ERRORS)
            .map(|e| ErrorView {
                line: group(e.line),
                column: e.column.clone().unwrap_or_default(),
                message: row_message(&t, &e.message),
            })
            .collect(),
        more: (more > 0).then(|| group(more)),
        warnings: report.warnings.iter().map(|w| row_message(&t, w)).collect(),
    }
}

/// The report's summary line: the engine's sentence on English pages (what the CLI
/// prints), a sentence of the catalogs from the same counts otherwise.
fn summary(t: &Tr, report: &Report) -> String {
    if t.locale() == crate::i18n::Locale::En {
        return report.summary();
    }
    use fluent_templates::fluent_bundle::FluentValue;
    let n = |v: u64| FluentValue::from(group(v));
    let rows = ("rows", n(report.rows));
    let (key, args) = if report.is_refused() {
        let key = if report.dry_run {
            "forms.import-summary-refused-dry"
        } else {
            "forms.import-summary-refused"
        };
        let args = vec![
            rows,
            ("bad", n(report.errors.bad_rows)),
            ("errors", n(report.errors.total)),
        ];
        (key, args)
    } else if report.rows == 0 {
        ("forms.import-summary-empty", vec![])
    } else if report.dry_run {
        (
            "forms.import-summary-valid",
            vec![rows, ("added", n(report.counts.added))],
        )
    } else {
        (
            "forms.import-summary-imported",
            vec![rows, ("added", n(report.counts.added))],
        )
    };
    t.locale().text_with(&crate::i18n::catalog_key(key), &args)
}

/// A row error in the page's language: the catalogs' sentence for the messages the
/// import writes (`csv_import::message_key`), the engine's own English otherwise — and
/// in English the engine's sentence itself, word for word what the CLI prints.
fn row_message(t: &Tr, message: &str) -> String {
    use fluent_templates::fluent_bundle::FluentValue;
    if t.locale() == crate::i18n::Locale::En {
        return message.to_owned();
    }
    if let Some((key, args, inner)) = crate::domain::csv_import::message_wrapper(message) {
        let problem = row_message(t, inner);
        let mut args: Vec<(&str, FluentValue<'_>)> = args
            .iter()
            .map(|(name, value)| (*name, FluentValue::from(value.as_str())))
            .collect();
        args.push(("problem", FluentValue::from(problem.as_str())));
        return t.locale().text_with(&crate::i18n::catalog_key(key), &args);
    }
    match crate::domain::csv_import::message_key(message) {
        Some((key, args)) => {
            let args: Vec<(&str, FluentValue<'_>)> = args
                .iter()
                .map(|(name, value)| (*name, FluentValue::from(value.as_str())))
                .collect();
            t.locale().text_with(&crate::i18n::catalog_key(key), &args)
        }
        None => message.to_owned(),
    }
}

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportPage {
    title: &'static str,
    nav: Option<Nav>,
    t: Tr,
    csrf: String,
    kinds: Vec<KindView>,
    layouts: Vec<LayoutOption>,
    ignore_unknown: bool,
    max_mb: u64,
    max_bytes: u64,
    timezone: String,
    file_error: Option<String>,
    form_error: Option<String>,
    report: Option<ReportView>,
}

/// What the page shows besides the form.
#[derive(Default)]
struct Outcome {
    file_error: Option<String>,
    form_error: Option<String>,
    report: Option<ReportView>,
}

/// What the form was filled with, to show it again.
#[derive(Clone, Copy)]
struct Choice {
    kind: ImportKind,
    layout: Option<Layout>,
    ignore_unknown: bool,
}

impl Choice {
    fn of(kind: ImportKind) -> Choice {
        Choice {
            kind,
            layout: None,
            ignore_unknown: false,
        }
    }
}

fn import_page(
    state: &AppState,
    user: &CurrentUser,
    status: StatusCode,
    choice: Choice,
    outcome: Outcome,
) -> Result<HttpResponse, PageError> {
    let max_bytes = state.settings.import_max_bytes;
    let t = Tr::current();
    render(
        status,
        &ImportPage {
            title: "page.import",
            nav: Some(Nav::new(user, "import")),
            t,
            csrf: user.csrf.clone(),
            kinds: kinds(&t, choice.kind),
            layouts: layout_options(&t, choice.layout),
            ignore_unknown: choice.ignore_unknown,
            max_mb: max_bytes / (1024 * 1024),
            max_bytes,
            timezone: state.effective().timezone.name().to_owned(),
            file_error: outcome.file_error,
            form_error: outcome.form_error,
            report: outcome.report,
        },
    )
}

#[derive(Deserialize)]
pub struct PageQuery {
    kind: Option<String>,
}

/// `GET /admin/import?kind=…`.
pub async fn page(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let kind = query
        .kind
        .as_deref()
        .and_then(ImportKind::parse)
        .unwrap_or(ImportKind::Mentions);
    import_page(
        &state,
        &user,
        StatusCode::OK,
        Choice::of(kind),
        Outcome::default(),
    )
}

/// `GET /admin/import/{kind}.csv`: a small example file that imports as it is (given the
/// brand, share and employee it names); `GET /admin/import/conversions-{layout}.csv`: the
/// sample export of a CRM layout (`docs/samples/`).
pub async fn example(
    AdminUser(_): AdminUser,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let name = path.strip_suffix(".csv").ok_or(PageError::NotFound)?;
    let (file, body) = match ImportKind::parse(name) {
        Some(kind) => (kind.as_str().to_owned(), kind.example_csv()),
        None => {
            let layout = name
                .strip_prefix("conversions-")
                .and_then(Layout::parse)
                .ok_or(PageError::NotFound)?;
            (
                format!("conversions-{}", layout.as_str()),
                layout.example_csv().to_owned(),
            )
        }
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"chorus-{file}-example.csv\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// The uploaded file, on disk for as long as this lives.
struct Upload {
    file: tempfile::NamedTempFile,
    name: String,
    bytes: u64,
}

/// The form as it arrived.
#[derive(Default)]
struct UploadForm {
    kind: String,
    layout: String,
    action: String,
    ignore_unknown: bool,
    upload: Option<Upload>,
}

/// Why reading the upload stopped.
enum Refusal {
    Page(PageError),
    /// The upload passed the size limit while streaming.
    TooLarge,
}

impl From<PageError> for Refusal {
    fn from(err: PageError) -> Refusal {
        Refusal::Page(err)
    }
}

fn bad_upload(err: impl std::fmt::Display) -> Refusal {
    Refusal::Page(PageError::BadRequest(format!(
        "the upload could not be read: {err}"
    )))
}

/// No token before the file (or at all): refused as a wrong one is.
fn missing_token(user: &CurrentUser) -> Refusal {
    match user.check_csrf("") {
        Err(e) => Refusal::Page(e),
        Ok(()) => Refusal::Page(PageError::Forbidden),
    }
}

/// Reads the multipart body: small fields into `form`, the file into a temporary file.
/// The token must be known (header or an earlier field) before a file is written.
async fn read_form(
    user: &CurrentUser,
    mut payload: Multipart,
    header_token: Option<String>,
    limit: u64,
) -> Result<UploadForm, Refusal> {
    let mut form = UploadForm::default();
    let mut verified = match header_token {
        Some(token) => {
            user.check_csrf(&token)?;
            true
        }
        None => false,
    };
    while let Some(mut field) = payload.try_next().await.map_err(bad_upload)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if !verified {
                return Err(missing_token(user));
            }
            let file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default()
                .to_owned();
            let file = tempfile::NamedTempFile::new().map_err(|e| {
                tracing::error!(error = %e, "cannot create a temporary file for an import");
                Refusal::Page(PageError::Internal)
            })?;
            // Plain blocking writes through a large buffer: an admin's upload, a syscall
            // per 256 KiB into the page cache, is not worth a thread hop per chunk.
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, file.as_file());
            let mut bytes = 0u64;
            while let Some(chunk) = field.try_next().await.map_err(bad_upload)? {
                bytes += chunk.len() as u64;
                if bytes > limit {
                    return Err(Refusal::TooLarge);
                }
                out.write_all(&chunk).map_err(|e| {
                    tracing::error!(error = %e, "cannot write an upload to a temporary file");
                    Refusal::Page(PageError::Internal)
                })?;
            }
            out.flush().map_err(|e| {
                tracing::error!(error = %e, "cannot write an upload to a temporary file");
                Refusal::Page(PageError::Internal)
            })?;
            drop(out);
            form.upload = Some(Upload {
                file,
                name: file_name,
                bytes,
            });
            continue;
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(bad_upload)? {
            if value.len() + chunk.len() > MAX_FIELD {
                return Err(bad_upload(format!("field {name:?} is too long")));
            }
            value.extend_from_slice(&chunk);
        }
        let value = String::from_utf8_lossy(&value).into_owned();
        match name.as_str() {
            "csrf" => {
                user.check_csrf(&value)?;
                verified = true;
            }
            "kind" => form.kind = value,
            "layout" => form.layout = value,
            "action" => form.action = value,
            "ignore_unknown" => form.ignore_unknown = !value.is_empty(),
            _ => {}
        }
    }
    if !verified {
        return Err(missing_token(user));
    }
    Ok(form)
}

/// Clears [`AppState::import_busy`] when the import ends, however it ends.
struct BusyGuard<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for BusyGuard<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// `POST /admin/import` (multipart: `csrf`, `kind`, `file`, `ignore_unknown`, `action` =
/// `check` or `import`): 200 with the report when the file was checked or imported, 422
/// when it was refused (nothing stored), 413 beyond the size limit, 409 while another
/// import runs.
pub async fn upload(
    AdminUser(user): AdminUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, PageError> {
    let limit = state.settings.import_max_bytes;
    let max_mb = limit / (1024 * 1024);
    let too_large = || Outcome {
        file_error: Some(Tr::current().with("import.error-too-large", "max", max_mb)),
        ..Outcome::default()
    };
    // A body announced as too large is refused before it is read.
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit + FORM_OVERHEAD) {
        return import_page(
            &state,
            &user,
            StatusCode::PAYLOAD_TOO_LARGE,
            Choice::of(ImportKind::Mentions),
            too_large(),
        );
    }
    let header_token = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let form = match read_form(&user, payload, header_token, limit).await {
        Ok(form) => form,
        Err(Refusal::Page(e)) => return Err(e),
        Err(Refusal::TooLarge) => {
            return import_page(
                &state,
                &user,
                StatusCode::PAYLOAD_TOO_LARGE,
                Choice::of(ImportKind::Mentions),
                too_large(),
            )
        }
    };
    // Every broken field at once (issue 12): the form's choices above the form, the file
    // beside its field.
    let t = Tr::current();
    let layout = Layout::parse(&form.layout);
    let parsed_kind = ImportKind::parse(&form.kind);
    let mut form_errors = Vec::new();
    if parsed_kind.is_none() {
        form_errors.push(t.get("import.error-kind"));
    }
    if !form.layout.is_empty() && layout.is_none() {
        form_errors.push(t.get("import.error-layout"));
    }
    let dry_run = match form.action.as_str() {
        "check" => Some(true),
        "import" => Some(false),
        _ => {
            form_errors.push(t.get("import.error-action"));
            None
        }
    };
    let upload = form.upload.filter(|upload| upload.bytes > 0);
    let file_error = upload.is_none().then(|| t.get("import.error-no-file"));
    let choice = Choice {
        kind: parsed_kind.unwrap_or(ImportKind::Mentions),
        layout,
        ignore_unknown: form.ignore_unknown,
    };
    let refuse =
        |status: StatusCode, outcome: Outcome| import_page(&state, &user, status, choice, outcome);
    let (Some(kind), Some(dry_run), Some(upload), true) =
        (parsed_kind, dry_run, upload, form_errors.is_empty())
    else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            Outcome {
                form_error: (!form_errors.is_empty()).then(|| form_errors.join(" ")),
                file_error,
                ..Outcome::default()
            },
        );
    };
    if state
        .import_busy
        .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
        .is_err()
    {
        return refuse(
            StatusCode::CONFLICT,
            Outcome {
                form_error: Some(Tr::current().get("import.error-busy")),
                ..Outcome::default()
            },
        );
    }
    let _busy = BusyGuard(&state.import_busy);
    let lexicon = if kind == ImportKind::Mentions {
        state.lexicon.get(&state.db).await?
    } else {
        Arc::new(Lexicon::default())
    };
    if kind == ImportKind::Conversions {
        // Click ids in the file may belong to redirects answered a moment ago.
        state.clicks.settle().await;
    }
    let settings = state.effective();
    let options = import::Options {
        kind,
        dry_run,
        ignore_unknown_columns: form.ignore_unknown,
        timezone: settings.timezone,
        now: store::now(),
        layout,
        attribution_window_days: settings.attribution_window_days,
        default_currency: Currency::parse(&settings.default_currency).unwrap_or(Currency::USD),
    };
    let file_name = upload.name.clone();
    let outcome = state
        .db
        .run(move |conn| {
            let result = import::run(conn, upload.file.path(), &options, &lexicon, &mut |_, _| {});
            // The temporary file goes as soon as the import is done with it.
            drop(upload);
            Ok(result)
        })
        .await?;
    match outcome {
        Ok(report) => {
            let status = if report.is_refused() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            if report.stored() {
                tracing::info!(
                    kind = kind.as_str(),
                    rows = report.rows,
                    added = report.counts.added,
                    check_ms = report.check_time.as_millis() as u64,
                    store_ms = report.store_time.map_or(0, |t| t.as_millis() as u64),
                    "CSV import"
                );
            }
            refuse(
                status,
                Outcome {
                    report: Some(report_view(&report, file_name)),
                    ..Outcome::default()
                },
            )
        }
        Err(e) if e.is_refusal() => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            Outcome {
                file_error: Some(Tr::current().with("import.error-refused", "why", e)),
                ..Outcome::default()
            },
        ),
        Err(import::ImportError::Store(e)) => Err(e.into()),
        Err(e) => {
            tracing::error!(error = %e, "CSV import failed");
            Err(PageError::Internal)
        }
    }
}
