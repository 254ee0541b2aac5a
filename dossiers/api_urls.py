"""/api/v1/dossiers/…: one URL per operation. Codes contain dots and dashes (mocua.converters.DossierCode)."""

from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import api

app_name = "dossiers_api"
urlpatterns = [
    path("dossiers/", api.DossierCollectionApi.as_view(), name="list"),
    path("dossiers/<dossier_code:code>/", api.DossierDetailApi.as_view(), name="detail"),
    path("dossiers/<dossier_code:code>/handover/", api.DossierHandOverApi.as_view(), name="hand_over"),
    path("dossiers/<dossier_code:code>/request-supplement/", api.DossierRequestSupplementApi.as_view(),
         name="request_supplement"),
    path("dossiers/<dossier_code:code>/supplement/", api.DossierReceiveSupplementApi.as_view(),
         name="receive_supplement"),
    path("dossiers/<dossier_code:code>/request-payment/", api.DossierRequestPaymentApi.as_view(),
         name="request_payment"),
    path("dossiers/<dossier_code:code>/payment/", api.DossierReceivePaymentApi.as_view(), name="receive_payment"),
    path("dossiers/<dossier_code:code>/approve/", api.DossierApproveApi.as_view(), name="approve"),
    path("dossiers/<dossier_code:code>/refuse/", api.DossierRefuseApi.as_view(), name="refuse"),
    path("dossiers/<dossier_code:code>/return/", api.DossierReturnApi.as_view(), name="return"),
    path("dossiers/<dossier_code:code>/hand-refusal/", api.DossierHandRefusalApi.as_view(), name="hand-refusal"),
    path("dossiers/<dossier_code:code>/withdraw/", api.DossierWithdrawApi.as_view(), name="withdraw"),
    path("dossiers/<dossier_code:code>/stop/", api.DossierStopApi.as_view(), name="stop"),
    path("dossiers/<dossier_code:code>/reschedule/", api.DossierRescheduleApi.as_view(), name="reschedule"),
    path("dossiers/<dossier_code:code>/results/", api.DossierAttachResultApi.as_view(), name="attach_result"),
    path("dossiers/<dossier_code:code>/letter-handed/", api.DossierHandLetterApi.as_view(), name="hand_letter"),
    path("dossiers/<dossier_code:code>/delivery/", api.DossierConfirmDeliveryApi.as_view(), name="confirm_delivery"),
    path("dossiers/<dossier_code:code>/transfer/", api.DossierTransferApi.as_view(), name="transfer"),
    path("dossiers/<dossier_code:code>/transfer/receive/", api.DossierReceiveTransferApi.as_view(),
         name="receive_transfer"),
]
