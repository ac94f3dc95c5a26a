//! Chorus: a self-hosted employee-advocacy tracking server with a built-in link shortener.
//! `docs/ARCHITECTURE.md` maps the layers: web → domain → store → db.

pub mod app;
pub mod cli;
pub mod clicks;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod import;
pub mod mail;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
