"""Rating fixtures: finished dossiers built by the real services, and a citizen's browser that
has proven the PIN on the lookup page."""

import pytest

from ..dossiers.conftest import build_dossier, frozen, make_intake, submit_online, variant, vn  # noqa: F401

NINE_TWOS = {f"c{n}": 2 for n in range(1, 10)}


@pytest.fixture
def returned(build_dossier):  # noqa: F811 - the fixture imported above
    return build_dossier("returned")


@pytest.fixture
def citizen(client, returned):
    """A browser that looked the returned dossier up with its code and PIN."""
    assert client.post("/tra-cuu/", {"code": returned.code, "pin": returned.pin}).status_code == 200
    return client
