"""/api/v1/stats/…: the leaders' feedback figures, targets and rankings."""

from django.urls import path

from . import api

urlpatterns = [
    path("stats/feedback/", api.StatsFeedbackApi.as_view(), name="api-stats-feedback"),
    path("stats/targets/", api.StatsTargetsApi.as_view(), name="api-stats-targets"),
    path("stats/rankings/", api.StatsRankingsApi.as_view(), name="api-stats-rankings"),
]
