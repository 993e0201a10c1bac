from django.urls import path

from licensedesk.accounts.views import auth, me, users

app_name = "accounts"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("login/verify/", auth.login_verify_view, name="login_verify"),
    path("signup/", auth.signup_view, name="signup"),
    path("signup/confirm/<str:token>/", auth.signup_confirm_view, name="signup_confirm"),
    path("forgot-password/", auth.forgot_password_view, name="forgot_password"),
    path("reset-password/<str:token>/", auth.reset_password_view, name="reset_password"),
    path("invitation/<str:token>/", auth.accept_invitation_view, name="accept_invitation"),
    path("profile/", me.profile, name="profile"),
    path("profile/password/", me.change_password, name="change_password"),
    path("profile/tokens/", me.token_list, name="token_list"),
    path("profile/two-factor/", me.two_factor_view, name="two_factor"),
    path("company/", users.company_settings, name="company"),
    path("profile/tokens/<id:token_id>/revoke/", me.token_revoke, name="token_revoke"),
    path("users/", users.user_list, name="user_list"),
    path("users/add/", users.user_add, name="user_add"),
    path("users/<id:user_id>/", users.user_edit, name="user_edit"),
    path("users/<id:user_id>/delete/", users.user_delete, name="user_delete"),
    path("users/<id:user_id>/invite/", users.user_resend_invitation, name="user_reinvite"),
]
