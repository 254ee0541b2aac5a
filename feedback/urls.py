"""/can-bo/phan-anh/…: the staff pages of feedback (ids, never the tracking code, in the addresses:
the code is the citizen's key)."""

from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import views

app_name = "feedback"
urlpatterns = [
    path("can-bo/phan-anh/", views.feedback_list, name="list"),
    path("can-bo/phan-anh/<id:pk>/", views.feedback_detail, name="detail"),
    path("can-bo/phan-anh/<id:pk>/thao-tac/<key:action>/", views.feedback_move, name="move"),
    path("can-bo/phan-anh/<id:pk>/tep/", views.feedback_attachment, name="attachment"),
]
