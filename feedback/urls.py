"""/can-bo/phan-anh/…: the staff pages of feedback (ids, never the tracking code, in the addresses:
the code is the citizen's key)."""

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("can-bo/phan-anh/", views.feedback_list, name="list"),
    path("can-bo/phan-anh/<int:pk>/", views.feedback_detail, name="detail"),
    path("can-bo/phan-anh/<int:pk>/thao-tac/<str:action>/", views.feedback_move, name="move"),
    path("can-bo/phan-anh/<int:pk>/tep/", views.feedback_attachment, name="attachment"),
]
