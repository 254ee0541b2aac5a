"""`{% rating_form code %}`: the rating form on pages of apps that may not import ratings
(the public lookup lives in dossiers, a layer above)."""

from django import template

from ..models import CRITERIA, CRITERIA_SCALE

register = template.Library()


@register.inclusion_tag("ratings/_form.html", takes_context=True)
def rating_form(context, code: str) -> dict:
    # The form posts with the page's CSRF token, so the request travels along.
    # Each criterion with what 2, 1 and 0 points mean (issue 22, item 13).
    criteria = [(key, label, CRITERIA_SCALE[key]) for key, label in CRITERIA]
    return {"code": code, "criteria": criteria, "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}
