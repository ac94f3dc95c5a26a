//! The click pipeline's helpers: the slug cache, enrichment (GeoIP, user agent, visitor
//! hash), daily salts, the click journal, and the group-commit writer with its spool.

pub mod cache;
pub mod enrich;
pub mod geo;
pub mod journal;
pub mod salts;
pub mod spool;
pub mod writer;
