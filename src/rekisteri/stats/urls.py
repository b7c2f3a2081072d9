from django.urls import path

from rekisteri.stats import views

app_name = "stats"
urlpatterns = [path("", views.report, name="report")]
