from django.urls import path

from rekisteri.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload_view, name="upload"),
    path("confirm/", views.confirm_view, name="confirm"),
    path("cancel/", views.cancel_view, name="cancel"),
]
