-- Whether a mention's text contains one of its brand's intended attributes: brand
-- attribute recognition (`/kpis`) then counts flags with the mention facts instead of
-- reading, lower-casing and scanning every own mention's text on every request (110 000
-- a year at the 10 M-click benchmark). Kept by store::mentions: set on insert, recomputed
-- for a brand when its intended attributes change (store::brands).
ALTER TABLE mentions ADD COLUMN recognised BOOLEAN NOT NULL DEFAULT FALSE;

-- Brands whose flags are still to be computed. Keyword matching (Unicode case folding,
-- whole words, Hangul anywhere: domain::mention) is not SQL's on either engine, so the
-- backfill of existing rows runs in Rust right after the migrations
-- (store::mentions::recognise_pending, from startup::open_database) and empties this.
CREATE TABLE recognition_pending (
    brand_id BIGINT PRIMARY KEY NOT NULL REFERENCES brands (id) ON DELETE CASCADE
);
INSERT INTO recognition_pending (brand_id)
SELECT DISTINCT brand_id FROM brand_keywords WHERE kind = 'attribute';

-- The facts index stays covering with the flag in it.
DROP INDEX mentions_day_facts;
CREATE INDEX mentions_day_facts ON mentions (day, channel, author, brand_id, sentiment, recognised);
