"""Issue 24, item 2: the staff lists show each dossier's digitised share (papers handed in with their
scan, and a badge when an electronic result exists) from one grouped query over the page's dossiers:
the page's query count does not grow with its rows. Expected cells are counted here from the papers handed in."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers import results


def _scan(dossier, actor, n: int):
    """Scan the first `n` papers handed in."""
    for paper in list(dossier.documents.filter(kind="intake", provided=True).order_by("order", "pk"))[:n]:
        results.dossier_scan_paper(dossier=dossier, actor=actor, document_id=paper.pk,
                                   upload=SimpleUploadedFile("ban-quet.pdf", b"%PDF-1.7\n%%EOF\n",
                                                             content_type="application/pdf"))


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def _cells(html: str) -> list[str]:
    return re.findall(r'<td class="digitised">(.*?)</td>', html)


def test_the_lists_show_the_share_without_a_query_per_row(client, frozen, build_dossier, receptionist, variant):
    handed = variant.documents.count()  # make_intake hands in every paper of the variant
    assert handed >= 2
    first = build_dossier("received")
    _scan(first, receptionist, 1)
    client.force_login(receptionist)
    for warm in ("/can-bo/ho-so/", "/can-bo/ho-so/cua-toi/"):  # the session and the catalogue's snapshot
        client.get(warm)
    few_list, html = _queries(client, "/can-bo/ho-so/")
    few_mine, mine = _queries(client, "/can-bo/ho-so/cua-toi/")
    assert [re.sub(r"<[^>]+>", "", c) for c in _cells(html)] == [f"1/{handed}"]
    assert [re.sub(r"<[^>]+>", "", c) for c in _cells(mine)] == [f"1/{handed}"]

    for n in range(4):  # four more, one of them with every paper scanned
        dossier = build_dossier("received")
        if n == 0:
            _scan(dossier, receptionist, handed)
    many_list, html = _queries(client, "/can-bo/ho-so/")
    many_mine, mine = _queries(client, "/can-bo/ho-so/cua-toi/")
    assert (many_list, many_mine) == (few_list, few_mine)
    shares = sorted(re.sub(r"<[^>]+>", "", c) for c in _cells(html))
    assert shares == sorted([f"1/{handed}", f"{handed}/{handed}", *[f"0/{handed}"] * 3])
    assert len(_cells(mine)) == 5
    assert "Số hóa</th>" in html
