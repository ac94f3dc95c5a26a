DROP INDEX mentions_channel_time;
DROP INDEX brands_one_own;
