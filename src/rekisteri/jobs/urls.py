from django.urls import path

from rekisteri.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.status, name="status"),
]
