from django.urls import path

from rekisteri.disclosures import views

app_name = "disclosures"
urlpatterns = [
    path("", views.disclosure_list, name="list"),
    path("new/", views.disclosure_create, name="create"),
    path("persons/<int:person_id>/", views.person_disclosures, name="person"),
]
