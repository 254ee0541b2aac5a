"""The API's token log-in (REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES). Its own module: DRF
imports it while loading rest_framework.views, so it may import nothing that imports views."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's, the user read with their agency and department in the token's query, as the session's
    user is (accounts.backends): every endpoint scopes by the agency, and an intake opens its first
    step in the officer's department (two more queries an intake otherwise)."""

    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user", "user__agency", "user__department").get(key=key)
        except model.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
