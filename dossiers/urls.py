from django.urls import path

import mocua.converters  # noqa: F401  (registers the path converters)

from . import views

app_name = "dossiers"
urlpatterns = [
    path("can-bo/ho-so/", views.dossier_list, name="list"),
    path("can-bo/ho-so/cua-toi/", views.my_dossiers, name="mine"),
    path("can-bo/ho-so/tiep-nhan/", views.intake, name="intake"),
    path("can-bo/ho-so/cho-tiep-nhan/", views.counter_queue, name="queue"),
    path("can-bo/ho-so/lien-co-quan/", views.transfer_list, name="transfers"),
    path("can-bo/ho-so/huong-dan/<id:pk>/", views.guidance, name="guidance"),
    path("can-bo/so-theo-doi/", views.register, name="register"),
    path("can-bo/thong-bao/", views.inbox, name="inbox"),
    path("can-bo/thong-bao/da-doc/", views.inbox_mark_read, name="inbox_read"),
    path("can-bo/ho-so/<dossier_code:code>/", views.dossier_detail, name="detail"),
    path("can-bo/ho-so/<dossier_code:code>/giay-tiep-nhan.pdf", views.receipt, name="receipt"),
    path("can-bo/ho-so/<dossier_code:code>/mau-<key:number>.pdf", views.dossier_form_pdf, name="form_pdf"),
    path("can-bo/ho-so/<dossier_code:code>/da-cap/<id:pk>.pdf", views.issued_form, name="issued_form"),
    path("can-bo/ho-so/<dossier_code:code>/thao-tac/<key:action>/", views.dossier_move, name="move"),
    path("can-bo/ho-so/<dossier_code:code>/dinh-kem/", views.dossier_attach, name="attach"),
    path("can-bo/ho-so/<dossier_code:code>/tai-lieu/<id:pk>/", views.document_file, name="document"),
    path("can-bo/ho-so/<dossier_code:code>/ket-qua/<id:pk>/", views.result_file, name="result_file"),
    path("can-bo/ho-so/<dossier_code:code>/thu.pdf", views.letter_pdf, name="letter_pdf"),
    path("can-bo/ho-so/<dossier_code:code>/giay-to/<id:pk>/quet/", views.scan_paper, name="scan_paper"),
]
