"""The public pages: the lookup (/tra-cuu/) and the online submission of a procedure."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("tra-cuu/", views.lookup_page, name="lookup"),
    path("tra-cuu/ma/<str:token>/", views.lookup_token, name="lookup_token"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", views.submit_online, name="submit"),
]
