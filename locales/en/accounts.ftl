# Accounts (issue 13): invitations, password links, change password, employee management.

account-forgot-link = Forgot your password?
account-forgot-title = Reset your password
account-forgot-heading = Reset your password
account-forgot-intro = { $n ->
    [one] Enter the e-mail address of your account. We send you a link to choose a new password; it works once, for { $count } hour.
   *[other] Enter the e-mail address of your account. We send you a link to choose a new password; it works once, for { $count } hours.
}
account-forgot-submit = Send me a link
account-forgot-sent = { $n ->
    [one] If an account exists for that address, a link to choose a new password is on its way. It works once, for { $count } hour. Check your spam folder if it does not arrive.
   *[other] If an account exists for that address, a link to choose a new password is on its way. It works once, for { $count } hours. Check your spam folder if it does not arrive.
}
account-forgot-no-mail = This Chorus does not send e-mail. Ask an admin for a password reset link: they can make one on your page under Employees.
account-to-sign-in = Go to sign-in
account-reset-title = Choose a new password
account-reset-heading = Choose a new password
account-reset-intro = After this, you are signed out everywhere; sign in again with the new password.
account-reset-submit = Save new password
account-reset-done = Your password was changed. Sign in with the new one.
account-reset-unknown-heading = This link does not work
account-reset-unknown-detail = The password reset link is not valid. Check that it was copied completely, or ask for a new one.
account-reset-used-heading = This link was already used
account-reset-used-detail = Each password reset link works once. If you did not change your password yourself, ask for a new link now.
account-reset-expired-heading = This link has expired
account-reset-expired-detail = Password reset links work for a limited time. Ask for a new one from the sign-in page or from an admin.
account-reset-mail-subject = Choose a new Chorus password
account-reset-mail-body =
    Hello { $name },

    Someone (hopefully you) asked to reset the password of your Chorus account. Open this link to choose a new one:

    { $link }

    The link works once, for { $hours } hours. After the change you are signed out everywhere.
    If you did not ask for this, ignore this message: your password stays as it is.
account-signs-in-as = Account: { $email }
account-link-until = (link valid until { $time })
account-new-password = New password
account-confirm-password = New password again
account-password-mismatch = The two passwords are not the same.
account-menu-password = Change password
account-password-title = Change password
account-password-heading = Change your password
account-password-intro = Your other sessions (other browsers and devices) are signed out; this one stays signed in.
account-current-password = Current password
account-current-wrong = The current password is not correct.
account-password-submit = Change password
account-password-changed = Your password was changed. Other sessions were signed out.
account-deactivated = This account has been deactivated. Ask an admin if you need access again.

invite-title = Welcome to Chorus
invite-heading = Welcome, { $name }
invite-intro = Choose a password to finish setting up your account. Then you land on the feed, where you share company news in two taps.
invite-submit = Set password and start
invite-unknown-heading = This invitation does not work
invite-unknown-detail = The invitation link is not valid. Check that it was copied completely, or ask your admin for a new invitation.
invite-used-heading = This invitation was already used
invite-used-detail = Each invitation works once. Your account is set up: sign in with your e-mail and password.
invite-expired-heading = This invitation has expired
invite-expired-detail = Invitations work for a limited time. Ask your admin to invite you again.
invite-mail-subject = You are invited to Chorus
invite-mail-body =
    Hello { $name },

    You are invited to Chorus, where you find company news to share with your network in two taps.
    Open this link to choose your password:

    { $link }

    The link works once, for { $days } days.
invite-csv-not-utf8 = The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.
invite-csv-no-header = The first line must name the columns name and email (team is optional).
invite-csv-unreadable = The line could not be read as CSV.
invite-csv-bad-name = The name is empty, too long or has control characters.
invite-csv-bad-email = This is not a valid e-mail address.
invite-csv-bad-team = The team name is too long or has control characters.
invite-csv-duplicate = This e-mail address is already on an earlier line.
invite-csv-too-many = The file has too many rows; invite at most 2000 people per file.
invite-csv-empty = The file has no one to invite.
invite-csv-value = (“{ $value }”)
invite-csv-line = Line { $line }: { $message }
invite-csv-line-column = Line { $line }, { $column }: { $message }

employee-title = Employee
employee-back = ← All employees
employee-status = Status
employee-status-active = can sign in
employee-status-invited = invited
employee-status-no-login = not invited
employee-status-deactivated = deactivated
employee-invite-help-mail = Without a password, the employee gets an invitation by e-mail and chooses one. The link is also shown on their page.
employee-invite-help-no-mail = Without a password, an invitation link is made for you to hand over (this Chorus sends no e-mail).
employee-initial-password-instead = Set a password instead of inviting
employee-csv-heading = Invite from a CSV file
employee-csv-help = One person per line, with the columns name, email and team (team optional; the first line names them).
employee-csv-file = CSV file
employee-csv-submit = Invite everyone
employee-csv-refused = Nobody was invited: correct these lines and upload the file again.
employee-csv-taken = { $email } already belongs to an employee.
employee-csv-invited = { $n ->
    [one] Invited { $count } employee. Each invitation link is on the employee's page.
   *[other] Invited { $count } employees. Each invitation link is on the employee's page.
}
employee-team-rename = Rename
employee-edit-heading = Details
employee-save = Save changes
employee-sign-in-heading = Sign-in
employee-deactivated-help = Deactivated: cannot sign in or make new share links. Existing links keep working and counting.
employee-invite-pending = Invitation pending until { $time }. Copy the link and send it to the employee:
employee-invite-link = Invitation link
employee-no-invitation = Not invited yet, or the invitation has expired.
employee-invite = Invite
employee-invite-again = Make a new invitation
employee-reset-pending = Password reset link, valid until { $time }. Hand it to the employee:
employee-reset-link = Password reset link
employee-reset-help = If the employee forgot the password, make a reset link and hand it over.
employee-reset-help-mail = Employees can reset a forgotten password from the sign-in page. You can also make a reset link to hand over.
employee-make-reset-link = Make a password reset link
employee-sessions-heading = Sessions
employee-sessions-count = { $n ->
    [0] Not signed in anywhere.
    [one] Signed in on { $count } browser.
   *[other] Signed in on { $count } browsers.
}
employee-end-sessions = Sign out everywhere
employee-end-other-sessions = Sign out my other sessions
employee-access-heading = Access
employee-deactivate-help = Deactivating ends every session and blocks sign-in and new share links. Existing links keep redirecting and counting.
employee-deactivate = Deactivate
employee-reactivate-help = Reactivating lets the employee sign in again with their password.
employee-reactivate = Reactivate
employee-last-admin = This is the last active admin: make another admin first.
employee-invite-not-needed = Only an active employee without a password can be invited.
employee-done-added = Employee added. They can sign in with the password you set.
employee-done-saved = Changes saved.
employee-done-invited = Invitation made. Copy the link below and send it to the employee.
employee-done-invite-sent = Invitation e-mailed. The link is also below.
employee-done-invite-failed = The invitation e-mail could not be sent. Copy the link below and send it yourself.
employee-done-reset-link = Password reset link made. Copy it below and hand it over.
employee-done-deactivated = Deactivated. Every session ended.
employee-done-reactivated = Reactivated.
employee-done-sessions-ended = Signed out everywhere.
