"""Root URLs: compose every app's pages and API under one tree."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import health

admin.site.site_header = "mocua – Quản trị hệ thống một cửa"
admin.site.site_title = "mocua"
admin.site.index_title = "Quản trị"

api_v1 = [
    path("", include("procedures.api_urls")),
    path("", include("dossiers.public.api_urls")),
    path("", include("ratings.api_urls")),
    path("", include("dossiers.api_urls")),
    path("", include("dossiers.leaders.api_urls")),
    path("", include("feedback.api_urls")),
    path("", include("feedback.public.api_urls")),
    path("", include("feedback.leaders.api_urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/trang", health.healthz_page, name="healthz-page"),
    path("quan-tri/", admin.site.urls),
    path("", include("mocua.accounts.urls")),
    path("", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("", include("dossiers.public.urls")),
    path("", include("dossiers.leaders.urls")),
    path("", include("feedback.urls")),
    path("", include("feedback.public.urls")),
    path("", include("feedback.leaders.urls")),
    path("", include("ratings.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]
