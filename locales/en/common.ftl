# The frame, navigation, language switch and error pages.
# Keys are written `area.thing` in code and templates; Fluent ids use `-` (area-thing).

page-login = Sign in
page-setup = Set up Chorus
page-overview = Overview
page-employees = Employees and teams
page-links = Share links
page-me = My links
page-feed = Feed
page-conversions = Conversions
page-mentions = Mentions
page-brands = Brands
page-sentiment = Sentiment words
page-support = Support cases
page-import = Import CSV

nav-label = Main
nav-overview = Overview
nav-links = Links
nav-feed = Feed
nav-employees = Employees
nav-conversions = Conversions
nav-mentions = Mentions
nav-brands = Brands
nav-sentiment = Sentiment
nav-support = Support
nav-import = Import
nav-menu = Menu
nav-more = More
nav-leaderboards = Leaderboards
nav-content = Content
nav-campaigns = Campaigns
nav-keys = API keys
nav-settings = Settings
nav-me = My links
nav-signout = Sign out
nav-signed-in-as = { $name }
nav-language = Language
nav-language-apply = Change
language-en = English
language-ko = 한국어
locale-saved = Language changed to English.

error-home-link = Go to the start page
error-form-expired = The form has expired. Reload the page and try again.
error-not-found-heading = Page not found
error-not-found-detail = The page or link you asked for does not exist, or it has been removed.
error-link-not-found-heading = Link not found
error-link-not-found-detail = This short link does not exist. Check that it was copied completely, or ask the person who shared it.
error-link-gone-heading = Link no longer available
error-link-gone-detail = This short link has expired or was switched off by its owner.
error-forbidden-heading = Not allowed
error-forbidden-detail = Your account does not have access to this page.
error-bad-request-heading = Request refused
error-bad-request-detail = The request could not be processed. Go back and try again.
error-too-many-heading = Too many attempts
error-too-many-detail = Please wait a minute and try again.
error-unavailable-heading = Temporarily unavailable
error-unavailable-detail = The database is not answering. Please try again shortly.
error-login-required-heading = Please sign in
error-login-required-detail = You need to sign in to see this page.
error-internal-heading = Something went wrong
error-internal-detail = The error has been logged. Please try again.

# Form checks shared by pages.
form-optional = (optional)
form-date-invalid = Enter a date as YYYY-MM-DD (got “{ $value }”).
form-date-order = The end date must not be before the start date.

network-email = E-mail
network-other = Other
