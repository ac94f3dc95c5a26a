//! Backends cannot drift: a fresh database migrated by the real server has exactly the
//! tables and columns `src/db/schema.rs` declares, each nullable exactly where the schema
//! says `Nullable<…>` — on SQLite and on PostgreSQL (the two migration directories are
//! written by hand, one per backend).

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::common::{is_postgres, TestApp};

/// `table → column → nullable` as `schema.rs` declares them.
fn declared() -> BTreeMap<String, BTreeMap<String, bool>> {
    let text = include_str!("../../src/db/schema.rs");
    let mut tables = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "diesel::table! {" {
            continue;
        }
        let head = lines
            .by_ref()
            .find(|l| !l.trim().starts_with("//") && !l.trim().starts_with("#["))
            .expect("a table name after table!");
        let name = head
            .trim()
            .split(' ')
            .next()
            .expect("table name")
            .to_string();
        let mut columns = BTreeMap::new();
        for line in lines.by_ref() {
            let line = line.trim();
            if line == "}" {
                break;
            }
            if line.starts_with("//") || line.starts_with("#[") || line.is_empty() {
                continue;
            }
            let (column, ty) = line
                .trim_end_matches(',')
                .split_once(" -> ")
                .unwrap_or_else(|| panic!("a column line in {name}: {line:?}"));
            columns.insert(column.to_string(), ty.starts_with("Nullable<"));
        }
        tables.insert(name, columns);
    }
    tables
}

#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    nullable: bool,
}

/// `table → column → nullable` as the migrated database has them (diesel's own table
/// left out).
fn migrated(app: &TestApp) -> BTreeMap<String, BTreeMap<String, bool>> {
    let sql = if is_postgres() {
        "SELECT CAST(table_name AS TEXT) AS table_name, CAST(column_name AS TEXT) AS column_name, \
         is_nullable = 'YES' AS nullable FROM information_schema.columns \
         WHERE table_schema = current_schema()"
    } else {
        // A primary key column is NOT NULL in effect (diesel declares it so) even when
        // SQLite's table_info says otherwise for a non-INTEGER key.
        "SELECT m.name AS table_name, p.name AS column_name, \
         (p.\"notnull\" = 0 AND p.pk = 0) AS nullable \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
    };
    let rows: Vec<ColumnRow> = app
        .db()
        .run_sync(|conn| Ok(diesel::sql_query(sql).load(conn)?))
        .unwrap();
    let mut tables: BTreeMap<String, BTreeMap<String, bool>> = BTreeMap::new();
    for row in rows {
        if row.table_name == "__diesel_schema_migrations" {
            continue;
        }
        tables
            .entry(row.table_name)
            .or_default()
            .insert(row.column_name, row.nullable);
    }
    tables
}

/// Tables only PostgreSQL has: several instances share its unique visitors there, while
/// the one SQLite writer keeps them in memory (migration `visitors_in_memory`).
const POSTGRES_ONLY: [&str; 1] = ["click_visitors"];

#[actix_web::test]
async fn the_migrated_database_is_the_declared_schema() {
    let mut declared = declared();
    if !is_postgres() {
        for table in POSTGRES_ONLY {
            assert!(declared.remove(table).is_some(), "{table} is declared");
        }
    }
    assert!(
        declared.len() > 20,
        "schema.rs parsed: {:?}",
        declared.keys()
    );
    let app = TestApp::spawn().await;
    let migrated = migrated(&app);
    let names = |t: &BTreeMap<String, BTreeMap<String, bool>>| -> Vec<String> {
        t.keys().cloned().collect()
    };
    assert_eq!(names(&migrated), names(&declared), "the same tables");
    for (table, columns) in &declared {
        assert_eq!(
            &migrated[table], columns,
            "{table}: columns and their nullability (true = nullable)"
        );
    }
}
