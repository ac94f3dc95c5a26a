-- Indexes that answer the KPI report's and the supporters board's mention queries from
-- the index alone (no read of the mention bodies, no sort for the grouping), and the
-- metrics snapshots of a period by time.
CREATE INDEX mentions_day_facts ON mentions (day, channel, author, brand_id, sentiment);
CREATE INDEX mentions_supporters ON mentions (brand_id, sentiment, author, day, channel, author_reach);
CREATE INDEX metrics_snapshots_time ON metrics_snapshots (observed_at);
