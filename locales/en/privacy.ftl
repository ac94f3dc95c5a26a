# Privacy mode on boards, the opt-in, erasure and the download of one's own data.

privacy-anonymous = Anonymous employee
privacy-erased = Erased employee
privacy-no-team = No team
privacy-rank-hidden = Ranks are not shown (team boards only)
privacy-saved = Your leaderboard choice is saved.
privacy-to-board = See the leaderboard
privacy-me-heading = Leaderboard and your data
privacy-opt-in-label = Show my name on leaderboards
privacy-opt-in-help = Until you tick this, others see you as an anonymous employee on the boards; you always see your own name. Your admins can see this choice but cannot make it for you.
privacy-opt-in-help-other-mode = Your organisation does not ask for this choice right now; it is kept for when boards show only the names of those who opted in.
privacy-opt-in-save = Save choice
privacy-download-data = Download my data (JSON)
privacy-download-help = Your profile, links, clicks per day, conversions, reported figures and sessions.
privacy-board-title = Leaderboard
privacy-board-heading = Leaderboard
privacy-board-period = { $n ->
    [one] Today
   *[other] Last { $count } days
}
privacy-to-me = Back to my links
privacy-board-teams = Boards show teams, not people.
privacy-board-opt-in = Only people who chose to appear by name are named; the others are anonymous.
privacy-admin-heading = Privacy
privacy-admin-opted-in = Appears by name on boards (their own choice).
privacy-admin-not-opted-in = Has not chosen to appear by name on boards.
privacy-admin-opt-in-help = Only the employee can change this, on their own page; it matters when the privacy mode is “opt-in”.
privacy-download-employee-data = Download this employee’s data (JSON)
privacy-erase-help = Erasing removes the person for good and keeps their numbers in every total.
privacy-erase = Erase employee…
privacy-erased-notice = The employee is erased. Their shares and clicks still count, under “Erased employee”.
privacy-erase-title = Erase employee
privacy-erase-heading = Erase { $name }?
privacy-erase-removes = Removed: name, e-mail address, password, language, leaderboard choice, sessions, invitations, password-reset links and social profiles. They can never sign in again.
privacy-erase-keeps = Kept: their shares and short links, clicks, conversions and follower counts, so boards and KPIs keep their totals; boards show them as “Erased employee”.
privacy-erase-warning = This cannot be undone.
privacy-erase-submit = Erase for good
privacy-erase-cancel = Cancel
privacy-erase-last-admin = This is the last active admin: make another admin first.
