"""Issue 24, item 2: the leaders see the digitised share per officer (the dossiers each one received
in the period, and of them those with every paper handed in digitised) and per agency (the
dossiers the unit received), on the hand-built world, March 2026. Expected values are counted here
on the dossiers, their first step and their papers; the pages' query counts are pinned in
test_query_counts (the per-officer share is joined into the officers' one query)."""

from collections import Counter

from dossiers.leaders.breakdown import breakdown
from dossiers.leaders.officers import officers
from dossiers.leaders.periods import month_period
from dossiers.leaders.scope import scope_for
from dossiers.models import Dossier

MARCH = month_period(2026, 3)


def counted(w) -> tuple[Counter, Counter, Counter, Counter]:
    """(received, digitised) per receiving officer and per agency, for the province's scope."""
    by_officer, digitised_by_officer, by_agency, digitised_by_agency = Counter(), Counter(), Counter(), Counter()
    march = Dossier.objects.filter(received_at__gte=MARCH.start_at, received_at__lt=MARCH.end_at,
                                   agency__in=[w["P"], w["A1"], w["A2"]]).prefetch_related("documents", "steps")
    for dossier in march:
        first = min(dossier.steps.all(), key=lambda s: (s.started_at, s.pk))
        handed = [d for d in dossier.documents.all() if d.kind == "intake" and d.provided]
        done = bool(handed) and all(d.digitisation != "none" for d in handed)
        by_officer[first.to_user_id] += 1
        digitised_by_officer[first.to_user_id] += done
        by_agency[dossier.agency_id] += 1
        digitised_by_agency[dossier.agency_id] += done
    return by_officer, digitised_by_officer, by_agency, digitised_by_agency


def test_the_share_per_officer_and_per_agency(w, now):
    by_officer, digitised_by_officer, by_agency, digitised_by_agency = counted(w)
    assert sum(digitised_by_officer.values()) >= 1 and sum(by_officer.values()) > sum(digitised_by_officer.values())
    rows = officers(scope=scope_for(w["LP"]), period=MARCH)
    assert {r.key: (r.received, r.digitised) for r in rows if r.received} == {
        k: (n, digitised_by_officer[k]) for k, n in by_officer.items()}
    for r in rows:
        if r.received:
            assert r.digitised_rate == round(100 * digitised_by_officer[r.key] / by_officer[r.key], 2)
        else:
            assert r.digitised_rate is None
    units = breakdown(scope=scope_for(w["LP"]), period=MARCH, by="agency")
    assert {r.key: (r.received, r.digitised) for r in units if r.received} == {
        k: (n, digitised_by_agency[k]) for k, n in by_agency.items()}


def test_the_pages_show_the_column(w, now, client):
    by_officer, digitised_by_officer, *_ = counted(w)
    client.force_login(w["LP"])
    query = {"period": "month", "year": 2026, "month": 3}
    html = client.get("/lanh-dao/can-bo/", query).content.decode()
    assert "Số hóa khi tiếp nhận" in html
    officer, n = by_officer.most_common(1)[0]
    assert f"({digitised_by_officer[officer]}/{n})" in html
    assert "Số hóa khi tiếp nhận" in client.get("/lanh-dao/theo/don-vi/", query).content.decode()
    body = client.get("/api/v1/stats/officers/", query).json()
    rows = body["rows"] if isinstance(body, dict) else body
    found = {r["key"]: (r["received"], r["digitised"]) for r in rows if r["received"]}
    assert found == {k: (v, digitised_by_officer[k]) for k, v in by_officer.items()}


def test_report06_says_the_postal_lines_in_a_note_and_the_dashboard_shows_them(w, now, client):
    # Biểu 06 has no postal column (col. 5 is "Trực tiếp, dịch vụ bưu chính"): a note under it gives
    # the postal intake and postal return; the dashboard shows both as lines. Counted on the dossiers.
    in_march = {"gte": MARCH.start_at, "lt": MARCH.end_at}
    scope = [w["P"], w["A1"], w["A2"]]
    post_in = Dossier.objects.filter(agency__in=scope, channel="post", received_at__gte=in_march["gte"],
                                     received_at__lt=in_march["lt"]).count()
    post_out = Dossier.objects.filter(agency__in=scope, return_method="post", returned_at__gte=in_march["gte"],
                                      returned_at__lt=in_march["lt"]).count()
    assert (post_in, post_out) == (1, 1)  # D11 received by post; D4's result posted
    client.force_login(w["LP"])
    query = {"period": "month", "year": 2026, "month": 3}
    for by in ("field", "unit"):
        html = client.get("/lanh-dao/bieu-06/", {**query, "by": by}).content.decode()
        assert (f"trong cột (5) có {post_in} hồ sơ tiếp nhận qua bưu chính công ích; trong kỳ đã trả "
                f"{post_out} kết quả qua bưu chính công ích") in html
    dashboard = client.get("/lanh-dao/", query).content.decode()
    assert f"<dt>Tiếp nhận qua bưu chính</dt><dd class=\"num\">{post_in}</dd>" in dashboard
    assert f"<dt>Trả kết quả qua bưu chính</dt><dd class=\"num\">{post_out}</dd>" in dashboard
