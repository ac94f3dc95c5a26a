//! Stores a demo or seed: the catalogue through the store functions the API calls (each
//! row checked first by the same domain rules an API request passes), the clicks through
//! the click writer the redirect uses, then the conversions, attributed by the store as
//! reports from the website would be.
//!
//! # How the clicks are written
//! The redirect builds each click with [`Enricher::click`] (user agent → kind, browser, OS,
//! device; referrer host; visitor hash with the day's salt; the local day) and hands it to
//! the [`ClickSink`] of a running [`ClickWriter`], which flags repeats and scanner bursts
//! (`domain::verify`) and commits clicks, unique visitors and daily rollups in one
//! transaction per batch. Both take the click's time as data, so past clicks need no other
//! door: each generated visit becomes request facts, goes through `Enricher::click` with its
//! own time, and into a writer started here exactly as `serve` starts one, in the default
//! `journal` durability: a click is appended to the click journal and queued, in time
//! order, and the writer commits what is queued in batches (a full queue holds the
//! generator back, as it holds redirects back). What differs from a live redirect, each
//! because the data is generated:
//! - the journal and spool live in a temporary directory rather than `CHORUS_SPOOL_DIR`:
//!   a `serve` may hold that one, and nobody waits for these clicks. The command waits for
//!   the writer to drain and checks that every click was committed.
//! - daily salts come from the seed instead of the database: the visitor hashes are
//!   reproducible, and the past days' salts (which a live server deletes) are never stored.
//! - the location is the visitor's planned place: the generated addresses are in the IPv6
//!   documentation prefix, which no GeoIP file places anywhere. So the enricher is built
//!   without a GeoIP file, and fills in only what it can really tell.

use std::io::IsTerminal;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::result::Error as DieselError;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

use super::plan::{self, ConversionPlan, Plan};
use super::stream::ClickStream;
use super::{Shape, Timeline, TimelineError};
use crate::clicks::enrich::{Enricher, RequestFacts};
use crate::clicks::journal::{self, Journal};
use crate::clicks::spool::Spool;
use crate::clicks::writer::{ClickWriter, WriterConfig};
use crate::config::Settings;
use crate::db::checkpoint::Checkpointer;
use crate::db::{Connector, Db, DbConnection};
use crate::domain::campaign::{self, UtmValue};
use crate::domain::classify::AgentClassifier;
use crate::domain::content::{self, Origin};
use crate::domain::conversion::{self, ClickRef, Currency, Kind, ValueCents};
use crate::domain::email::Email;
use crate::domain::emv::EmvRates;
use crate::domain::mention::{self, MentionFields};
use crate::domain::person::{Label, Role};
use crate::domain::record::{RawNumber, Source};
use crate::domain::sentiment::Lexicon;
use crate::domain::slug::Slug;
use crate::domain::snapshot::{self, FollowersInput, MetricsInput};
use crate::domain::support::{self, CaseInput};
use crate::domain::utm::DestinationUrl;
use crate::domain::visitor::{Salt, SALT_LEN};
use crate::store::brands::BrandRefused;
use crate::store::campaigns::NewCampaign;
use crate::store::content::{ContentRefused, NewContent};
use crate::store::conversions::NewConversion;
use crate::store::employees::NewEmployee;
use crate::store::mentions::{BatchRefused, NewMention};
use crate::store::shares::{NewShare, ShareRefused};
use crate::store::snapshots::{NewFollowerSnapshot, NewMetricsSnapshot, SnapshotRefused};
use crate::store::support::CaseRefused;
use crate::store::tx::{with_page_cache, write_transaction};
use crate::store::{self, StoreError};

/// What to make.
#[derive(Debug, Clone)]
pub struct Options {
    pub shape: Shape,
    /// The last day of the data; `None`: the current date in the configured time zone.
    pub today: Option<NaiveDate>,
    pub seed: u64,
    /// The command's name, for messages (`demo` or `seed`).
    pub command: &'static str,
}

/// What was stored.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub teams: usize,
    pub employees: usize,
    pub follower_snapshots: usize,
    pub campaigns: usize,
    pub content: usize,
    pub shares: usize,
    pub metrics_snapshots: usize,
    pub brands: usize,
    pub mentions: usize,
    pub support_cases: usize,
    pub clicks: u64,
    pub conversions: usize,
    pub attributed: usize,
    /// How long the clicks took.
    pub click_seconds: f64,
    /// Seconds per phase (generation, each kind of row, clicks, conversions), in order.
    pub phases: Vec<(&'static str, f64)>,
    pub total_seconds: f64,
    /// Example earned-media rates were stored (none were configured).
    pub example_emv_rates: bool,
}

/// Why nothing (or not everything) was stored.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already holds {employees} employees and {shares} shares; `chorus {command}` \
         only fills an empty database (point CHORUS_DATABASE_URL at a new one). Nothing was changed."
    )]
    NotEmpty {
        employees: i64,
        shares: i64,
        command: &'static str,
    },
    #[error(transparent)]
    Timeline(#[from] TimelineError),
    /// A generated row broke a rule: a bug of the generator, reported with the row.
    #[error("generated {what} was refused: {why}")]
    Refused { what: String, why: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the click writer failed: {0}")]
    Writer(String),
}

impl DemoError {
    /// A usage error (exit status 2): nothing was tried.
    pub fn is_usage(&self) -> bool {
        matches!(self, DemoError::NotEmpty { .. } | DemoError::Timeline(_))
    }
}

impl From<DieselError> for DemoError {
    fn from(err: DieselError) -> DemoError {
        DemoError::Store(err.into())
    }
}

fn refused(what: impl Into<String>, why: impl ToString) -> DemoError {
    DemoError::Refused {
        what: what.into(),
        why: why.to_string(),
    }
}

/// Progress of a long run, for a terminal: the phase, how far, out of how many.
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

/// A progress reporter that writes to standard error when it is a terminal, at most
/// about once a second (and at the end of each phase).
pub fn terminal_progress() -> impl FnMut(&str, u64, u64) {
    let interactive = std::io::stderr().is_terminal();
    // The phase, when it began, when it was last reported.
    let mut current: Option<(String, Instant, Instant)> = None;
    move |phase: &str, done: u64, total: u64| {
        if !interactive {
            return;
        }
        let now = Instant::now();
        let began = match &mut current {
            Some((p, began, last)) if p == phase => {
                if now - *last < Duration::from_secs(1) && done < total {
                    return;
                }
                *last = now;
                *began
            }
            _ => {
                current = Some((phase.to_owned(), now, now));
                now
            }
        };
        let rate = done as f64 / (now - began).as_secs_f64().max(0.001);
        eprintln!(
            "chorus: {phase}: {} of {} ({rate:.0}/s)",
            crate::import::group(done),
            crate::import::group(total),
        );
    }
}

/// Rows per transaction of the catalogue.
const CHUNK: usize = 500;

/// Generates and stores everything; refuses a database that has employees or shares.
///
/// # Errors
/// [`DemoError::NotEmpty`] (nothing changed), [`DemoError::Timeline`] for a bad `today`,
/// store and writer failures otherwise (what was stored until then stays).
pub fn run(
    settings: &Settings,
    db: &Db,
    options: &Options,
    progress: Progress<'_>,
) -> Result<Summary, DemoError> {
    let started = Instant::now();
    let now = store::now();
    let today = options
        .today
        .unwrap_or_else(|| Timeline::today(settings.timezone, now));
    let timeline = Timeline::new(today, options.shape.days, settings.timezone, now)?;
    let counts = db.run_sync(store::counts::overview)?;
    if counts.employees > 0 || counts.shares > 0 {
        return Err(DemoError::NotEmpty {
            employees: counts.employees,
            shares: counts.shares,
            command: options.command,
        });
    }
    let planned = Instant::now();
    let plan = plan::build(&options.shape, &timeline, options.seed);
    let mut summary = Summary {
        first_day: Some(timeline.first_day),
        last_day: Some(timeline.last_day),
        teams: plan.teams.len(),
        phases: vec![("plan", planned.elapsed().as_secs_f64())],
        ..Summary::default()
    };
    let share_ids = store_catalogue(settings, db, &plan, now, &mut summary, progress)?;
    let clicks_started = Instant::now();
    let conversions = store_clicks(
        settings,
        &plan,
        &timeline,
        &share_ids,
        options,
        &mut summary,
        progress,
    )?;
    summary.click_seconds = clicks_started.elapsed().as_secs_f64();
    summary.phases.push(("clicks", summary.click_seconds));
    store_conversions(
        settings,
        db,
        &timeline,
        conversions,
        plan.unattributed,
        &mut summary,
        progress,
    )?;
    if settings.emv_rates.is_empty() {
        // Earned media value needs prices per network; a demo shows it with typical ones
        // (in the database, so `PUT /api/v1/settings/emv-rates` replaces them).
        let exponent = crate::domain::conversion::Currency::parse(&settings.default_currency)
            .ok()
            .and_then(|c| c.exponent())
            .unwrap_or(2);
        let rates =
            EmvRates::parse(EXAMPLE_EMV_RATES, exponent).expect("the example rates are valid");
        db.run_sync(|conn| crate::app::settings::set_emv_rates(conn, &rates))?;
        summary.example_emv_rates = true;
    }
    summary.total_seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Typical paid-media prices (CPM/CPC in major units of the default currency) that the
/// demo stores when the configuration sets none.
const EXAMPLE_EMV_RATES: &str = "linkedin=30.00/5.00, x=6.50/0.90, facebook=9.00/1.10, \
     instagram=8.00/1.00, threads=5.00/0.60, bluesky=4.00/0.50, xing=20.00/3.00, \
     tiktok=7.00/0.70, youtube=10.00/0.80";

/// Page cache of the connection that stores the catalogue, in KiB (SQLite): the shares'
/// unique indexes (slug, token, employee–content–network) take random keys, and with the
/// default 2 MiB cache most of a large seed's time went to reading their pages back.
const PAGE_CACHE_KIB: u32 = 256 * 1024;

/// Runs `work` on chunks of `items`, one write transaction per chunk, on one connection
/// with a large page cache.
fn in_chunks<T>(
    db: &Db,
    phases: &mut Vec<(&'static str, f64)>,
    phase: &'static str,
    items: &[T],
    chunk: usize,
    progress: Progress<'_>,
    mut work: impl FnMut(&mut DbConnection, &[T]) -> Result<(), DemoError>,
) -> Result<(), DemoError> {
    let started = Instant::now();
    let total = items.len() as u64;
    db.run_sync(|conn| {
        Ok(with_page_cache(conn, PAGE_CACHE_KIB, |conn| {
            let mut done = 0u64;
            for part in items.chunks(chunk.max(1)) {
                write_transaction(conn, |conn| work(conn, part))?;
                done += part.len() as u64;
                progress(phase, done, total);
            }
            Ok::<(), DemoError>(())
        }))
    })??;
    phases.push((phase, started.elapsed().as_secs_f64()));
    Ok(())
}

fn store_catalogue(
    settings: &Settings,
    db: &Db,
    plan: &Plan,
    now: NaiveDateTime,
    summary: &mut Summary,
    progress: Progress<'_>,
) -> Result<Vec<i64>, DemoError> {
    let tz = settings.timezone;
    let rfc = Timeline::rfc3339;
    let mut phases = Vec::new();

    let mut employee_ids: Vec<i64> = Vec::with_capacity(plan.employees.len());
    in_chunks(
        db,
        &mut phases,
        "employees",
        &plan.employees,
        CHUNK,
        progress,
        |conn, part| {
            for e in part {
                let new = NewEmployee {
                    email: Email::parse(&e.email).map_err(|err| refused("employee", err))?,
                    name: Label::parse(&e.name)
                        .map_err(|err| refused(format!("employee {}", e.email), err))?,
                    team: Some(
                        Label::parse(&plan.teams[e.team]).map_err(|err| refused("team", err))?,
                    ),
                    role: Role::Employee,
                    password_hash: None,
                };
                employee_ids.push(store::employees::insert(conn, new)?.id);
            }
            Ok(())
        },
    )?;
    summary.employees = employee_ids.len();

    in_chunks(
        db,
        &mut phases,
        "follower counts",
        &plan.followers,
        5_000,
        progress,
        |conn, part| {
            let mut batch = Vec::with_capacity(part.len());
            for f in part {
                let at = rfc(f.observed_at);
                let reading = snapshot::validate_followers(
                    &FollowersInput {
                        network: f.network.as_str(),
                        followers: RawNumber::Number(f.followers),
                        observed_at: Some(&at),
                    },
                    now,
                    tz,
                )
                .map_err(|err| refused("follower count", err))?;
                batch.push(NewFollowerSnapshot {
                    employee_id: employee_ids[f.employee],
                    reading,
                });
            }
            store::snapshots::insert_follower_rows(conn, &batch, Source::Api).map_err(|err| {
                match err {
                    SnapshotRefused::Store(e) => e.into(),
                    other => refused("follower counts", other),
                }
            })?;
            Ok(())
        },
    )?;
    summary.follower_snapshots = plan.followers.len();

    let mut campaign_ids = Vec::with_capacity(plan.campaigns.len());
    for c in &plan.campaigns {
        let name = Label::parse(&c.name).map_err(|err| refused("campaign", err))?;
        let utm_campaign = match &c.utm_campaign {
            Some(v) => UtmValue::parse(v),
            None => UtmValue::from_name(name.as_str()),
        }
        .map_err(|err| refused(format!("campaign {}", c.name), err))?;
        campaign::check_dates(c.starts_on, c.ends_on)
            .map_err(|err| refused(format!("campaign {}", c.name), err))?;
        let utm = |v: &Option<String>| {
            v.as_deref()
                .map(UtmValue::parse)
                .transpose()
                .map_err(|err| refused(format!("campaign {}", c.name), err))
        };
        let new = NewCampaign {
            name,
            utm_campaign,
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            goal: c
                .goal
                .as_deref()
                .map(Label::parse)
                .transpose()
                .map_err(|err| refused("campaign goal", err))?,
            utm_source: utm(&c.utm_source)?,
            utm_medium: utm(&c.utm_medium)?,
            utm_overwrite: c.utm_overwrite,
        };
        campaign_ids.push(db.run_sync(|conn| store::campaigns::insert(conn, new))?.id);
    }
    summary.campaigns = campaign_ids.len();

    let mut content_ids = Vec::with_capacity(plan.content.len());
    in_chunks(
        db,
        &mut phases,
        "content",
        &plan.content,
        CHUNK,
        progress,
        |conn, part| {
            for c in part {
                let what = || format!("content {:?}", c.title);
                let origin = if c.author.is_some() {
                    Origin::Employee
                } else {
                    Origin::Curated
                };
                let author = c.author.map(|a| employee_ids[a]);
                content::check_author(origin, author).map_err(|err| refused(what(), err))?;
                let topics: Vec<String> = c.topics.clone();
                let new = NewContent {
                    title: Label::parse(&c.title).map_err(|err| refused(what(), err))?,
                    url: DestinationUrl::parse(&c.url).map_err(|err| refused(what(), err))?,
                    campaign_id: c.campaign.map(|i| campaign_ids[i]),
                    topics: content::parse_topics(&topics).map_err(|err| refused(what(), err))?,
                    origin,
                    author_employee_id: author,
                    suggested_text: content::parse_suggested_text(c.suggested_text.as_deref())
                        .map_err(|err| refused(what(), err))?,
                    click_param: c.click_param,
                };
                let stored =
                    store::content::insert_at(conn, new, c.created_at).map_err(
                        |err| match err {
                            ContentRefused::Store(e) => e.into(),
                            other => refused(what(), other),
                        },
                    )?;
                content_ids.push(stored.id);
            }
            Ok(())
        },
    )?;
    summary.content = content_ids.len();

    let mut share_ids = Vec::with_capacity(plan.shares.len());
    let slug_length = settings.slug_length;
    in_chunks(
        db,
        &mut phases,
        "shares",
        &plan.shares,
        1_000,
        progress,
        |conn, part| {
            for s in part {
                let new = NewShare {
                    employee_id: employee_ids[s.employee],
                    content_id: content_ids[s.content],
                    network: s.network,
                    slug: None,
                };
                // The planned slug first; should it be taken, generated ones as the API does.
                let mut planned = Some(Slug::parse(&s.slug).map_err(|err| refused("slug", err))?);
                let mut next_slug = || {
                    planned
                        .take()
                        .unwrap_or_else(|| Slug::generate(slug_length))
                };
                let (share, created) =
                    store::shares::create_at(conn, &new, &mut next_slug, s.created_at).map_err(
                        |err| match err {
                            ShareRefused::Store(e) => e.into(),
                            other => refused(format!("share {}", s.slug), other),
                        },
                    )?;
                if !created {
                    return Err(refused(
                        format!("share {}", s.slug),
                        "the same share exists",
                    ));
                }
                share_ids.push(share.id);
            }
            Ok(())
        },
    )?;
    summary.shares = share_ids.len();

    in_chunks(
        db,
        &mut phases,
        "metrics",
        &plan.metrics,
        5_000,
        progress,
        |conn, part| {
            let mut batch = Vec::with_capacity(part.len());
            for m in part {
                let at = rfc(m.observed_at);
                let reading = snapshot::validate_metrics(
                    &MetricsInput {
                        likes: RawNumber::Number(m.likes),
                        comments: RawNumber::Number(m.comments),
                        reshares: RawNumber::Number(m.reshares),
                        impressions: m.impressions.map(RawNumber::Number),
                        observed_at: Some(&at),
                    },
                    now,
                    tz,
                )
                .map_err(|err| refused("metrics", err))?;
                batch.push(NewMetricsSnapshot {
                    share_id: share_ids[m.share],
                    reading,
                });
            }
            store::snapshots::insert_metrics_rows(conn, &batch, Source::Api).map_err(|err| {
                match err {
                    SnapshotRefused::Store(e) => e.into(),
                    other => refused("metrics", other),
                }
            })?;
            Ok(())
        },
    )?;
    summary.metrics_snapshots = plan.metrics.len();

    for b in &plan.brands {
        let new =
            crate::domain::brand::validate(&b.name, b.own, &b.keywords, &b.intended_attributes)
                .map_err(|err| refused(format!("brand {}", b.name), err))?;
        db.run_sync(|conn| Ok(store::brands::insert(conn, &new)))?
            .map_err(|err| match err {
                BrandRefused::Store(e) => e.into(),
                other => refused(format!("brand {}", b.name), other),
            })?;
    }
    summary.brands = plan.brands.len();

    // Mentions without a sentiment get the one the stored word lists give, as in the API.
    let lexicon = Lexicon::with_entries(&db.run_sync(store::sentiment_words::load_entries)?);
    in_chunks(
        db,
        &mut phases,
        "mentions",
        &plan.mentions,
        mention::MAX_BATCH,
        progress,
        |conn, part| {
            let mut batch = Vec::with_capacity(part.len());
            for (i, m) in part.iter().enumerate() {
                let fields = MentionFields {
                    brand: plan.brands[m.brand].name.clone(),
                    channel: m.channel.clone(),
                    author: m.author.clone(),
                    text: m.text.clone(),
                    occurred_at: rfc(m.occurred_at),
                    kind: Some(m.kind.to_owned()),
                    sentiment: m.sentiment.map(str::to_owned),
                    author_reach: m.author_reach,
                    url: m.url.clone(),
                    external_id: m.external_id.clone(),
                };
                let valid = mention::validate(i, &fields, tz, now)
                    .map_err(|err| refused("mention", err))?;
                batch.push(NewMention::new(valid, &lexicon));
            }
            let outcome = store::mentions::insert_rows(conn, &batch).map_err(|err| match err {
                BatchRefused::Store(e) => e.into(),
                other => refused("mentions", other),
            })?;
            summary.mentions += outcome.inserted;
            Ok(())
        },
    )?;

    in_chunks(
        db,
        &mut phases,
        "support cases",
        &plan.cases,
        CHUNK,
        progress,
        |conn, part| {
            let mut batch = Vec::with_capacity(part.len());
            for c in part {
                let opened = rfc(c.opened_at);
                let answered = c.first_response_at.map(rfc);
                let resolved = c.resolved_at.map(rfc);
                batch.push(
                    support::validate_case(
                        &CaseInput {
                            channel: &c.channel,
                            opened_at: &opened,
                            first_response_at: answered.as_deref(),
                            resolved_at: resolved.as_deref(),
                            external_id: c.external_id.as_deref(),
                        },
                        now,
                        tz,
                    )
                    .map_err(|err| refused("support case", err))?,
                );
            }
            store::support::record_batch(conn, &batch).map_err(|err| match err {
                CaseRefused::Store(e) => e.into(),
                other => refused("support cases", other),
            })?;
            Ok(())
        },
    )?;
    summary.support_cases = plan.cases.len();
    summary.phases.extend(phases);
    Ok(share_ids)
}

/// The visitor salt of each local day, from the seed; the last one kept.
struct DaySalts {
    seed: u64,
    current: Option<(NaiveDate, Arc<Salt>)>,
}

impl DaySalts {
    fn get(&mut self, day: NaiveDate) -> Arc<Salt> {
        if let Some((d, salt)) = &self.current {
            if *d == day {
                return salt.clone();
            }
        }
        let mut rng = StdRng::seed_from_u64(
            self.seed
                ^ (chrono::Datelike::num_days_from_ce(&day) as u64)
                    .wrapping_mul(0xA24B_AED4_963E_E407),
        );
        let mut bytes = [0u8; SALT_LEN];
        rng.fill_bytes(&mut bytes);
        let salt = Arc::new(Salt::from_bytes(day.to_string(), bytes));
        self.current = Some((day, salt.clone()));
        salt
    }
}

/// Streams the clicks through a click writer; returns the conversions they lead to.
fn store_clicks(
    settings: &Settings,
    plan: &Plan,
    timeline: &Timeline,
    share_ids: &[i64],
    options: &Options,
    summary: &mut Summary,
    progress: Progress<'_>,
) -> Result<Vec<ConversionPlan>, DemoError> {
    let total = options.shape.clicks;
    if total == 0 || share_ids.is_empty() {
        return Ok(Vec::new());
    }
    let dir =
        tempfile::tempdir().map_err(|e| DemoError::Writer(format!("temporary directory: {e}")))?;
    let spool = Spool::open(dir.path()).map_err(|e| DemoError::Writer(e.to_string()))?;
    let journal = Journal::open(dir.path(), journal::SEGMENT_BYTES)
        .map_err(|e| DemoError::Writer(e.to_string()))?;
    let connector = Connector::new(settings.database_url.clone(), settings.sqlite_synchronous);
    let checkpointer = Checkpointer::start(&connector);
    let config = WriterConfig {
        batch_max: settings.click_batch_max.max(1),
        batch_wait: Duration::ZERO,
        queue: settings.click_queue.max(1),
        policy: settings.click_policy,
    };
    let classifier = AgentClassifier::embedded().map_err(|e| DemoError::Writer(e.to_string()))?;
    let enricher = Enricher::new(classifier, None, settings.timezone);
    let stream = ClickStream::new(
        plan,
        timeline,
        total,
        options.shape.conversion_rate,
        options.shape.bursts,
        settings.attribution_window_days,
        options.seed,
    );
    let mut salts = DaySalts {
        seed: options.seed,
        current: None,
    };
    let mut conversions: Vec<ConversionPlan> = Vec::new();
    let mut made = 0u64;
    let outcome: Result<u64, DemoError> = actix_web::rt::System::new().block_on(async {
        let (sink, writer) = ClickWriter::start(connector, spool, journal, true, config)
            .map_err(|e| DemoError::Writer(e.to_string()))?;
        let stats = writer.stats.clone();
        let mut refused = 0u64;
        for visit in stream {
            let day = timeline.local_day(visit.at.naive_utc());
            let salt = salts.get(day);
            let facts = RequestFacts {
                ip: visit.ip,
                user_agent: Some(visit.user_agent),
                referer: visit.referer,
                head: visit.head(),
                prefetch: visit.prefetch(),
                own_click: visit.own(),
            };
            let mut click = enricher.click(&facts, share_ids[visit.share], visit.click_id, visit.at, &salt);
            if click.country.is_none() {
                click.country = Some(visit.place.country.to_owned());
                click.region = Some(visit.place.region.to_owned());
                click.city = Some(visit.place.city.to_owned());
            }
            if let Some(conversion) = visit.conversion {
                conversions.push(conversion);
            }
            // One at a time, in time order, as redirects arrive: the verifier judges each
            // visitor's clicks in order, and the writer batches whatever is queued.
            if sink.record(click).await.is_err() {
                refused += 1;
            }
            made += 1;
            if made.is_multiple_of(4_096) || made == total {
                progress("clicks", made, total);
            }
        }
        drop(sink);
        // Waits until everything queued is committed (or the writer gives up on a database
        // that cannot take it: then the count below says so).
        writer.shutdown(Duration::from_secs(3_600)).await;
        let stored = stats.committed.load(Ordering::Relaxed) + stats.replayed.load(Ordering::Relaxed);
        if refused > 0 || stored < made {
            return Err(DemoError::Writer(format!(
                "{} of {} clicks reached the database ({} spooled, {refused} refused); the database \
                 may be unavailable",
                crate::import::group(stored),
                crate::import::group(made),
                crate::import::group(stats.spooled.load(Ordering::Relaxed)),
            )));
        }
        Ok(stored)
    });
    if let Some(checkpointer) = checkpointer {
        checkpointer.stop();
    }
    summary.clicks = outcome?;
    Ok(conversions)
}

/// Records the conversions (those the clicks led to, then the unattributed ones) as the
/// website would report them, oldest first.
fn store_conversions(
    settings: &Settings,
    db: &Db,
    timeline: &Timeline,
    mut conversions: Vec<ConversionPlan>,
    unattributed: Vec<ConversionPlan>,
    summary: &mut Summary,
    progress: Progress<'_>,
) -> Result<(), DemoError> {
    let mut phases = Vec::new();
    conversions.extend(unattributed);
    conversions.sort_by(|a, b| {
        a.occurred_at
            .cmp(&b.occurred_at)
            .then_with(|| a.external_id.cmp(&b.external_id))
    });
    let window = settings.attribution_window_days;
    let mut stored = 0usize;
    let mut attributed = 0usize;
    in_chunks(
        db,
        &mut phases,
        "conversions",
        &conversions,
        CHUNK,
        progress,
        |conn, part| {
            for c in part {
                let what = || format!("conversion {}", c.external_id);
                let mut refs = Vec::with_capacity(c.touches.len());
                for t in &c.touches {
                    refs.extend(ClickRef::parse(t).map_err(|err| refused(what(), err))?);
                }
                let last = refs.pop();
                let new = NewConversion {
                    kind: Kind::parse(c.kind).map_err(|err| refused(what(), err))?,
                    value_cents: c
                        .value_cents
                        .map(ValueCents::new)
                        .transpose()
                        .map_err(|err| refused(what(), err))?,
                    currency: Currency::parse(c.currency).map_err(|err| refused(what(), err))?,
                    external_id: conversion::optional_id(Some(c.external_id.clone()))
                        .map_err(|err| refused(what(), err))?,
                    customer_id: conversion::optional_id(c.customer_id.clone())
                        .map_err(|err| refused(what(), err))?,
                    occurred_at: c.occurred_at,
                    day: timeline.local_day(c.occurred_at),
                    touches: conversion::touch_sequence(last, refs),
                    api_key_id: None,
                };
                let (conversion, _) = store::conversions::record(conn, &new, window)?;
                stored += 1;
                attributed += usize::from(conversion.attributed);
            }
            Ok(())
        },
    )?;
    summary.conversions = stored;
    summary.attributed = attributed;
    summary.phases.extend(phases);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_salts_are_reproducible_and_differ_per_day() {
        let d1 = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let d2 = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut a = DaySalts {
            seed: 1,
            current: None,
        };
        let mut b = DaySalts {
            seed: 1,
            current: None,
        };
        assert_eq!(a.get(d1).bytes, b.get(d1).bytes);
        assert_ne!(a.get(d1).bytes, a.get(d2).bytes);
        assert_eq!(a.get(d2).day, "2026-03-02");
    }
}
