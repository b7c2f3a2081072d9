from django.urls import path

from rekisteri.mail import views

app_name = "mail"
urlpatterns = [
    path("failed/", views.failed, name="failed"),
    path("<int:message_id>/retry/", views.retry, name="retry"),
    path("<int:message_id>/discard/", views.discard, name="discard"),
]
