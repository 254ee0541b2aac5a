"""/api/v1/…: the public feedback API (send, track, published answers) and the transparency figures."""

from django.urls import path

from . import api

urlpatterns = [
    path("feedback/", api.FeedbackSendApi.as_view(), name="api-feedback-send"),
    path("feedback/track/", api.FeedbackTrackApi.as_view(), name="api-feedback-track"),
    path("feedback/track/reply/", api.FeedbackReplyApi.as_view(), name="api-feedback-reply"),
    path("feedback/track/react/", api.FeedbackReactApi.as_view(), name="api-feedback-react"),
    path("feedback/published/", api.FeedbackPublishedApi.as_view(), name="api-feedback-published"),
    path("transparency/", api.TransparencyApi.as_view(), name="api-transparency"),
]
