"""/api/v1/…: feedback for staff (items and one URL per move), for the public (send, track, published
answers, the transparency figures) and for leaders (stats/feedback, targets, rankings)."""

from django.urls import path

from . import api
from .leaders import api as leaders_api
from .public import api as public_api

urlpatterns = [
    path("feedback/", public_api.FeedbackSendApi.as_view(), name="api-feedback-send"),
    path("feedback/track/", public_api.FeedbackTrackApi.as_view(), name="api-feedback-track"),
    path("feedback/track/reply/", public_api.FeedbackReplyApi.as_view(), name="api-feedback-reply"),
    path("feedback/track/react/", public_api.FeedbackReactApi.as_view(), name="api-feedback-react"),
    path("feedback/published/", public_api.FeedbackPublishedApi.as_view(), name="api-feedback-published"),
    path("transparency/", public_api.TransparencyApi.as_view(), name="api-transparency"),
    path("feedback/items/", api.FeedbackListApi.as_view(), name="api-feedback-items"),
    path("feedback/items/<int:pk>/", api.FeedbackDetailApi.as_view(), name="api-feedback-item"),
    path("feedback/items/<int:pk>/assign/", api.FeedbackAssignApi.as_view(), name="api-feedback-assign"),
    path("feedback/items/<int:pk>/classify/", api.FeedbackClassifyApi.as_view(), name="api-feedback-classify"),
    path("feedback/items/<int:pk>/forward/", api.FeedbackForwardApi.as_view(), name="api-feedback-forward"),
    path("feedback/items/<int:pk>/refuse/", api.FeedbackRefuseApi.as_view(), name="api-feedback-refuse"),
    path("feedback/items/<int:pk>/request-info/", api.FeedbackRequestInfoApi.as_view(),
         name="api-feedback-request-info"),
    path("feedback/items/<int:pk>/info/", api.FeedbackReceiveInfoApi.as_view(), name="api-feedback-receive-info"),
    path("feedback/items/<int:pk>/answer/", api.FeedbackAnswerApi.as_view(), name="api-feedback-answer"),
    path("feedback/items/<int:pk>/publish/", api.FeedbackPublishApi.as_view(), name="api-feedback-publish"),
    path("stats/feedback/", leaders_api.StatsFeedbackApi.as_view(), name="api-stats-feedback"),
    path("stats/targets/", leaders_api.StatsTargetsApi.as_view(), name="api-stats-targets"),
    path("stats/rankings/", leaders_api.StatsRankingsApi.as_view(), name="api-stats-rankings"),
]
