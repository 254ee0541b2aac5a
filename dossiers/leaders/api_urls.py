"""/api/v1/stats/…: the leaders' figures for other systems."""

from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import api

urlpatterns = [
    path("stats/dashboard/", api.StatsDashboardApi.as_view(), name="api-stats-dashboard"),
    path("stats/officers/", api.StatsOfficersApi.as_view(), name="api-stats-officers"),
    path("stats/officers/<id:pk>/late-steps/", api.StatsOfficerLateStepsApi.as_view(),
         name="api-stats-officer-late-steps"),
    path("stats/breakdown/", api.StatsBreakdownApi.as_view(), name="api-stats-breakdown"),
    path("stats/report06/", api.StatsReport06Api.as_view(), name="api-stats-report06"),
    path("stats/index766/", api.StatsIndex766Api.as_view(), name="api-stats-index766"),
]
