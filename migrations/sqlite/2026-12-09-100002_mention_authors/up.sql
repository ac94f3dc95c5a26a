-- Mention authors by number: `/kpis` counts distinct authors per bucket from a year of
-- per-day author facts (182 000 at the 10 M-click benchmark); grouping and counting them
-- by an integer instead of the author's text is cheaper in the database and in the
-- report. store::mentions::insert_rows adds the authors of each batch (names are kept
-- exactly, as `mentions.author` is, so two spellings stay two authors); mentions are only
-- ever inserted.
CREATE TABLE mention_authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
INSERT INTO mention_authors (name) SELECT DISTINCT author FROM mentions ORDER BY author;

ALTER TABLE mentions ADD COLUMN author_id BIGINT NOT NULL DEFAULT 0;
UPDATE mentions SET author_id = (SELECT a.id FROM mention_authors a WHERE a.name = mentions.author);

-- The facts index by the author's number, still covering.
DROP INDEX mentions_day_facts;
CREATE INDEX mentions_day_facts ON mentions (day, channel, author_id, brand_id, sentiment, recognised);
