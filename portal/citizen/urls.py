"""The citizen's pages, mounted at the site root (namespace "citizen")."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from applications.views import files as views_files
from portal.accounts import views as account_views
from portal.citizen import apply, dossiers, rating_national

app_name = "citizen"

password_reset = [
    path(
        "mat-khau/quen/",
        auth_views.PasswordResetView.as_view(
            template_name="citizen/password_reset_form.html",
            email_template_name="citizen/password_reset_email.txt",
            subject_template_name="citizen/password_reset_subject.txt",
            success_url=reverse_lazy("citizen:password-reset-done"),
        ),
        name="password-reset",
    ),
    path(
        "mat-khau/quen/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="citizen/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "mat-khau/dat-lai/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="citizen/password_reset_confirm.html",
            success_url=reverse_lazy("citizen:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "mat-khau/dat-lai/xong/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="citizen/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
]

urlpatterns = [
    path("dang-ky/", account_views.register, name="register"),
    path("tai-khoan/", account_views.profile, name="profile"),
    *password_reset,
    # Apply online: step 1 (applicant), 2 (documents), 3 (review and submit).
    path("nop-ho-so/nhap/<int:pk>/", apply.draft_details, name="draft"),
    path("nop-ho-so/nhap/<int:pk>/tai-lieu/", apply.draft_documents, name="draft-documents"),
    path("nop-ho-so/nhap/<int:pk>/xem-lai/", apply.draft_review, name="draft-review"),
    path("nop-ho-so/nhap/<int:pk>/xoa/", apply.draft_discard, name="draft-discard"),
    path("nop-ho-so/<str:procedure_code>/", apply.apply, name="apply"),
    # My dossiers.
    path("ho-so-cua-toi/", dossiers.my_dossiers, name="dossiers"),
    path("ho-so-cua-toi/nhap/", apply.drafts, name="drafts"),
    path("ho-so-cua-toi/<str:code>/", dossiers.my_dossier, name="dossier"),
    path("ho-so-cua-toi/<str:code>/da-nop/", apply.submitted, name="submitted"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", dossiers.supplement, name="supplement"),
    path("ho-so-cua-toi/<str:code>/rut/", dossiers.withdraw, name="withdraw"),
    path("ho-so-cua-toi/<str:code>/giay-tiep-nhan/", dossiers.receipt, name="receipt"),
    path("ho-so-cua-toi/<str:code>/ket-qua/", views_files.result_download, name="result"),
    path("ho-so-cua-toi/<str:code>/danh-gia/", dossiers.rate, name="rate"),
    path("ho-so-cua-toi/<str:code>/danh-gia/cam-on/", dossiers.rate_thanks, name="rate-thanks"),
    path(
        "ho-so-cua-toi/<str:code>/danh-gia-quoc-gia/",
        rating_national.rate_national,
        name="rate-national",
    ),
    # Files through an access check (the desk pages use them too).
    path("tep/<int:pk>/", views_files.attachment_download, name="attachment"),
]
