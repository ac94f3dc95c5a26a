# Sign-in, setup, overview, employees, links and the employee's own page.

login-heading = Sign in
login-submit = Sign in
login-setup-hint = No admin account exists yet. Use the setup link printed by chorus serve, or run:
login-setup-command = chorus admin create --email you@example.com --name "Your Name" --password-stdin
login-expired = The form expired. Please try again.
login-too-many = Too many sign-in attempts. Please wait a minute and try again.
login-wrong = The e-mail or password is not correct.
login-email-missing = Enter your e-mail address.

setup-heading = Create the first admin
setup-intro = This link works once, until an admin account exists.
setup-password-hint = (at least 10 characters)
setup-submit = Create admin
setup-email-taken = An account with this e-mail already exists.

form-field-email = E-mail
form-field-password = Password
form-field-name = Name
form-field-team = Team
form-field-team-name = Team name
form-field-role = Role
form-label-empty = { $field } must not be empty.
form-label-too-long = { $field } must be at most { $max } characters.
form-label-control = { $field } must not contain control characters.
form-email-invalid = “{ $value }” is not a valid e-mail address.
form-role-unknown = “{ $value }” is not a role (use employee or admin).
form-password-too-short = The password must be at least { $min } characters.
form-password-too-long = The password must be at most { $max } characters.
form-password-hashing = The password could not be stored. Please try again.
form-count-invalid = { $field }: enter a whole number of 0 or more.

role-admin = admin
role-employee = employee

home-heading = Overview
home-employees = Employees
home-teams = Teams
home-campaigns = Campaigns
home-content = Content items
home-shares = Share links
home-clicks = Clicks recorded
home-conversions = Conversions
home-top-employees = Most clicks, last 30 days
home-top-employees-hint = verified human clicks
home-top-shares = Top shares, last 30 days
home-no-clicks = No clicks yet.
home-footer = Database: { $backend }. Counts are live; clicks count on the day they happened.

employees-heading = Employees and teams
employees-list = Employees
employees-empty = No employees yet. Add the first one with the form.
employees-add = Add an employee
employees-add-submit = Add employee
employees-initial-password = Initial password
employees-initial-password-hint = (optional, 10+ characters)
employees-teams = Teams
employees-no-teams = No teams yet.
employees-team-size = { $n ->
    [one] { $count } employee
   *[other] { $count } employees
}
employees-new-team = New team
employees-add-team = Add team
employees-email-taken = An employee with this e-mail already exists.
employees-team-taken = A team with this name already exists.
employees-added-employee = Added { $email }.
employees-added-team = Added team { $name }.

links-heading = Share links
links-intro = Clicks are verified human clicks; "All" also counts flagged requests (own clicks, repeats, scanners), bots and link previews.
links-empty = No share links yet
links-empty-admin = Links appear here as soon as employees share content.
links-col-content = Content
links-col-employee = Employee
links-col-network = Network
links-col-short-link = Short link
links-col-clicks = Clicks
links-col-clicks-hint = Verified human clicks
links-col-unique = Unique
links-col-unique-hint = Distinct visitors per day
links-col-all = All
links-col-all-hint = Every request: humans, flagged, bots and previews
links-col-bots = Bots
links-col-previews = Previews
links-col-engagement = Engagement
links-col-engagement-hint = Likes + comments + reshares of the latest report
links-col-impressions = Impressions
links-col-impressions-hint = Impressions of the latest report
links-col-status = Status
links-copy = Copy
links-qr = QR
links-png = PNG
links-self-reported = self-reported
links-self-reported-hint = Engagement and impressions self-reported by the employee on { $date }
links-not-reported = Not reported
links-nothing-reported = No numbers reported yet
links-status-active = active
links-status-disabled = disabled
links-status-expired = expired
links-enable = Enable
links-disable = Disable
links-report = Report numbers
links-likes = Likes
links-comments = Comments
links-reshares = Reshares
links-save-numbers = Save numbers

me-heading = My links
me-intro = Signed in as { $name } ({ $email }). Clicks you make on your own links are not counted.
me-empty = Links you create for company content appear here with their clicks.
me-report-help = Use “Report numbers” under a link to enter the likes, comments, reshares and impressions your post shows on the network. Figures you report are marked
me-report-help-end = ; reports can leave them out.
me-followers = Your followers
me-followers-help = How many people follow you on each network; reach in reports is based on these counts. Fill in the networks you use and leave the rest empty.
me-followers-now = Now { $count }
me-save-followers = Save follower counts
me-saved-numbers = Saved your numbers for the link.
me-saved-followers = Saved your follower counts.
me-network-followers = { $network } followers
me-followers-refused = Nothing was saved: correct the highlighted counts.
me-followers-empty = Enter a follower count for at least one network.

# The employee feed: the content library with one-tap share buttons.
feed-heading = Share company content
feed-intro = Pick a post and tap a network: your personal short link and the suggested text open in its compose window. Clicks on your links count for you.
feed-my-links = See your links and clicks
feed-search = Search
feed-search-placeholder = Title or topic
feed-campaign = Campaign
feed-campaign-all = All campaigns
feed-apply = Show
feed-reset = Clear filters
feed-empty = Nothing to share yet
feed-empty-help = Content from marketing appears here as soon as it is added to the library.
feed-no-match = No content matches
feed-no-match-help = Try other words or another campaign.
feed-capped = Showing the newest { $shown } of { $total } items. Search or pick a campaign to find older ones.
feed-suggested-text = Suggested text
feed-share-on = Share on
feed-short-link = Your short link
feed-copy-link = Copy link
feed-copied = Copied
feed-copy-failed = Could not copy: select the link and copy it yourself.
feed-qr-alt = QR code of your short link
feed-your-links = Your links for this post ({ $count })
