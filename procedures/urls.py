from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="home"),
    path("thu-tuc/", views.procedure_list, name="list"),
    path("thu-tuc/<catalogue_code:code>/", views.procedure_detail, name="detail"),
]
