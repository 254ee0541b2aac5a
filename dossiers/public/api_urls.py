"""/api/v1/lookup/: the public lookup for kiosks and apps."""

from django.urls import path

from .api import LookupApi

urlpatterns = [path("lookup/", LookupApi.as_view(), name="api-lookup")]
