from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import views

app_name = "ratings"
urlpatterns = [
    path("danh-gia/quay/", views.kiosk, name="kiosk"),
    path("danh-gia/quay/hien-tai/", views.kiosk_current, name="kiosk_current"),
    path("danh-gia/ho-so/<dossier_code:code>/", views.rate_online, name="submit"),
    path("can-bo/danh-gia/", views.figures, name="figures"),
]
