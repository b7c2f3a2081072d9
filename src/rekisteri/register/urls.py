from django.urls import path

from rekisteri.register import views

app_name = "register"
urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/new/", views.person_create_view, name="person_create"),
    path("persons/<int:person_id>/", views.person_detail_view, name="person_detail"),
    path("persons/<int:person_id>/edit/", views.person_edit_view, name="person_edit"),
    path(
        "persons/<int:person_id>/affiliations/end/",
        views.person_affiliation_end_view,
        name="person_affiliation_end",
    ),
    path("organizations/", views.organization_list_view, name="organization_list"),
    path("organizations/new/", views.organization_create_view, name="organization_create"),
    path(
        "organizations/<int:organization_id>/",
        views.organization_detail_view,
        name="organization_detail",
    ),
    path(
        "organizations/<int:organization_id>/edit/",
        views.organization_edit_view,
        name="organization_edit",
    ),
    path(
        "organizations/<int:organization_id>/relationships/",
        views.organization_relationship_add_view,
        name="organization_relationship_add",
    ),
    path(
        "organizations/<int:organization_id>/relationships/end/",
        views.organization_relationship_end_view,
        name="organization_relationship_end",
    ),
]
