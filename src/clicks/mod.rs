//! The click pipeline's helpers: enrichment (GeoIP, user agent), the slug cache, and the
//! durable group-commit writer.

pub mod geo;
