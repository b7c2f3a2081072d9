from django.urls import path

from rekisteri.consent import views

app_name = "consent"
urlpatterns = [
    path("settings/", views.marketing_settings, name="settings"),
    path("persons/<int:person_id>/", views.person_consents, name="person_consents"),
    path("persons/<int:person_id>/permission/", views.permission, name="permission"),
    path("persons/<int:person_id>/record/", views.record, name="record"),
]
