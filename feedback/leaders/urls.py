"""/lanh-dao/…: the leaders' pages of feedback, targets and rankings."""

from django.urls import path

from . import views

app_name = "feedback_leaders"
urlpatterns = [
    path("lanh-dao/phan-anh/", views.feedback_figures, name="figures"),
    path("lanh-dao/chi-tieu/", views.targets, name="targets"),
    path("lanh-dao/chi-tieu/luu/", views.target_set, name="target_set"),
    path("lanh-dao/xep-hang/", views.rankings, name="rankings"),
]
