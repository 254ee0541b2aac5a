"""The public pages: the lookup (/tra-cuu/) and the online submission of a procedure."""

from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import views

app_name = "public"
urlpatterns = [
    path("tra-cuu/", views.lookup_page, name="lookup"),
    path("tra-cuu/ma/<token:token>/", views.lookup_token, name="lookup_token"),
    path("tra-cuu/<dossier_code:code>/ket-qua/<id:number>/", views.result_download, name="result_download"),
    path("tra-cuu/<dossier_code:code>/giay-to/<id:pk>/", views.paper_download, name="paper_download"),
    path("thu-tuc/<catalogue_code:code>/nop-truc-tuyen/", views.submit_online, name="submit"),
]
