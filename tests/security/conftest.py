"""Fixtures of the hardening tests (issue 20): dossiers built by the real services
(tests/dossiers/conftest.py) and clients signed in as an officer, through the page or the API."""

import pytest
from rest_framework.test import APIClient

from ..dossiers.conftest import build_dossier, frozen, make_intake, submit_online, variant, vn  # noqa: F401


@pytest.fixture
def page_as(client):
    """page_as(user) → the test client logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_as():
    """api_as(user) → an API client authenticated as `user`."""

    def login(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    return login
