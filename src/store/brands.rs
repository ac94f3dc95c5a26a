//! Brands and their keyword lists (`brands`, `brand_keywords`): the own brand (at most
//! one, a partial unique index behind the check) and its competitors.
//!
//! Names and keywords compare ignoring case (in Rust: Unicode-aware, which SQLite's
//! `lower()` is not); the unique indexes are exact, so every check-then-write runs in a
//! write transaction.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;

use super::tx::write_transaction;
use super::{insert_returning_id, now, per_backend, StoreError};
use crate::db::schema::{brand_keywords, brands, mentions};
use crate::db::DbConnection;
use crate::domain::brand::{same_name, Keyword, KeywordKind, NewBrand};

/// A brand as the API shows one: keywords and intended attributes in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brand {
    pub id: i64,
    pub name: String,
    pub own: bool,
    pub keywords: Vec<String>,
    pub intended_attributes: Vec<String>,
}

/// Why a brand was not created or changed.
#[derive(Debug, thiserror::Error)]
pub enum BrandRefused {
    /// Another brand has this name (ignoring case); carries its spelling.
    #[error("a brand named {0:?} already exists")]
    NameTaken(String),
    /// There is an own brand already; carries its name.
    #[error("{0:?} is already the own brand")]
    OwnBrandExists(String),
    #[error("only the own brand has intended attributes")]
    AttributeOnCompetitor,
    #[error("a brand keeps at least one keyword")]
    LastKeyword,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<DieselError> for BrandRefused {
    fn from(err: DieselError) -> BrandRefused {
        BrandRefused::Store(err.into())
    }
}

type KeywordRow = (i64, i64, String, String);

/// Every brand's `(id, name, own)`, the own brand first, then by name.
fn brand_rows(conn: &mut DbConnection) -> Result<Vec<(i64, String, bool)>, StoreError> {
    Ok(brands::table
        .select((brands::id, brands::name, brands::own))
        .order((brands::own.desc(), brands::name.asc(), brands::id.asc()))
        .load(conn)?)
}

fn assemble(rows: Vec<(i64, String, bool)>, keywords: Vec<KeywordRow>) -> Vec<Brand> {
    let mut lists: BTreeMap<i64, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for (_, brand_id, keyword, kind) in keywords {
        let entry = lists.entry(brand_id).or_default();
        match KeywordKind::parse(&kind) {
            Some(KeywordKind::Attribute) => entry.1.push(keyword),
            _ => entry.0.push(keyword),
        }
    }
    rows.into_iter()
        .map(|(id, name, own)| {
            let (keywords, intended_attributes) = lists.remove(&id).unwrap_or_default();
            Brand {
                id,
                name,
                own,
                keywords,
                intended_attributes,
            }
        })
        .collect()
}

fn keyword_rows(
    conn: &mut DbConnection,
    brand_id: Option<i64>,
) -> Result<Vec<KeywordRow>, StoreError> {
    let mut query = brand_keywords::table
        .select((
            brand_keywords::id,
            brand_keywords::brand_id,
            brand_keywords::keyword,
            brand_keywords::kind,
        ))
        .order(brand_keywords::id.asc())
        .into_boxed();
    if let Some(id) = brand_id {
        query = query.filter(brand_keywords::brand_id.eq(id));
    }
    Ok(query.load(conn)?)
}

/// Every brand, the own brand first, then by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<Brand>, StoreError> {
    let rows = brand_rows(conn)?;
    let keywords = keyword_rows(conn, None)?;
    Ok(assemble(rows, keywords))
}

/// One brand by id.
///
/// # Errors
/// `StoreError::NotFound` when there is none.
pub fn find_by_id(conn: &mut DbConnection, id: i64) -> Result<Brand, StoreError> {
    let row: (i64, String, bool) = brands::table
        .find(id)
        .select((brands::id, brands::name, brands::own))
        .first(conn)?;
    let keywords = keyword_rows(conn, Some(id))?;
    assemble(vec![row], keywords)
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The brands' `(id, name)`, for resolving names given by integrators.
pub fn list_names(conn: &mut DbConnection) -> Result<Vec<(i64, String)>, StoreError> {
    Ok(brands::table
        .select((brands::id, brands::name))
        .order(brands::id.asc())
        .load(conn)?)
}

/// The id of the brand of that name (ignoring case).
pub fn find_id_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<i64>, StoreError> {
    Ok(list_names(conn)?
        .into_iter()
        .find(|(_, n)| same_name(n, name))
        .map(|(id, _)| id))
}

/// Why a new brand cannot be stored as things are now, if it cannot.
fn conflict(conn: &mut DbConnection, new: &NewBrand) -> Result<Option<BrandRefused>, StoreError> {
    let rows = brand_rows(conn)?;
    if let Some((_, name, _)) = rows
        .iter()
        .find(|(_, n, _)| same_name(n, new.name.as_str()))
    {
        return Ok(Some(BrandRefused::NameTaken(name.clone())));
    }
    if new.own {
        if let Some((_, name, _)) = rows.iter().find(|(_, _, own)| *own) {
            return Ok(Some(BrandRefused::OwnBrandExists(name.clone())));
        }
    }
    Ok(None)
}

/// Creates a brand with its keywords and intended attributes, all or nothing.
///
/// # Errors
/// [`BrandRefused::NameTaken`] when a brand of that name exists (ignoring case),
/// [`BrandRefused::OwnBrandExists`] for a second own brand; store errors otherwise.
pub fn insert(conn: &mut DbConnection, new: &NewBrand) -> Result<Brand, BrandRefused> {
    write_transaction(conn, |conn| {
        if let Some(refused) = conflict(conn, new)? {
            return Err(refused);
        }
        let values = (
            brands::name.eq(new.name.as_str()),
            brands::own.eq(new.own),
            brands::created_at.eq(now()),
        );
        // In a savepoint: on PostgreSQL a concurrent request may win the unique index
        // between the check and the insert, and the transaction must survive to say which.
        let inserted =
            conn.transaction(|c| insert_returning_id!(c, brands::table, values, brands::id));
        let id = match inserted {
            Ok(id) => id,
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
                return Err(conflict(conn, new)?.unwrap_or_else(|| {
                    BrandRefused::Store(StoreError::Conflict(info.message().to_owned()))
                }));
            }
            Err(other) => return Err(other.into()),
        };
        let rows: Vec<_> = new
            .keywords
            .iter()
            .map(|k| (k, KeywordKind::Keyword))
            .chain(
                new.intended_attributes
                    .iter()
                    .map(|k| (k, KeywordKind::Attribute)),
            )
            .map(|(k, kind)| {
                (
                    brand_keywords::brand_id.eq(id),
                    brand_keywords::keyword.eq(k.as_str()),
                    brand_keywords::kind.eq(kind.as_str()),
                )
            })
            .collect();
        per_backend!(conn, c => diesel::insert_into(brand_keywords::table)
            .values(&rows)
            .execute(c))?;
        Ok(find_by_id(conn, id)?)
    })
}

/// What [`add_keyword`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    Added,
    /// The brand had it already (ignoring case): nothing changed.
    AlreadyThere,
}

/// Adds a keyword or (own brand only) an intended attribute to a brand.
///
/// # Errors
/// `NotFound` for an unknown brand, [`BrandRefused::AttributeOnCompetitor`], or
/// `StoreError::Conflict` beyond [`crate::domain::brand::MAX_KEYWORDS`] entries.
pub fn add_keyword(
    conn: &mut DbConnection,
    brand_id: i64,
    kind: KeywordKind,
    keyword: &Keyword,
) -> Result<Added, BrandRefused> {
    write_transaction(conn, |conn| {
        let brand = find_by_id(conn, brand_id)?;
        if kind == KeywordKind::Attribute && !brand.own {
            return Err(BrandRefused::AttributeOnCompetitor);
        }
        let list = match kind {
            KeywordKind::Keyword => &brand.keywords,
            KeywordKind::Attribute => &brand.intended_attributes,
        };
        if list.iter().any(|k| k.to_lowercase() == keyword.folded()) {
            return Ok(Added::AlreadyThere);
        }
        if list.len() >= crate::domain::brand::MAX_KEYWORDS {
            return Err(BrandRefused::Store(StoreError::Conflict(format!(
                "at most {} entries",
                crate::domain::brand::MAX_KEYWORDS
            ))));
        }
        diesel::insert_into(brand_keywords::table)
            .values((
                brand_keywords::brand_id.eq(brand_id),
                brand_keywords::keyword.eq(keyword.as_str()),
                brand_keywords::kind.eq(kind.as_str()),
            ))
            .execute(conn)?;
        if kind == KeywordKind::Attribute {
            super::mentions::recognise_brand(conn, brand_id)?;
        }
        Ok(Added::Added)
    })
}

/// The keyword rows of a brand: `(keyword id, keyword, kind)`, in the order added (for
/// the admin page's remove buttons).
pub fn keyword_entries(
    conn: &mut DbConnection,
    brand_id: i64,
) -> Result<Vec<(i64, String, KeywordKind)>, StoreError> {
    Ok(keyword_rows(conn, Some(brand_id))?
        .into_iter()
        .map(|(id, _, keyword, kind)| {
            (
                id,
                keyword,
                KeywordKind::parse(&kind).unwrap_or(KeywordKind::Keyword),
            )
        })
        .collect())
}

/// Removes one keyword or attribute of a brand.
///
/// # Errors
/// `NotFound` when the brand has no such entry; [`BrandRefused::LastKeyword`] for the
/// brand's last keyword (attributes may all go).
pub fn remove_keyword(
    conn: &mut DbConnection,
    brand_id: i64,
    keyword_id: i64,
) -> Result<(), BrandRefused> {
    write_transaction(conn, |conn| {
        let entries = keyword_entries(conn, brand_id)?;
        let Some((_, _, kind)) = entries.iter().find(|(id, _, _)| *id == keyword_id) else {
            return Err(BrandRefused::Store(StoreError::NotFound));
        };
        let keywords = entries
            .iter()
            .filter(|(_, _, k)| *k == KeywordKind::Keyword)
            .count();
        if *kind == KeywordKind::Keyword && keywords <= 1 {
            return Err(BrandRefused::LastKeyword);
        }
        diesel::delete(brand_keywords::table.find(keyword_id)).execute(conn)?;
        if *kind == KeywordKind::Attribute {
            super::mentions::recognise_brand(conn, brand_id)?;
        }
        Ok(())
    })
}

/// Mentions per brand id (brands without any are absent).
pub fn mention_counts(conn: &mut DbConnection) -> Result<BTreeMap<i64, i64>, StoreError> {
    let rows: Vec<(i64, i64)> = mentions::table
        .group_by(mentions::brand_id)
        .select((mentions::brand_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
