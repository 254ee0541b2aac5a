"""/api/v1/dossiers/…: one URL per operation. Codes contain dots and dashes (`<str:…>` is `[^/]+`)."""

from django.urls import path

from . import api

app_name = "dossiers_api"
urlpatterns = [
    path("dossiers/", api.DossierCollectionApi.as_view(), name="list"),
    path("dossiers/<str:code>/", api.DossierDetailApi.as_view(), name="detail"),
    path("dossiers/<str:code>/handover/", api.DossierHandOverApi.as_view(), name="hand_over"),
    path("dossiers/<str:code>/request-supplement/", api.DossierRequestSupplementApi.as_view(),
         name="request_supplement"),
    path("dossiers/<str:code>/supplement/", api.DossierReceiveSupplementApi.as_view(), name="receive_supplement"),
    path("dossiers/<str:code>/request-payment/", api.DossierRequestPaymentApi.as_view(), name="request_payment"),
    path("dossiers/<str:code>/payment/", api.DossierReceivePaymentApi.as_view(), name="receive_payment"),
    path("dossiers/<str:code>/approve/", api.DossierApproveApi.as_view(), name="approve"),
    path("dossiers/<str:code>/refuse/", api.DossierRefuseApi.as_view(), name="refuse"),
    path("dossiers/<str:code>/return/", api.DossierReturnApi.as_view(), name="return"),
    path("dossiers/<str:code>/withdraw/", api.DossierWithdrawApi.as_view(), name="withdraw"),
    path("dossiers/<str:code>/stop/", api.DossierStopApi.as_view(), name="stop"),
    path("dossiers/<str:code>/reschedule/", api.DossierRescheduleApi.as_view(), name="reschedule"),
]
