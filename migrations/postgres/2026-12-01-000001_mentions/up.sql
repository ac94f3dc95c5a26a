-- At most one own brand (DESIGN.md §2: the own brand and its competitors). A partial unique
-- index settles concurrent creations on PostgreSQL, where the application's check alone
-- could let two through; SQLite and PostgreSQL both understand it.
CREATE UNIQUE INDEX brands_one_own ON brands (own) WHERE own;

-- The mentions browser filters by channel and sentiment within a period.
CREATE INDEX mentions_channel_time ON mentions (channel, occurred_at);
