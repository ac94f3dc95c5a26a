DROP INDEX conversion_touchpoints_click;
DROP INDEX conversions_click;
