-- Raw-click retention (app::retention) unlinks conversions and touchpoints from the clicks
-- it deletes, a batch at a time: these make that a lookup instead of a scan.
CREATE INDEX conversions_click ON conversions (click_id);
CREATE INDEX conversion_touchpoints_click ON conversion_touchpoints (click_id);
