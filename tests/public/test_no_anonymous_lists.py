"""No anonymous page or endpoint lists dossiers: the public sees one dossier, after its PIN."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/dossiers/", "/api/v1/dossiers/?q=Bình", "/api/v1/ratings/stats/"])
def test_the_api_lists_nothing_to_an_anonymous_caller(client, build_dossier, url):
    build_dossier("returned")
    response = client.get(url)
    assert response.status_code in (401, 403)
    assert "dossier" not in response.content.decode().lower().replace("dossiers", "")


def test_one_dossier_by_code_is_not_public_either(client, build_dossier):
    dossier = build_dossier("returned")
    assert client.get(f"/api/v1/dossiers/{dossier.code}/").status_code in (401, 403)


@pytest.mark.parametrize("url", ["/can-bo/ho-so/", "/can-bo/ho-so/cho-tiep-nhan/", "/can-bo/so-theo-doi/",
                                 "/can-bo/danh-gia/", "/danh-gia/quay/", "/danh-gia/quay/hien-tai/"])
def test_staff_pages_send_an_anonymous_visitor_to_the_login(client, build_dossier, url):
    dossier = build_dossier("returned")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(f"{resolve_url(settings.LOGIN_URL)}?next=")
    assert dossier.code.encode() not in response.content


def test_a_partial_code_finds_no_list(client, build_dossier):
    dossier = build_dossier("processing")
    page = client.post("/tra-cuu/", {"code": dossier.code[:-4], "pin": dossier.pin}).content.decode()
    assert "Mã hồ sơ hoặc mã tra cứu không đúng." in page and dossier.code not in page
