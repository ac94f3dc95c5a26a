DROP TABLE mention_topic_days;
