from django.urls import path

from rekisteri.kyc import views

app_name = "kyc"  # catalogue-free: the app's URL namespace
urlpatterns = [
    path("organisations/<int:organization_id>/", views.organisation_kyc, name="organisation"),
    path(
        "organisations/<int:organization_id>/<slug:kind>/<int:record_id>/edit/",
        views.kyc_record_edit,
        name="record_edit",
    ),
    path(
        "organisations/<int:organization_id>/<slug:kind>/<int:record_id>/remove/",
        views.kyc_record_remove,
        name="record_remove",
    ),
]
