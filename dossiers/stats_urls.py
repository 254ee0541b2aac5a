"""/lanh-dao/…: the leaders' pages (dossiers.stats_views)."""

from django.urls import path

from . import stats_views

app_name = "leaders"
urlpatterns = [
    path("lanh-dao/", stats_views.dashboard, name="dashboard"),
    path("lanh-dao/can-bo/", stats_views.officers, name="officers"),
    path("lanh-dao/can-bo/<int:pk>/", stats_views.officer_detail, name="officer"),
    path("lanh-dao/theo/<slug:slug>/", stats_views.breakdown, name="breakdown"),
    path("lanh-dao/bieu-06/", stats_views.report06, name="report06"),
    path("lanh-dao/chi-so-766/", stats_views.index766, name="index766"),
]
