from django.urls import path

from rekisteri.kyc import aml_views, views

app_name = "kyc"  # catalogue-free: the app's URL namespace
urlpatterns = [
    path("organisations/<int:organization_id>/", views.organisation_kyc, name="organisation"),
    path("persons/<int:person_id>/", views.person_kyc, name="person"),
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
    path("investigations/", aml_views.investigations, name="investigations"),
    path(
        "investigations/<int:investigation_id>/",
        aml_views.investigation,
        name="investigation",
    ),
    path(
        "investigations/<int:investigation_id>/close/",
        aml_views.investigation_close,
        name="investigation_close",
    ),
    path(
        "persons/<int:person_id>/investigations/new/",
        aml_views.investigation_new,
        name="investigation_new",
    ),
]
