from django.urls import path

from .public_api import LookupApi

urlpatterns = [path("lookup/", LookupApi.as_view(), name="api-lookup")]
