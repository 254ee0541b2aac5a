from django.urls import path

from . import public_views

app_name = "public"
urlpatterns = [
    path("tra-cuu/", public_views.lookup_page, name="lookup"),
    path("tra-cuu/ma/<str:token>/", public_views.lookup_token, name="lookup_token"),
    path("thu-tuc/<str:code>/nop-truc-tuyen/", public_views.submit_online, name="submit"),
]
