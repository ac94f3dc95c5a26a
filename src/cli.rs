//! Command-line interface: `serve` (the default), `migrate`, `admin create`, `apikey …`,
//! `import KIND FILE`, `demo`, `seed`. Each command loads the same validated settings; a
//! bad setting ends the program with one line naming it and exit status 2.
//!
//! Exit status: 0 done; 1 could not run (database, unreadable file); 2 configuration or
//! usage error; 3 (`import` only) the file was refused — bad rows or columns — and nothing
//! was imported (with `--dry-run`: an import would be refused).

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Settings;
use crate::domain::api_key::{self, Scope};
use crate::domain::csv_import::ImportKind;
use crate::domain::email::Email;
use crate::domain::password;
use crate::domain::person::{Label, Role};
use crate::domain::sentiment::Lexicon;
use crate::import::{self, Phase};
use crate::startup::{self, Application};
use crate::store::{self, employees::NewEmployee, StoreError};
use crate::telemetry;

#[derive(Parser)]
#[command(
    name = "chorus",
    version,
    about = "Employee-advocacy tracking server with a built-in link shortener"
)]
struct Cli {
    /// Configuration file; CHORUS_* environment variables override it.
    #[arg(long, global = true, default_value = "chorus.toml")]
    config: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app, the API and the short links (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage admin accounts.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Manage API keys.
    #[command(subcommand)]
    Apikey(ApiKeyCommand),
    /// Import a CSV file of mentions, metrics or follower snapshots, or support cases:
    /// all rows or none.
    #[command(after_long_help = import_help())]
    Import(ImportArgs),
    /// Fill an empty database with a demo company: five teams, 40 employees, 60 days of
    /// shares, clicks, conversions, mentions and support cases (the same data for the same
    /// --today and --seed). Creates no login: run `admin create` afterwards.
    Demo(DemoArgs),
    /// Fill an empty database with generated data of the given size, for benchmarks (the
    /// demo's shape; clicks go through the click writer in batches).
    Seed(SeedArgs),
}

#[derive(Args)]
struct DemoArgs {
    /// The last day of the data (YYYY-MM-DD); default: today in CHORUS_TIMEZONE.
    #[arg(long)]
    today: Option<chrono::NaiveDate>,
    /// Seed of the generator.
    #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
    seed: u64,
}

#[derive(Args)]
struct SeedArgs {
    /// Employees to create.
    #[arg(long)]
    employees: usize,
    /// Shares (short links) to create.
    #[arg(long)]
    shares: usize,
    /// Clicks to record.
    #[arg(long)]
    clicks: u64,
    /// Days the data spans, ending with --today.
    #[arg(long, default_value_t = 60)]
    days: u32,
    /// The last day of the data (YYYY-MM-DD); default: today in CHORUS_TIMEZONE.
    #[arg(long)]
    today: Option<chrono::NaiveDate>,
    /// Seed of the generator.
    #[arg(long, default_value_t = crate::demo::DEFAULT_SEED)]
    seed: u64,
}

#[derive(Args)]
struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    kind: KindArg,
    /// The CSV file: UTF-8, comma-separated, the first line naming the columns.
    file: PathBuf,
    /// Check the whole file and say what an import would do; store nothing.
    #[arg(long)]
    dry_run: bool,
    /// Skip columns Chorus does not know (with a warning) instead of refusing the file.
    #[arg(long)]
    ignore_unknown_columns: bool,
    /// Conversions: the column names of the file (default: detected from its first line).
    #[arg(long, value_parser = ["chorus", "salesforce", "hubspot"])]
    layout: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Mentions,
    Metrics,
    Followers,
    SupportCases,
    Conversions,
}

impl From<KindArg> for ImportKind {
    fn from(kind: KindArg) -> ImportKind {
        match kind {
            KindArg::Mentions => ImportKind::Mentions,
            KindArg::Metrics => ImportKind::Metrics,
            KindArg::Followers => ImportKind::Followers,
            KindArg::SupportCases => ImportKind::SupportCases,
            KindArg::Conversions => ImportKind::Conversions,
        }
    }
}

/// The columns of every kind, for `chorus import --help`.
fn import_help() -> String {
    let mut out = String::from("Columns (first line of the file, any order, any case):\n");
    for kind in ImportKind::ALL {
        out.push_str(&format!("\n  {}:\n", kind.as_str()));
        for column in kind.columns() {
            out.push_str(&format!(
                "    {:<18} {}; {}\n",
                column.name,
                column.need_label(),
                column.help
            ));
        }
    }
    out.push_str(
        "\nRows are reported by line number, the header being line 1. Exit status: 0 imported \
         (or, with --dry-run, the file would import), 1 could not run, 2 usage or \
         configuration error, 3 the file was refused and nothing was imported.",
    );
    out
}

/// Exit status of `import` when the file is refused.
const EXIT_REFUSED: u8 = 3;

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin who can sign in (the password is read from standard input).
    Create(AdminCreate),
}

#[derive(Args)]
struct AdminCreate {
    #[arg(long)]
    email: String,
    #[arg(long)]
    name: String,
    /// Read the password from the first line of standard input.
    #[arg(long, required = true)]
    password_stdin: bool,
}

#[derive(Subcommand)]
enum ApiKeyCommand {
    /// Create a key; it is printed once, alone on the last line.
    Create {
        #[arg(long)]
        name: String,
        /// A key that can only report conversions (for chorus.js in browsers).
        #[arg(long)]
        publishable: bool,
        /// Comma-separated origins allowed to use a publishable key (CORS).
        #[arg(long)]
        origins: Option<String>,
    },
    /// List keys (never their secrets).
    List,
    /// Revoke a key by id.
    Revoke { id: i64 },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(&cli.config) {
        Ok(s) => s,
        Err(err) => {
            eprintln!("chorus: configuration error: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(settings),
        Command::Migrate => startup::open_database(&settings)
            .map(|_| println!("database is up to date"))
            .map_err(|e| e.to_string()),
        Command::Admin(AdminCommand::Create(args)) => create_admin(settings, args),
        Command::Apikey(cmd) => apikey(settings, cmd),
        Command::Import(args) => return import_file(&settings, args),
        Command::Demo(args) => {
            let options = crate::demo::Options {
                shape: crate::demo::Shape::demo(),
                today: args.today,
                seed: args.seed,
                command: "demo",
            };
            return fill(&settings, &options);
        }
        Command::Seed(args) => {
            let shape =
                match crate::demo::Shape::seed(args.employees, args.shares, args.clicks, args.days)
                {
                    Ok(shape) => shape,
                    Err(e) => {
                        eprintln!("chorus: {e}");
                        return ExitCode::from(2);
                    }
                };
            let options = crate::demo::Options {
                shape,
                today: args.today,
                seed: args.seed,
                command: "seed",
            };
            return fill(&settings, &options);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("chorus: {message}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> Result<(), String> {
    let backend = settings.database_url.backend_name();
    let ip = settings.bind.ip();
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).map_err(|e| e.to_string())?;
        tracing::info!(port = app.port(), backend, "Chorus is listening");
        // One plain line with the real port (useful with CHORUS_BIND=…:0; scripts wait for it).
        println!("Chorus is listening on http://{ip}:{} ({backend})", app.port());
        if let Some(url) = app.setup_url() {
            // Printed plainly: this is what a newcomer needs to see first.
            println!(
                "\nNo admin account exists yet. Create one in the browser with this one-time link:\n\n    {url}\n\n\
                 or on the command line:\n\n    chorus admin create --email you@example.com --name \"Your Name\" --password-stdin\n"
            );
        }
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn create_admin(settings: Settings, args: AdminCreate) -> Result<(), String> {
    let email = Email::parse(&args.email).map_err(|e| e.to_string())?;
    let name = Label::parse(&args.name).map_err(|e| format!("name {e}"))?;
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let secret = line.trim_end_matches(['\r', '\n']);
    let hash = password::hash(secret).map_err(|e| e.to_string())?;
    let db = startup::open_database(&settings).map_err(|e| e.to_string())?;
    let shown = email.to_string();
    let new = NewEmployee {
        email,
        name,
        team: None,
        role: Role::Admin,
        password_hash: Some(hash),
    };
    let employee = db
        .run_sync(|conn| store::employees::insert(conn, new))
        .map_err(|e| match e {
            StoreError::Conflict(_) => format!("an account with e-mail {shown} already exists"),
            other => other.to_string(),
        })?;
    println!(
        "created admin {} <{}> (id {})",
        employee.name, employee.email, employee.id
    );
    Ok(())
}

fn apikey(settings: Settings, cmd: ApiKeyCommand) -> Result<(), String> {
    let db = startup::open_database(&settings).map_err(|e| e.to_string())?;
    let mut out = std::io::stdout().lock();
    match cmd {
        ApiKeyCommand::Create {
            name,
            publishable,
            origins,
        } => {
            let name = Label::parse(&name)
                .map_err(|e| format!("name {e}"))?
                .into_string();
            let scope = if publishable {
                Scope::Publishable
            } else {
                Scope::Full
            };
            // The same rules as /admin/keys and the API: a publishable key names its
            // origins (`https://www.example.com`), a full key none.
            let origins = api_key::parse_origin_list(
                scope,
                &api_key::split_origins(origins.as_deref().unwrap_or("")),
            )
            .map_err(|e| format!("--origins: {e}"))?;
            let stored = (!origins.is_empty()).then(|| origins.join(","));
            let key = api_key::generate(scope);
            let id = db
                .run_sync(|conn| {
                    store::api_keys::insert(conn, &name, scope, &key, stored.as_deref())
                })
                .map_err(|e| e.to_string())?;
            writeln!(
                out,
                "created {} API key {id} ({name}); it is shown only once:",
                scope.as_str()
            )
            .map_err(|e| e.to_string())?;
            writeln!(out, "{}", key.secret).map_err(|e| e.to_string())?;
        }
        ApiKeyCommand::List => {
            let keys = db
                .run_sync(store::api_keys::list)
                .map_err(|e| e.to_string())?;
            writeln!(
                out,
                "{:>4}  {:<12}  {:<15}  {:<20}  {:<10}  name",
                "id", "scope", "prefix", "created", "status"
            )
            .map_err(|e| e.to_string())?;
            for k in keys {
                let status = if k.revoked_at.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                writeln!(
                    out,
                    "{:>4}  {:<12}  {:<15}  {:<20}  {:<10}  {}",
                    k.id,
                    k.scope,
                    format!("{}…", k.prefix),
                    k.created_at.format("%Y-%m-%d %H:%M"),
                    status,
                    k.name
                )
                .map_err(|e| e.to_string())?;
            }
        }
        ApiKeyCommand::Revoke { id } => {
            db.run_sync(|conn| store::api_keys::revoke(conn, id))
                .map_err(|e| match e {
                    StoreError::NotFound => format!("no active API key with id {id}"),
                    other => other.to_string(),
                })?;
            writeln!(out, "revoked API key {id}").map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// `demo` and `seed`: generate, store, say what was made and how to sign in. No login is
/// made up here: printing an invented password would put a secret in terminal scroll-back
/// and logs, and `serve` already offers a one-time setup link while no admin exists.
fn fill(settings: &Settings, options: &crate::demo::Options) -> ExitCode {
    let db = match startup::open_database(settings) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("chorus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut progress = crate::demo::load::terminal_progress();
    let summary = match crate::demo::run(settings, &db, options, &mut progress) {
        Ok(summary) => summary,
        Err(e) => {
            eprintln!("chorus: {e}");
            return if e.is_usage() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            };
        }
    };
    let g = |n: usize| import::group(n as u64);
    let (first, last) = (
        summary.first_day.map(|d| d.to_string()).unwrap_or_default(),
        summary.last_day.map(|d| d.to_string()).unwrap_or_default(),
    );
    println!(
        "{} data from {first} to {last} ({}, seed {}):",
        if options.command == "demo" {
            "Demo"
        } else {
            "Seed"
        },
        settings.timezone,
        options.seed
    );
    println!(
        "  {} teams, {} employees ({} follower counts), {} campaigns, {} content items",
        g(summary.teams),
        g(summary.employees),
        g(summary.follower_snapshots),
        g(summary.campaigns),
        g(summary.content)
    );
    println!(
        "  {} shares ({} metrics snapshots)",
        g(summary.shares),
        g(summary.metrics_snapshots)
    );
    println!(
        "  {} clicks through the click writer in {:.1} s ({:.0} clicks/s)",
        import::group(summary.clicks),
        summary.click_seconds,
        summary.clicks as f64 / summary.click_seconds.max(0.001)
    );
    println!(
        "  {} conversions ({} attributed to a click)",
        g(summary.conversions),
        g(summary.attributed)
    );
    println!(
        "  {} brands, {} mentions, {} support cases",
        g(summary.brands),
        g(summary.mentions),
        g(summary.support_cases)
    );
    if summary.example_emv_rates {
        println!(
            "  example earned-media rates (CPM/CPC per network) stored; set yours with \
             CHORUS_EMV_RATES or PUT /api/v1/settings/emv-rates"
        );
    }
    let phases: Vec<String> = summary
        .phases
        .iter()
        .map(|(phase, seconds)| format!("{phase} {seconds:.1}"))
        .collect();
    println!(
        "done in {:.1} s ({} s)",
        summary.total_seconds,
        phases.join(", ")
    );
    println!(
        "\nThe employees have no passwords. To sign in, create an admin:\n\n    \
         chorus admin create --email you@example.com --name \"Your Name\" --password-stdin\n\n\
         then run `chorus serve` and open {}/admin (or just run `chorus serve`: while no admin \
         exists it prints a one-time setup link).",
        settings.public_base()
    );
    ExitCode::SUCCESS
}

fn import_file(settings: &Settings, args: ImportArgs) -> ExitCode {
    let fail = |message: String| {
        eprintln!("chorus: {message}");
        ExitCode::FAILURE
    };
    let kind = ImportKind::from(args.kind);
    // A missing file is said before the database is touched.
    if let Err(e) = std::fs::metadata(&args.file) {
        return fail(format!("cannot read {}: {e}", args.file.display()));
    }
    let db = match startup::open_database(settings) {
        Ok(db) => db,
        Err(e) => return fail(e.to_string()),
    };
    let lexicon = if kind == ImportKind::Mentions {
        match db.run_sync(store::sentiment_words::load_entries) {
            Ok(entries) => Lexicon::with_entries(&entries),
            Err(e) => return fail(e.to_string()),
        }
    } else {
        Lexicon::default()
    };
    // The settings in force, as the server applies them (an admin may have changed the
    // time zone, the window or the currency since the configuration was written).
    let defaults = crate::app::settings::EffectiveSettings::defaults(settings);
    let effective =
        match db.run_sync(|conn| crate::app::settings::EffectiveSettings::load(conn, &defaults)) {
            Ok(effective) => effective,
            Err(e) => return fail(e.to_string()),
        };
    let options = import::Options {
        kind,
        dry_run: args.dry_run,
        ignore_unknown_columns: args.ignore_unknown_columns,
        timezone: effective.timezone,
        now: store::now(),
        layout: args
            .layout
            .as_deref()
            .and_then(crate::domain::csv_import::Layout::parse),
        attribution_window_days: effective.attribution_window_days,
        default_currency: crate::domain::conversion::Currency::parse(&effective.default_currency)
            .unwrap_or(crate::domain::conversion::Currency::USD),
    };
    let started = std::time::Instant::now();
    // Progress is for people watching a large file; scripts read the summary.
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = |phase: Phase, rows: u64| {
        if interactive {
            let doing = match phase {
                Phase::Checking => "checked",
                Phase::Importing => "imported",
            };
            eprintln!("chorus: {doing} {} rows…", import::group(rows));
        }
    };
    let outcome = db.run_sync(|conn| {
        Ok(import::run(
            conn,
            &args.file,
            &options,
            &lexicon,
            &mut progress,
        ))
    });
    let report = match outcome {
        Ok(Ok(report)) => report,
        Ok(Err(e)) if e.is_refusal() => {
            eprintln!("chorus: {}: {e}", args.file.display());
            eprintln!("chorus: nothing was imported");
            return ExitCode::from(EXIT_REFUSED);
        }
        Ok(Err(e)) => {
            return fail(format!(
                "{}: {e}; nothing was imported",
                args.file.display()
            ))
        }
        Err(e) => return fail(e.to_string()),
    };
    let mut err = std::io::stderr().lock();
    for warning in &report.warnings {
        let _ = writeln!(err, "chorus: warning: {warning}");
    }
    for error in &report.errors.errors {
        let _ = writeln!(err, "{error}");
    }
    let shown = report.errors.errors.len() as u64;
    if report.errors.total > shown {
        let _ = writeln!(
            err,
            "… and {} more errors (the first {shown} are listed)",
            import::group(report.errors.total - shown)
        );
    }
    let seconds = started.elapsed().as_secs_f64();
    let timing = match report.store_time {
        Some(store) => format!(
            "{seconds:.1} s: checked in {:.1} s, stored in {:.1} s",
            report.check_time.as_secs_f64(),
            store.as_secs_f64()
        ),
        None => format!("{seconds:.1} s"),
    };
    if report.is_refused() {
        let _ = writeln!(
            err,
            "chorus: {} {}: {}",
            kind.as_str(),
            args.file.display(),
            report.summary()
        );
        return ExitCode::from(EXIT_REFUSED);
    }
    println!(
        "{} {}: {} ({timing})",
        kind.as_str(),
        args.file.display(),
        report.summary()
    );
    ExitCode::SUCCESS
}
