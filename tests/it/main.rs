//! Integration tests: the real server on a random port against a fresh database per test.
//! SQLite by default; PostgreSQL when `CHORUS_TEST_DATABASE_URL` names a server (see
//! `common`). `.ci/run` runs this binary once per backend.

mod browser_support;
mod common;
mod fixtures;

mod api_auth;
mod api_breakdowns;
mod api_conversions;
mod api_employees;
mod api_export;
mod api_mentions;
mod api_reports;
mod api_shares;
mod api_snapshots;
mod api_support;
mod browser;
mod cli;
mod click_store;
mod crash;
mod demo;
mod hostile_input;
mod i18n;
mod import;
mod import_conversions;
mod journal_upgrade;
mod pages_auth;
mod pages_feed;
mod pages_links;
mod pages_mentions;
mod pages_self_report;
mod pages_support;
mod redirect;
mod security;
mod spool;
mod writer_lag;
