//! The click pipeline's helpers: the slug cache, enrichment (GeoIP, user agent, visitor
//! hash), daily salts, the click journal, the group-commit writer with its spool, and the
//! versioned records the journal and the spool are written in.

pub mod cache;
pub mod enrich;
pub mod geo;
pub mod journal;
pub mod record;
pub mod salts;
pub mod spool;
pub mod writer;
