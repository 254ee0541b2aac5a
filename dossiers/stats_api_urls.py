"""/api/v1/stats/…: the leaders' figures (dossiers.stats_api)."""

from django.urls import path

from . import stats_api

urlpatterns = [
    path("stats/dashboard/", stats_api.StatsDashboardApi.as_view(), name="api-stats-dashboard"),
    path("stats/officers/", stats_api.StatsOfficersApi.as_view(), name="api-stats-officers"),
    path("stats/officers/<int:pk>/late-steps/", stats_api.StatsOfficerLateStepsApi.as_view(),
         name="api-stats-officer-late-steps"),
    path("stats/breakdown/", stats_api.StatsBreakdownApi.as_view(), name="api-stats-breakdown"),
    path("stats/report06/", stats_api.StatsReport06Api.as_view(), name="api-stats-report06"),
    path("stats/index766/", stats_api.StatsIndex766Api.as_view(), name="api-stats-index766"),
]
