# The dashboard (/admin) and the leaderboards page (/admin/leaderboards).

dash-heading = Dashboard
dash-compared = { $period }, compared with { $previous }
dash-period = { $range } ({ $days })
dash-days = { $n ->
    [one] { $count } day
   *[other] { $count } days
}
dash-help = Dates are local days in { $zone }, both included. Clicks are verified human clicks; everything counts on the day it happened. The comparison is the period of the same length just before.
dash-range = Period
dash-range-7d = Last 7 days
dash-range-30d = Last 30 days
dash-range-90d = Last 90 days
dash-range-month = This month
dash-range-custom = Custom dates
dash-from = From
dash-to = To
dash-included = (included)
dash-campaign = Campaign
dash-all-campaigns = All campaigns
dash-team = Team
dash-all-teams = All teams
dash-network = Network
dash-all-networks = All networks
dash-apply = Apply
dash-reset = Reset
dash-correct-filter = Correct the highlighted fields to see the figures.
dash-error-range = Pick a period from the list.
dash-error-date-required = Enter a date as YYYY-MM-DD, or pick a period from the list.
dash-error-too-long = The period may span at most 10 years.
dash-error-campaign = Pick a campaign from the list.
dash-error-team = Pick a team from the list.
dash-error-network = Pick a network from the list.
dash-advocacy = Employee advocacy
dash-brand = Brand and customer care
dash-no-data = No data
dash-no-comparison = No comparison
dash-change-none = no change
dash-change-new = new
dash-change-long = { $change } against the previous period ({ $previous })
dash-points = { $value } pp
dash-per-post = { $value } per post
dash-note-per-post = Per post: no share reported impressions.
dash-note-unattributed = Attributed only; { $count } unattributed beside them.
dash-how = Formula and inputs
dash-inputs = Inputs
dash-previous-value = Previous period
dash-emv-note = Earned media value is what the same impressions and clicks would have cost as paid media: read it beside attributed revenue, never alone.
dash-chart-clicks = Clicks per day
dash-chart-clicks-desc = Verified human clicks per day: { $current } in this period, { $previous } in the previous one (dashed line).
dash-chart-funnel = Engagement levels
dash-chart-funnel-desc = The audience funnel: impressions, clicks, engagement, leads and sales of the period, each with its share of the level before.
dash-chart-networks = Human clicks by network
dash-chart-networks-desc = Verified human clicks of the period by the network of the share, { $total } in all.
dash-show-numbers = Show the numbers
dash-col-day = Day
dash-col-clicks = Clicks
dash-col-previous-day = Previous period
dash-col-level = Level
dash-col-count = Count
dash-col-from-previous = Of the level before
dash-col-network = Network
dash-col-share = Share
dash-of-previous = { $share } of the level before
dash-level-lurking = Lurking
dash-level-casual = Casual
dash-level-active = Active
dash-level-committed = Committed
dash-level-loyalist = Loyalist
dash-unknown = Unknown
dash-top = Leaderboards
dash-all-leaderboards = All leaderboards
dash-count-employees = { $n ->
    [one] { $count } employee
   *[other] { $count } employees
}
dash-count-teams = { $n ->
    [one] { $count } team
   *[other] { $count } teams
}
dash-count-campaigns = { $n ->
    [one] { $count } campaign
   *[other] { $count } campaigns
}
dash-count-content = { $n ->
    [one] { $count } content item
   *[other] { $count } content items
}
dash-count-shares = { $n ->
    [one] { $count } share link
   *[other] { $count } share links
}

board-page-title = Leaderboards
board-heading = Leaderboards
board-to-dashboard = Dashboard
board-help = Dates are local days in { $zone }, both included. Boards rank verified human clicks, so bots, link previews, self-clicks and scanner bursts earn nothing; ties are broken by name.
board-empty = Nothing to rank in this period.
board-csv-rank = rank
board-csv-id = id
board-csv-label = label
board-csv-value = value
board-col-rank = #
board-col-name = Name
board-show-more = Show more
board-show-fewer = Show the top 10
board-download-csv = Download CSV
board-unique-visitors = Unique visitors
board-count = Count
board-count-verified = Verified clicks
board-count-unique = Unique visitors
board-model = Attribution
board-model-last_click = Last click
board-model-first_click = First click
board-model-linear = Linear
board-revenue = Credit
board-revenue-sourced = Sourced
board-revenue-influenced = Influenced
board-influence = Influence
board-influence-reach = Reach
board-influence-mentions = Mentions
board-top-shares-title = Top shares
board-top-shares-value = Clicks
board-popular-content-title = Popular content
board-popular-content-value = Clicks
board-most-shared-content-title = Most shared content
board-most-shared-content-value = Shares
board-engagement-shares-title = Most engaging shares
board-engagement-shares-value = Engagement
board-employees-clicks-title = Employees by clicks
board-employees-clicks-value = Clicks
board-employees-shares-title = Who shares most
board-employees-shares-value = Shares
board-employees-posts-title = Who posts most
board-employees-posts-value = Own posts
board-employees-engagement-title = Employees by engagement
board-employees-engagement-value = Engagement
board-employees-reach-title = Employees by reach
board-employees-reach-value = Followers
board-employees-conversions-title = Employees by conversions
board-employees-conversions-value = Conversions
board-employees-revenue-title = Employees by revenue
board-employees-revenue-value = Revenue
board-supporters-title = Supporters
board-supporters-value = Influence share
dash-chart-countries = Human clicks by country
dash-chart-countries-desc = Verified human clicks of the period by the visitor's country, { $total } in all; the largest countries.
dash-chart-devices = Human clicks by device
dash-chart-devices-desc = Verified human clicks of the period by device class, { $total } in all.
dash-chart-referrers = Human clicks by referrer
dash-chart-referrers-desc = Verified human clicks of the period by the host of the page that sent them, { $total } in all; the largest hosts.
dash-col-country = Country
dash-col-device = Device
dash-col-referrer = Referrer host
dash-chart-sov-brands = Share of voice by brand
dash-chart-sov-brands-desc = Each brand's mentions of the period as a share of every brand's mentions ({ $total } in all); the own brand first.
dash-chart-sov-channels = Share of voice by channel
dash-chart-sov-channels-desc = The own brand's mentions on each mention channel as a share of every brand's mentions there.
dash-chart-sentiment = Mentions and sentiment by brand
dash-chart-sentiment-desc = Mentions of the period of the own brand (first) and of each competitor, split into positive, neutral and negative.
dash-col-brand = Brand
dash-col-mentions = Mentions
dash-col-channel = Channel
dash-col-own-mentions = Own-brand mentions
dash-col-all-mentions = All mentions
dash-own-brand = { $brand } (own)
dash-sentiment-positive = Positive
dash-sentiment-neutral = Neutral
dash-sentiment-negative = Negative
