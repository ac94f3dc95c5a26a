//! Use cases: one function per report or action, called alike by the JSON API, the pages
//! and the CSV exports. Each gathers what it needs from the store (inside the one
//! database door the caller opened), applies the domain's rules and formulas, and returns
//! a typed result; handlers only parse, call and render.

pub mod breakdowns;
pub mod credit;
pub mod dashboard;
pub mod erasure;
pub mod kpis;
pub mod leaderboards;
pub mod my_stats;
pub mod personal_data;
pub mod preview_images;
pub mod privacy;
pub mod retention;
pub mod settings;
pub mod sso;
pub mod trends;
