DROP TABLE click_rollups_pending;
