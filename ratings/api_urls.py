from django.urls import path

from .api import RatingCreateApi, SatisfactionStatsApi

urlpatterns = [
    path("ratings/", RatingCreateApi.as_view(), name="api-ratings"),
    path("ratings/stats/", SatisfactionStatsApi.as_view(), name="api-ratings-stats"),
]
