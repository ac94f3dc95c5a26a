# "My stats" on /me: the employee's own row on every employee board.

mystats-heading = { $n ->
    [one] My results, today
   *[other] My results, last { $count } days
}
mystats-rank = Rank { $rank } of { $of }
mystats-unranked = Not ranked yet
mystats-help = Ranks count everyone with a result on the same board: verified human clicks, conversions attributed to your last click, revenue in the default currency, followers as last reported.
