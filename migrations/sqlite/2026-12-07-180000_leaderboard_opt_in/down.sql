-- The earlier flags were never chosen by anyone: nothing to restore.
SELECT 1;
