"""The menus' links are template fragments kept in each process's memory (base.html,
includes/staff_nav.html, the "local" cache): one process serves every role in turn, so each role
must still get its own links, and a visitor the public ones."""

import pytest
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db

MINE = "/can-bo/ho-so/cua-toi/"


def links(html: str) -> set[str]:
    return {name for name in ("dossiers:intake", "dossiers:queue", "leaders:dashboard", "ratings:kiosk",
                              "accounts:home", "admin:index", "accounts:login", "dossiers:mine")
            if f'href="{reverse(name)}"' in html}


def test_each_role_gets_its_own_links_from_one_process(client, specialist, receptionist, head):
    client.force_login(specialist)
    assert links(client.get(MINE).content.decode()) == {"dossiers:mine", "accounts:home"}
    assert caches["local"]._cache  # the fragments are kept...
    client.force_login(receptionist)  # ...and the next role's differ from them
    assert links(client.get(MINE).content.decode()) == {
        "dossiers:mine", "accounts:home", "dossiers:intake", "dossiers:queue", "ratings:kiosk"}
    client.force_login(head)
    assert links(client.get(MINE).content.decode()) == {
        "dossiers:mine", "accounts:home", "dossiers:intake", "dossiers:queue", "ratings:kiosk",
        "leaders:dashboard"}
    client.force_login(specialist)  # the first role's fragment again, from the cache
    assert links(client.get(MINE).content.decode()) == {"dossiers:mine", "accounts:home"}


def test_an_administrator_sees_the_admin_link_and_a_visitor_the_login_link(client, specialist):
    specialist.is_staff = True
    specialist.save(update_fields=["is_staff"])
    client.force_login(specialist)
    assert "admin:index" in links(client.get(MINE).content.decode())
    client.logout()
    page = client.get(reverse("public:lookup")).content.decode()
    assert links(page) == {"accounts:login"}
    assert f'href="{reverse("procedures:list")}"' in page and "Đăng xuất" not in page
