"""The staff lists' row filters (dossiers/templatetags/rows.py) print what Django's tags printed."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse, set_script_prefix

OLD_STATE = ('{% if state == "late" %}<span class="state status-late">Quá hạn</span>{% elif state == "due_soon" %}'
             '<span class="state status-due-soon">Sắp đến hạn</span>{% elif state == "on_track" %}<span class="state '
             'status-on-track">Trong hạn</span>{% elif state == "paused" %}<span class="state muted">Tạm dừng</span>'
             '{% endif %}')


def render(source: str, **context) -> str:
    return Template("{% load rows %}" + source).render(Context(context))


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 3, 2, 1, 5, tzinfo=dt.UTC),  # 08:05 in Hà Nội
    dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.UTC),  # 00:30 on 1 January, local
    dt.datetime(2026, 7, 9, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=7))),
    None,
])
def test_minute_and_day_are_the_date_filter(value):
    assert render("{{ v|minute }}", v=value) == render('{{ v|date:"H:i d/m/Y" }}', v=value)
    assert render("{{ v|day }}", v=value) == render('{{ v|date:"d/m/Y" }}', v=value)
    if value is not None and value.tzinfo is dt.UTC and value.hour == 17:
        assert render("{{ v|day }}", v=value) == "01/01/2027"


@pytest.mark.parametrize("state", ["late", "due_soon", "on_track", "paused", "", None, "<b>"])
def test_state_badge_is_the_include_it_replaced(state):
    assert render("{{ s|state_badge }}", s=state) == Template(OLD_STATE).render(Context({"state": state}))


def test_detail_url_is_the_url_tag():
    code = "000.17.22.H56-260302-0007"
    assert render("{{ c|detail_url }}", c=code) == reverse("dossiers:detail", args=[code])
    set_script_prefix("/mot-cua/")
    try:
        assert render("{{ c|detail_url }}", c=code) == "/mot-cua/can-bo/ho-so/000.17.22.H56-260302-0007/"
    finally:
        set_script_prefix("/")


@pytest.mark.django_db
def test_the_holder_filter_marks_the_chosen_officer_and_escapes_names(client, receptionist, specialist):
    specialist.full_name = "Lê <i>Văn</i> Ba"
    specialist.save(update_fields=["full_name"])
    client.force_login(receptionist)
    page = client.get(f"/can-bo/ho-so/?holder={specialist.pk}").content.decode()
    assert f'<option value="{specialist.pk}" selected>Lê &lt;i&gt;Văn&lt;/i&gt; Ba</option>' in page
    assert f'<option value="{receptionist.pk}">' in page
