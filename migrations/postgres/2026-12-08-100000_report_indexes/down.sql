DROP INDEX metrics_snapshots_time;
DROP INDEX mentions_supporters;
DROP INDEX mentions_day_facts;
