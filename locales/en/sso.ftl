# Single sign-on through the company's identity provider (OpenID Connect).

page-sso = Single sign-on
sso-title = Single sign-on
sso-heading = Single sign-on did not complete
sso-back = Back to sign in
sso-button = Sign in with your company account
sso-or = or
sso-provider-down = The company sign-in service could not be reached. Please try again in a moment, or sign in with your password.
sso-refused = The company sign-in service did not confirm who you are. Please try again.
sso-expired = This sign-in took too long or was started elsewhere. Please start again.
sso-no-email = Your company account has no confirmed e-mail address, which Chorus needs to know who you are. Ask your administrator.
sso-unknown = No Chorus account uses the e-mail address of your company account. Ask your administrator for an invitation.
sso-deactivated = Your Chorus account is deactivated. Ask your administrator.
