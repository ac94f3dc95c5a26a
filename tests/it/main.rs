//! Integration tests: the real server on a random port against a fresh database per test.
//! SQLite by default; PostgreSQL when `CHORUS_TEST_DATABASE_URL` names a server (see
//! `common`). `.ci/run` runs this binary once per backend.

mod browser_support;
mod common;
mod fixtures;
mod smtp_sink;

mod api_auth;
mod api_breakdowns;
mod api_content_edit;
mod api_conversions;
mod api_employees;
mod api_employees_edit;
mod api_export;
mod api_keys;
mod api_mentions;
mod api_reports;
mod api_settings;
mod api_shares;
mod api_snapshots;
mod api_support;
mod api_trends;
mod browser;
mod browser_accounts;
mod browser_keys;
mod browser_manage;
mod cli;
mod click_store;
mod crash;
mod demo;
mod hostile_input;
mod i18n;
mod import;
mod import_conversions;
mod journal_upgrade;
mod pages_accounts;
mod pages_auth;
mod pages_content;
mod pages_dashboard;
mod pages_feed;
mod pages_links;
mod pages_mentions;
mod pages_my_stats;
mod pages_self_report;
mod pages_settings;
mod pages_support;
mod preview_images;
mod redirect;
mod security;
mod spool;
mod sso;
mod writer_lag;
