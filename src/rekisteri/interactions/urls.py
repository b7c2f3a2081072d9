from django.urls import path

from rekisteri.interactions import views

app_name = "interactions"
urlpatterns = [
    path("person/<int:person_id>/", views.person_timeline, name="person_timeline"),
    path("person/<int:person_id>/new/", views.interaction_create, name="create"),
    path(
        "organization/<int:organization_id>/",
        views.organization_timeline,
        name="organization_timeline",
    ),
    path("file/<slug:kind>/<int:pk>/", views.interaction_file, name="file"),
]
