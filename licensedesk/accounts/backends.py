from django.contrib.auth.backends import ModelBackend

from licensedesk.accounts.models import User


class EmailBackend(ModelBackend):
    """Log in by email, case-insensitively; inactive users never authenticate."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).select_related("organization").first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def user_can_authenticate(self, user):
        if not user.is_active:
            return False
        org = user.organization
        return org is None or org.is_active

    def get_user(self, user_id):
        user = User.objects.select_related("organization").filter(pk=user_id).first()
        return user if user and self.user_can_authenticate(user) else None
