"""/lanh-dao/…: the leaders' pages."""

from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import views

app_name = "leaders"
urlpatterns = [
    path("lanh-dao/", views.dashboard, name="dashboard"),
    path("lanh-dao/can-bo/", views.officers, name="officers"),
    path("lanh-dao/can-bo/<id:pk>/", views.officer_detail, name="officer"),
    path("lanh-dao/theo/<key:slug>/", views.breakdown, name="breakdown"),
    path("lanh-dao/bieu-06/", views.report06, name="report06"),
    path("lanh-dao/chi-so-766/", views.index766, name="index766"),
]
