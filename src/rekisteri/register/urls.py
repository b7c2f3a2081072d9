from django.urls import path

from rekisteri.register import views

app_name = "register"
urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/<int:person_id>/", views.person_detail_view, name="person_detail"),
    path("organizations/", views.organization_list_view, name="organization_list"),
    path(
        "organizations/<int:organization_id>/",
        views.organization_detail_view,
        name="organization_detail",
    ),
]
