"""The public pages: the lookup (/tra-cuu/) and the online submission of a procedure."""

from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import views

app_name = "public"
urlpatterns = [
    path("tra-cuu/", views.lookup_page, name="lookup"),
    path("tra-cuu/ma/<token:token>/", views.lookup_token, name="lookup_token"),
    path("thu-tuc/<catalogue_code:code>/nop-truc-tuyen/", views.submit_online, name="submit"),
]
