DROP INDEX click_rollups_by_day;
CREATE INDEX click_rollups_day ON click_rollups (day);
