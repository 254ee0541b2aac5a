"""The log-in backend: Django's, with the user of each request read together with their agency and
department."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class AgencyModelBackend(ModelBackend):
    """Nearly every staff page reads `request.user.agency` (scoping, headings, the work calendar),
    and the moves read the officer's department: joined to the user's own query, they cost no query
    of their own."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("agency", "department")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
