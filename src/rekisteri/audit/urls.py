from django.urls import path

from rekisteri.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("persons/<int:person_id>/", views.person_log, name="person_log"),
    path("verify/", views.verify, name="verify"),
]
