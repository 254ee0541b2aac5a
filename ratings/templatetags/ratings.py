"""`{% rating_form code %}`: the rating form on pages of apps that may not import ratings
(the public lookup lives in dossiers, a layer above)."""

from django import template

from ..models import CRITERIA

register = template.Library()


@register.inclusion_tag("ratings/_form.html", takes_context=True)
def rating_form(context, code: str) -> dict:
    # The form posts with the page's CSRF token, so the request travels along.
    return {"code": code, "criteria": CRITERIA, "request": context.get("request"),
            "csrf_token": context.get("csrf_token")}
