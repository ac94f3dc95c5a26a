//! A tiny SMTP server for the tests: speaks just enough SMTP (220, EHLO/HELO 250, MAIL and
//! RCPT 250, DATA 354 … `.` 250, QUIT 221) for lettre to hand over a message, and keeps
//! every message it received. Runs on a thread of its own on loopback; ends with the test.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One message as received: the envelope recipients and the data (headers and body).
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The body with the transfer encoding undone (7bit, quoted-printable or base64).
    pub fn body(&self) -> String {
        let (headers, body) = self
            .data
            .split_once("\r\n\r\n")
            .unwrap_or((self.data.as_str(), ""));
        let encoding = headers
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-transfer-encoding:")
                    .map(|v| v.trim().to_string())
            })
            .unwrap_or_default();
        match encoding.as_str() {
            "base64" => {
                use base64::Engine;
                let joined: String = body.split_whitespace().collect();
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(joined)
                        .expect("base64 body"),
                )
                .expect("UTF-8 body")
            }
            "quoted-printable" => {
                let soft = body.replace("=\r\n", "");
                let bytes = soft.as_bytes();
                let mut out = Vec::with_capacity(bytes.len());
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] == b'=' && i + 2 < bytes.len() {
                        if let Ok(b) = u8::from_str_radix(&soft[i + 1..i + 3], 16) {
                            out.push(b);
                            i += 3;
                            continue;
                        }
                    }
                    out.push(bytes[i]);
                    i += 1;
                }
                String::from_utf8(out).expect("UTF-8 body")
            }
            _ => body.to_string(),
        }
    }

    /// The header `name` (first line only).
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.data
            .split("\r\n\r\n")
            .next()?
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    }

    /// The first link in the body whose path starts with `/{kind}/`.
    pub fn link(&self, kind: &str) -> String {
        let body = self.body();
        let marker = format!("/{kind}/");
        body.split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(&marker))
            .unwrap_or_else(|| panic!("no /{kind}/ link in the message:\n{body}"))
            .to_string()
    }
}

pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`, for `CHORUS_SMTP_URL`.
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the SMTP sink");
        let url = format!("smtp://127.0.0.1:{}", listener.local_addr().unwrap().port());
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let store = received.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let store = store.clone();
                std::thread::spawn(move || {
                    let _ = serve(stream, &store);
                });
            }
        });
        SmtpSink { url, received }
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }

    /// Waits (up to 10 s) until at least `n` messages arrived; returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = self.received.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "the SMTP sink got {} message(s), expected {n}",
                got.len()
            );
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The latest message to `address`, waiting for it.
    pub async fn message_to(&self, address: &str) -> Received {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found = self
                .received
                .lock()
                .unwrap()
                .iter()
                .rev()
                .find(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
                .cloned();
            if let Some(m) = found {
                return m;
            }
            assert!(
                Instant::now() < deadline,
                "no message to {address} reached the SMTP sink"
            );
            actix_web::rt::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

fn serve(stream: TcpStream, store: &Mutex<Vec<Received>>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = stream.try_clone()?;
    let mut lines = BufReader::new(stream);
    out.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            out.write_all(b"250 sink.test\r\n")?;
        } else if command.starts_with("MAIL") {
            to.clear();
            out.write_all(b"250 OK\r\n")?;
        } else if command.starts_with("RCPT") {
            let address = line
                .split_once('<')
                .and_then(|(_, rest)| rest.split_once('>'))
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
            to.push(address);
            out.write_all(b"250 OK\r\n")?;
        } else if command == "DATA" {
            out.write_all(b"354 end with .\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                // Undo dot-stuffing.
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            store.lock().unwrap().push(Received {
                to: std::mem::take(&mut to),
                data,
            });
            out.write_all(b"250 OK queued\r\n")?;
        } else if command == "QUIT" {
            out.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            out.write_all(b"250 OK\r\n")?;
        }
    }
}
