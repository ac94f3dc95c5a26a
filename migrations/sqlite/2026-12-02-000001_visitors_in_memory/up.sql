-- On SQLite the click writer keeps unique visitors per share and day in memory and rebuilds
-- a day from `clicks` when it needs one (src/domain/visitor_book.rs): the visitors table cost
-- one random B-tree write per click, more than half of the writer's work. PostgreSQL, where
-- several instances may write, keeps the table.
DROP TABLE click_visitors;
