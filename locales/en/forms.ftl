# Forms that behave the same everywhere (issue 12), pages served outside the page
# middleware (short links, QR codes, static files) and the CSV import's row errors.

forms-id-too-long = { $field } is too long: at most { $max } characters.
forms-field-invalid = { $field } is not valid.

# Row errors of the CSV import page (the CLI prints the same errors in English).
forms-import-required = Required.
forms-import-whole-number = Must be a whole number (got { $value }).
forms-import-negative = Must not be negative (got { $value }).
forms-import-positive = Must be a positive whole number (got { $value }).
forms-import-at-most = Must be at most { $max }.
forms-import-not-a-time = { $value } is not a time; use RFC 3339 (2026-03-01T12:00:00Z) or a date (2026-03-01).
forms-import-future = Lies in the future; enter times that have happened.
forms-import-unclosed-quote = A double quote opened in this row is never closed, so the rest of the file became one value.
forms-import-width = Has { $got } values where the first line names { $want } columns; a value with a comma must be in double quotes.
forms-import-not-utf8 = Not UTF-8 text; save the file as CSV UTF-8.
forms-import-give-either = Give { $a } or { $b }.
forms-import-stage-blank = The stage is blank; a Closed Won deal is a sale, any other stage a lead.
forms-import-network = Unknown network { $value }; use linkedin, x, facebook, instagram, threads, bluesky, xing, tiktok, youtube, email or other.
forms-import-email = { $value } is not a valid e-mail address.
forms-import-currency = { $value } is not an ISO 4217 currency code such as EUR or USD.
forms-import-amount = { $value } is not an amount; write digits with a point before the decimals, such as 1250.00.
forms-import-kind = The kind must be lead, signup, sale or a name of a-z, 0-9, _ or - (got { $value }).
forms-import-no-brand = No brand named { $name }; add it on the Brands page first.
forms-import-no-share-id = No share { $id }.
forms-import-no-share-alt = No share with { $column } { $value }.
forms-import-no-employee-id = No employee { $id }.
forms-import-no-employee-alt = No employee with { $column } { $value }.

# The import page's summary line (English pages show the engine's own sentence).
forms-import-summary-refused = { $bad } of { $rows } rows have errors ({ $errors } in all); nothing was imported.
forms-import-summary-refused-dry = { $bad } of { $rows } rows have errors ({ $errors } in all); an import would be refused. Nothing was stored (dry run).
forms-import-summary-empty = The file has no rows; there is nothing to import.
forms-import-summary-valid = All { $rows } rows are valid; an import would add { $added }. Nothing was stored (dry run).
forms-import-summary-imported = Added { $added } from { $rows } rows.
forms-import-channel = Use 1 to 32 characters a-z, 0-9, _ or -, such as linkedin, x or news (got { $value }).
forms-import-brand-missing = Name a brand.
forms-import-empty = Must not be empty.
forms-import-at-most-chars = At most { $max } characters (no control characters).
forms-import-mention-future = { $value } is in the future; mentions are reported after they happen.
forms-import-mention-kind = Must be post or comment (got { $value }).
forms-import-sentiment = Must be positive, neutral or negative (got { $value }).
forms-import-unreadable = The row could not be read.
forms-import-column-ignored = Column { $column } is not imported.
forms-import-share-mismatch = { $value } is share { $found }, not share { $id } as { $column } says.
forms-import-employee-mismatch = { $value } is employee { $found }, not employee { $id } as { $column } says.
forms-import-changed = { $problem } (It changed during the import.)
forms-import-merged-case = { $problem } (once merged with the case stored under external_id { $external_id })

# What each column of an import file holds (the CLI and docs keep the English of
# domain::csv_import; these are the page's).

forms-import-help-mentions-brand = a brand's name, as on the Brands page (any case)
forms-import-help-mentions-channel = where it was seen: linkedin, x, news, naver_blog, … (a-z, 0-9, _ and -)
forms-import-help-mentions-author = who wrote it (up to 200 characters)
forms-import-help-mentions-text = the post or comment (up to 10,000 characters)
forms-import-help-mentions-occurred-at = RFC 3339 (2026-03-01T09:30:00+09:00), local YYYY-MM-DD HH:MM[:SS], or YYYY-MM-DD
forms-import-help-mentions-kind = post (the default) or comment
forms-import-help-mentions-sentiment = positive, neutral or negative; blank: Chorus scores the text
forms-import-help-mentions-author-reach = the author's followers, a whole number
forms-import-help-mentions-url = an http(s) link to the mention
forms-import-help-mentions-external-id = the platform's id; a repeat on the same channel is skipped as a duplicate
forms-import-help-metrics-share-id = the share's id, as in the API
forms-import-help-metrics-slug = the short link's slug, instead of share_id
forms-import-help-metrics-likes = a whole number, 0 or more
forms-import-help-metrics-comments = a whole number, 0 or more
forms-import-help-metrics-reshares = a whole number, 0 or more
forms-import-help-metrics-impressions = a whole number; blank: not known
forms-import-help-metrics-observed-at = when the figures were read; blank: the time of the import
forms-import-help-followers-employee-id = the employee's id, as in the API
forms-import-help-followers-employee-email = the employee's e-mail address, instead of employee_id
forms-import-help-followers-network = linkedin, x, facebook, instagram, threads, bluesky, xing, tiktok, youtube, email or other
forms-import-help-followers-followers = a whole number, 0 or more
forms-import-help-followers-observed-at = when the count was read; blank: the time of the import
forms-import-help-support-cases-channel = where the case was raised: twitter, facebook_dm, app-store, … (a-z, 0-9, _ and -)
forms-import-help-support-cases-opened-at = RFC 3339 (2026-03-01T09:30:00+09:00), local YYYY-MM-DD HH:MM[:SS], or YYYY-MM-DD
forms-import-help-support-cases-first-response-at = blank while unanswered; not before opened_at
forms-import-help-support-cases-resolved-at = blank while open; not before opened_at
forms-import-help-support-cases-external-id = the case's id in your support tool; a known id updates that case
forms-import-help-conversions-kind = lead, signup, sale or a custom kind (a-z, 0-9, _ and -), as POST /api/v1/conversions takes
forms-import-help-conversions-occurred-at = RFC 3339, local YYYY-MM-DD HH:MM[:SS], or YYYY-MM-DD (then a click of that day counts)
forms-import-help-conversions-value = the amount in the currency's units: 1250, 1250.00 or 1,250.00; blank: none
forms-import-help-conversions-currency = ISO 4217 code such as EUR; blank: the configured default (CHORUS_DEFAULT_CURRENCY)
forms-import-help-conversions-external-id = the order or deal id; a conversion of the same kind and id, stored or earlier in the file, is skipped as a duplicate
forms-import-help-conversions-click-id = the chorus_click id of the landing URL: a verified human click within the attribution window earns the conversion; blank: none
forms-import-help-conversions-customer-id = your customer's id: a row without a click id earns what the customer's first conversion earned, when that one was attributed
forms-import-help-salesforce-opportunity-id = the opportunity's id: external_id, so a re-import skips what is stored
forms-import-help-salesforce-stage = Closed Won is a sale; any other stage (open, or Closed Lost) is a lead
forms-import-help-salesforce-close-date = when a sale happened: a click of that day or the window before counts
forms-import-help-salesforce-created-date = when a lead happened; blank or absent: the Close Date
forms-import-help-salesforce-amount = in the opportunity's currency: 12500 or 12,500.00
forms-import-help-salesforce-opportunity-currency = ISO 4217 code (multi-currency orgs); blank or absent: the configured default
forms-import-help-salesforce-chorus-click-id = a custom text field filled from the chorus_click id (a hidden form field or the tracking script); a verified human click within the attribution window earns the conversion
forms-import-help-salesforce-account-id = the customer: a later opportunity of an account first won through a share is credited to it
forms-import-help-salesforce-chorus-kind = optional custom field naming the kind (lead, signup, sale or your own); overrides the stage
forms-import-help-hubspot-record-id = the deal's id: external_id, so a re-import skips what is stored
forms-import-help-hubspot-deal-stage = Closed Won is a sale; any other stage (open, or Closed Lost) is a lead
forms-import-help-hubspot-close-date = when a sale happened: a click of that day or the window before counts
forms-import-help-hubspot-create-date = when a lead happened; blank or absent: the Close Date
forms-import-help-hubspot-amount = in the deal's currency: 12500 or 12,500.00
forms-import-help-hubspot-currency = ISO 4217 code (multi-currency portals); blank or absent: the configured default
forms-import-help-hubspot-chorus-click-id = a custom text field filled from the chorus_click id (a hidden form field or the tracking script); a verified human click within the attribution window earns the conversion
forms-import-help-hubspot-associated-company-ids-primary = the customer: a later deal of a company first won through a share is credited to it
forms-import-help-hubspot-chorus-kind = optional custom field naming the kind (lead, signup, sale or your own); overrides the stage
