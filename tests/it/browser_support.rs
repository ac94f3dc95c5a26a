//! Headless Chromium driven through chromedriver (WebDriver, plain HTTP on loopback), for
//! `browser.rs`.
//!
//! Needs Debian's packages `chromium` and `chromium-driver` (`/usr/bin/chromium`,
//! `/usr/bin/chromedriver`; `scripts/test` installs them). Other paths can be given with
//! `CHORUS_TEST_CHROMIUM` and `CHORUS_TEST_CHROMEDRIVER`. Missing binaries fail the test with
//! a message naming the packages: browser tests are never skipped silently.
//!
//! Every `Browser` is its own chromedriver (own process group) with its own throw-away
//! profile; dropping it kills that process group, Chromium included, even when the test
//! panicked. One browser runs at a time (the machine has two cores).

#![allow(dead_code)]

use std::fs::File;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::rt::time::timeout;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

use crate::common::TestApp;

/// A desktop Chrome user agent: `HeadlessChrome` would be classified as a bot, and the
/// browser tests play a person who clicked a link.
pub const DESKTOP_CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/// How long any wait for the page may take.
pub const WAIT: Duration = Duration::from_secs(20);
/// How long Chromium may take to start, and any single WebDriver command to answer.
pub const COMMAND: Duration = Duration::from_secs(60);

/// Tests run on threads of their own, each with its own runtime; tokio's lock works across them.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn binary(var: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.is_file(),
        "browser tests need {} (Debian packages `chromium` and `chromium-driver`: \
         run `scripts/test`, which installs them, or `apt-get install -y chromium chromium-driver`; \
         set {var} to use another binary)",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A chromedriver process group and the directory of its logs and profile; dropping
/// it kills the group (chromedriver and the Chromium it started) and removes the directory.
struct Driver {
    child: Child,
    dir: tempfile::TempDir,
}

impl Driver {
    fn start(chromedriver: &std::path::Path, port: u16) -> Driver {
        use std::os::unix::process::CommandExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let child = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(File::create(dir.path().join("chromedriver.log")).expect("log file"))
            .stderr(File::create(dir.path().join("chromedriver.err")).expect("log file"))
            // Its own process group, so Drop can end chromedriver and Chromium together.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        Driver { child, dir }
    }

    /// The last lines chromedriver wrote, for failure messages.
    fn logs(&self) -> String {
        let mut out = String::new();
        for name in ["chromedriver.log", "chromedriver.err"] {
            let text = std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(30)..].join("\n");
            out.push_str(&format!("--- {name} (last lines)\n{tail}\n"));
        }
        out
    }

    async fn wait_until_ready(&mut self, webdriver: &str) {
        let http = reqwest::Client::new();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("chromedriver exited with {status}\n{}", self.logs());
            }
            let res = http
                .get(format!("{webdriver}/status"))
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            if let Ok(res) = res {
                let body: Value = res.json().await.unwrap_or_default();
                if body["value"]["ready"] == true {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver not ready after {WAIT:?}\n{}",
                self.logs()
            );
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// `kill -SIGNAL -- -GROUP` through `/bin/sh`'s builtin (no `kill` binary on PATH needed);
/// true when the signal reached some process of the group.
fn signal_group(signal: &str, group: u32) -> bool {
    Command::new("/bin/sh")
        .args(["-c", &format!("kill -{signal} -- -{group} 2>/dev/null")])
        .stdin(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = self.child.id();
        signal_group("KILL", group);
        let _ = self.child.kill();
        // Reap chromedriver and let Chromium's processes go before the profile directory is
        // removed; never wait forever.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline
            && (matches!(self.child.try_wait(), Ok(None)) || signal_group("0", group))
        {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A headless Chromium session. Fields drop in order: the session handle, then the driver
/// (killed), then the turn (the next test's browser may start).
pub struct Browser {
    pub client: Client,
    driver: Driver,
    _turn: tokio::sync::MutexGuard<'static, ()>,
}

impl Browser {
    /// Starts chromedriver and a new headless Chromium session with an empty profile.
    pub async fn start() -> Browser {
        let chromium = binary("CHORUS_TEST_CHROMIUM", "/usr/bin/chromium");
        let chromedriver = binary("CHORUS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        let turn = ONE_AT_A_TIME.lock().await;
        let port = free_port();
        let mut driver = Driver::start(&chromedriver, port);
        let webdriver = format!("http://127.0.0.1:{port}");
        driver.wait_until_ready(&webdriver).await;

        let user_data_dir = driver.dir.path().join("profile");
        let caps: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "timeouts": {"pageLoad": WAIT.as_millis() as u64, "script": WAIT.as_millis() as u64},
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1024,768",
                    format!("--user-data-dir={}", user_data_dir.display()),
                    format!("--user-agent={DESKTOP_CHROME}"),
                ],
            },
        }))
        .expect("capabilities");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let mut builder = ClientBuilder::new(connector);
        builder.capabilities(caps);
        let session = timeout(COMMAND, builder.connect(&webdriver)).await;
        let client = match session {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!(
                "no Chromium session through chromedriver: {e}\n{}",
                driver.logs()
            ),
            Err(_) => panic!(
                "Chromium did not start within {COMMAND:?}\n{}",
                driver.logs()
            ),
        };
        Browser {
            client,
            driver,
            _turn: turn,
        }
    }

    /// Ends the session (Chromium quits); chromedriver ends when the rest is dropped.
    pub async fn close(self) {
        let Browser { client, .. } = self;
        let _ = timeout(COMMAND, client.close()).await;
    }

    /// Awaits one WebDriver command, failing the test (with chromedriver's log) when it
    /// errs or hangs.
    async fn command<T>(
        &self,
        what: &str,
        command: impl std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
    ) -> T {
        match timeout(COMMAND, command).await {
            Ok(Ok(value)) => value,
            Ok(Err(e)) => panic!("{what}: {e}\n{}", self.logs()),
            Err(_) => panic!("{what}: no answer within {COMMAND:?}\n{}", self.logs()),
        }
    }

    pub fn logs(&self) -> String {
        self.driver.logs()
    }

    pub async fn goto(&self, url: &str) {
        self.command(&format!("open {url}"), self.client.goto(url))
            .await;
    }

    pub async fn current_url(&self) -> url::Url {
        self.command("current URL", self.client.current_url()).await
    }

    /// Runs `script` (a function body: `return …`) in the page.
    pub async fn js(&self, script: &str) -> Value {
        self.command(
            &format!("script {script}"),
            self.client.execute(script, vec![]),
        )
        .await
    }

    /// Polls `expression` in the page until it is truthy, and returns its value.
    pub async fn wait_for(&self, expression: &str) -> Value {
        let script = format!("try {{ return ({expression}); }} catch (e) {{ return null; }}");
        let deadline = Instant::now() + WAIT;
        loop {
            let value = self.js(&script).await;
            let truthy = match &value {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                Value::String(s) => !s.is_empty(),
                _ => true,
            };
            if truthy {
                return value;
            }
            if Instant::now() >= deadline {
                let url = self.current_url().await;
                let body = self
                    .js("return document.body ? document.body.innerText : ''")
                    .await;
                panic!("waited {WAIT:?} for `{expression}` on {url}; the page shows: {body}");
            }
            actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the element `css` and clicks it.
    pub async fn click(&self, css: &str) {
        let find = self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css));
        let element = self.command(&format!("find {css}"), find).await;
        self.command(&format!("click {css}"), element.click()).await;
    }
}

impl TestApp {
    /// A publishable key (`chr_pk_…`) that `origins` (comma-separated) may use, made the
    /// way `chorus apikey create --publishable --origins …` makes one.
    pub fn publishable_key_for(&self, origins: &str) -> String {
        use chorus::domain::api_key::{self, Scope};
        let key = api_key::generate(Scope::Publishable);
        self.db()
            .run_sync(|conn| {
                chorus::store::api_keys::insert(
                    conn,
                    "website",
                    Scope::Publishable,
                    &key,
                    Some(origins),
                )
            })
            .expect("insert publishable key");
        key.secret
    }
}
