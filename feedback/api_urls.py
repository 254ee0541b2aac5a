"""/api/v1/feedback/items/…: the unit's feedback items for staff, one URL per move."""

from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import api

urlpatterns = [
    path("feedback/items/", api.FeedbackListApi.as_view(), name="api-feedback-items"),
    path("feedback/items/<id:pk>/", api.FeedbackDetailApi.as_view(), name="api-feedback-item"),
    path("feedback/items/<id:pk>/assign/", api.FeedbackAssignApi.as_view(), name="api-feedback-assign"),
    path("feedback/items/<id:pk>/classify/", api.FeedbackClassifyApi.as_view(), name="api-feedback-classify"),
    path("feedback/items/<id:pk>/forward/", api.FeedbackForwardApi.as_view(), name="api-feedback-forward"),
    path("feedback/items/<id:pk>/refuse/", api.FeedbackRefuseApi.as_view(), name="api-feedback-refuse"),
    path("feedback/items/<id:pk>/request-info/", api.FeedbackRequestInfoApi.as_view(),
         name="api-feedback-request-info"),
    path("feedback/items/<id:pk>/info/", api.FeedbackReceiveInfoApi.as_view(), name="api-feedback-receive-info"),
    path("feedback/items/<id:pk>/answer/", api.FeedbackAnswerApi.as_view(), name="api-feedback-answer"),
    path("feedback/items/<id:pk>/publish/", api.FeedbackPublishApi.as_view(), name="api-feedback-publish"),
]
