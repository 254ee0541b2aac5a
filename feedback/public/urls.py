"""The citizens' feedback pages and the public transparency page (no login)."""

from django.urls import path

from . import views

app_name = "feedback_public"
urlpatterns = [
    path("phan-anh/", views.published, name="published"),
    path("phan-anh/gui/", views.send, name="send"),
    path("phan-anh/tra-cuu/", views.track, name="track"),
    path("phan-anh/tra-cuu/bo-sung/", views.reply, name="reply"),
    path("phan-anh/tra-cuu/danh-gia/", views.react, name="react"),
    path("cong-khai/", views.transparency_page, name="transparency"),
]
