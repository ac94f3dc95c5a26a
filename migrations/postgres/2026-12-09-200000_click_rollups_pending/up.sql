-- Local days whose clicks changed click_rollups while the rollups above it (click_days,
-- click_share_months, click_owner_spans, click_breakdowns, click_facet_spans) were not
-- yet updated: the click writer gathers those changes over many batches and writes them
-- together, and marks each day here in the transaction of the first batch it holds back.
-- Writing them clears the marks. A day still marked at start-up is rebuilt from
-- click_rollups and the raw clicks (store::clicks::rebuild_marked_days).
CREATE TABLE click_rollups_pending (
    day DATE NOT NULL PRIMARY KEY
);
