# Admin pages: API keys (/admin/keys) and settings (/admin/settings).

keys-title = API keys
keys-heading = API keys
keys-intro = Integrations (your website, a CRM, a data team) call the JSON API with a key sent as Authorization: Bearer followed by the key. A full key can do everything; a publishable key can only report conversions, and only from the web origins you list, so it may sit in a web page.
keys-created = Key “{ $name }” created.
keys-revoked = Key “{ $name }” revoked: it no longer works.
keys-secret-heading = Your new key “{ $name }”
keys-secret-once = Copy it now: this is the only time Chorus shows it. Chorus keeps only a fingerprint of it, so a lost key cannot be shown again — revoke it and create another.
keys-secret-label = New API key
keys-copy = Copy
keys-copied = Copied
keys-secret-full-hint = Keep it on a server (an environment variable, a secrets store), never in a web page or a repository.
keys-secret-publishable-hint = Put it in the data-key attribute of the chorus.js script tag on your website.
keys-list = Keys
keys-active-count = { $n ->
    [one] { $count } active
   *[other] { $count } active
}
keys-empty = No API keys yet. Create one here or on the command line with chorus apikey create.
keys-col-name = Name
keys-col-kind = Kind
keys-col-origins = Allowed origins
keys-col-created = Created
keys-col-last-used = Last used
keys-col-status = Status
keys-kind = Kind
keys-kind-full = Full
keys-kind-publishable = Publishable
keys-kind-full-help = Everything the JSON API offers. For servers only.
keys-kind-publishable-help = Reports conversions only, from the origins below (chorus.js on your website).
keys-never-used = Never
keys-active = Active
keys-revoked-on = Revoked { $date }
keys-revoke-link = Revoke…
keys-revoke-link-label = Revoke the key { $name }
keys-last-use-note = Times are in the time zone of the settings. Last use is noted at most once a minute per key.
keys-create = Create a key
keys-name-hint = (e.g. website, CRM)
keys-origins = Allowed origins
keys-origins-hint = (publishable keys only; one per line, at most { $max })
keys-origins-placeholder = https://www.example.com
keys-create-submit = Create key
keys-error-kind = Choose full or publishable (got “{ $value }”).
keys-error-origin = “{ $value }” is not an origin: write the scheme and the host, such as https://www.example.com, without a path.
keys-error-origin-scheme = “{ $value }” must start with https:// or http://.
keys-error-origin-twice = { $value } is listed twice.
keys-error-origins-too-many = At most { $max } origins.
keys-error-origins-missing = A publishable key needs at least one origin it may be used from.
keys-error-origins-on-full = Only publishable keys have origins. Leave this empty for a full key: it must never sit in a web page.
keys-back = API keys
keys-revoke-title = Revoke an API key
keys-revoke-heading = Revoke the key “{ $name }”?
keys-revoke-warning = Everything that uses this key gets “401 Unauthorized” from its next request on. This cannot be undone: a revoked key never works again.
keys-revoke-submit = Revoke key
keys-revoke-cancel = Keep it

settings-title = Settings
settings-heading = Settings
settings-intro = Saved in the database and shared by every Chorus server on it: this server applies a change at once, the others within { $seconds } seconds, without a restart. The configuration file and the CHORUS_… environment variables give the defaults shown beside each field.
settings-errors = { $n ->
    [one] One field needs a change; nothing was saved.
   *[other] { $count } fields need a change; nothing was saved.
}
settings-saved = Settings saved.
settings-unchanged = Nothing changed.
settings-reset-done = { $setting } is back to its default.
settings-save = Save settings
settings-reset = Reset to default
settings-reset-label = Reset { $setting } to its default
settings-default-is = Default: { $value } ({ $variable })
settings-origin-database = Set here
settings-origin-config = Default in force
settings-none = none
settings-days = { $n ->
    [one] { $count } day
   *[other] { $count } days
}
settings-range = ({ $min }–{ $max })
settings-keys-link = API keys

settings-section-reports = Reports
settings-label-timezone = Time zone
settings-help-timezone = An IANA name such as Asia/Seoul or Europe/Berlin. Reports count whole local days in it, and bare dates mean midnight there. Days already counted keep the zone they were counted in: a change applies to clicks, conversions and mentions from now on.
settings-label-default-currency = Default currency
settings-label-exchange-rates = Fixed exchange rates
settings-rates-placeholder = EUR=1.08, GBP=1.27
settings-help-currency = Conversions without a currency are in the default currency, and reports sum revenue in it, converting other currencies at these rates (units of the default currency per unit of each other one; currencies without a rate are listed apart). The rates belong to the currency: change them together. Earned-media prices are in the default currency too.
settings-label-default-currency-exchange-rates = Currency and exchange rates

settings-section-emv = Earned media value
settings-help-emv = What the same reach would have cost as paid media, per network: CPM is the price of a thousand impressions, CPC of one click, in { $currency }. Blank means no price.
settings-col-network = Network
settings-col-cpm = CPM
settings-col-cpc = CPC
settings-col-default = Default
settings-cpm-of = CPM on { $network }
settings-cpc-of = CPC on { $network }
settings-default-in-table = per network in the table

settings-section-links = Short links
settings-label-redirect-status = Redirect status
settings-redirect-301 = 301 Moved Permanently
settings-redirect-302 = 302 Found (recommended)
settings-redirect-307 = 307 Temporary Redirect
settings-redirect-308 = 308 Permanent Redirect
settings-help-redirect-status = Every redirect carries Cache-Control: no-store, so repeat clicks reach Chorus whatever the status; some browsers still keep permanent redirects (301, 308), so 302 or 307 count best.
settings-label-slug-length = Slug length
settings-help-slug-length = Characters in newly generated short links. Existing links keep theirs.

settings-section-conversions = Conversions
settings-label-attribution-window-days = Attribution window in days
settings-help-attribution-window = How long after a click a conversion is still attributed to it. chorus.js keeps click ids for its data-window-days: keep both the same.

settings-section-privacy = Privacy
settings-label-privacy-mode = Privacy mode
settings-privacy-off = Off: everyone ranked by name
settings-privacy-admins-only = Individual rankings for admins only
settings-privacy-teams-only = Team-level boards only
settings-privacy-opt-in = Only employees who opted in appear by name
settings-privacy-not-enforced = Applied to every board, the dashboard, the API, CSV exports and “my stats”. Off: names shown to everyone who can see boards. Admins only: individual rankings for admins and API keys; employees see only their own figures and rank. Teams only: employee boards are summed by team for everyone, admins and API included, and an employee’s own rank is hidden. Opt-in: only employees who chose it on their page appear by name; the others show as “Anonymous employee” to everyone but themselves.
settings-label-click-retention-days = Raw-click retention in days
settings-retention-hint = (blank: keep; at most { $max })
settings-retention-placeholder = keep
settings-retention-forever = keep for ever
settings-retention-not-enforced = Raw clicks older than this are deleted every hour; the daily counts they were counted in are kept, so reports keep their numbers, and conversions keep their attribution. It may not be shorter than the attribution window.

settings-error-whole-number = Enter a whole number.
settings-error-whole-number-or-blank = Enter a whole number of days, or leave it blank to keep raw clicks.
settings-error-timezone = “{ $value }” is not a time zone: use an IANA name such as Asia/Seoul.
settings-error-currency = “{ $value }” is not an ISO 4217 currency code such as EUR.
settings-error-rate-value = The rate of { $currency } must be a positive number, not “{ $value }”.
settings-error-rate-default = { $currency } is the default currency and needs no rate.
settings-error-rate-syntax = “{ $value }” is not CODE=RATE, such as EUR=1.08.
settings-error-rate-twice = { $currency } is listed twice.
settings-error-rates-required = The rates are units of the current default currency: give the rates in { $currency } too (or none).
settings-error-emv = These prices cannot be used: { $why }
settings-error-amount = “{ $value }” is not an amount with at most { $decimals } decimals, such as 12.50.
settings-error-redirect = { $value } is not one of 301, 302, 307 and 308.
settings-error-slug-length = Choose a length from { $min } to { $max }.
settings-error-window = Choose from 1 to { $max } days.
settings-error-privacy = “{ $value }” is not a privacy mode.
settings-error-retention = Choose from 1 to { $max } days, or leave it blank to keep raw clicks.
settings-error-retention-window = Raw clicks kept { $retention } days would be gone before the attribution window of { $window } days ends.
settings-error-set-and-reset = This setting cannot be changed and reset at once.
settings-error-unknown-setting = “{ $value }” is not a setting.
settings-label-emv-rates = Earned-media prices
