# The dashboard's trend card: clicks against revenue (app::trends).

trends-heading = Clicks and revenue
trends-intro = How revenue moved with verified human clicks, the same day and up to a week later (Pearson's r, from −1 to 1), and the days whose clicks stood out: beyond two standard deviations of the seven days with data before them.
trends-best = Strongest link: r = { $r } with revenue { $lag }.
trends-points = { $n ->
    [one] (1 day with data)
   *[other] ({ $count } days with data)
}
trends-summary-none = Not enough data yet to relate clicks and revenue: at least five days with both are needed.
trends-lag = { $n ->
    [0] the same day
    [one] 1 day later
   *[other] { $count } days later
}
trends-not-enough = not enough data
trends-col-revenue = Revenue
trends-col-points = Days with data
trends-outliers = Days that stood out
trends-none = No day stood out.
trends-spike = spike
trends-drop = drop
trends-outlier = { $value } clicks against { $mean } a day before
trends-topics = Most mentioned: { $topics }
trends-no-topics = No mentions with topics that day.
trends-col-r = r
trends-keywords = Most used words: { $keywords }
