from django.urls import path

from rekisteri.breaches import views

app_name = "breaches"
urlpatterns = [
    path("", views.breach_list, name="list"),
    path("report/", views.breach_report, name="report"),
    path("<int:breach_id>/", views.breach_detail, name="detail"),
    path("<int:breach_id>/affected/", views.breach_affected, name="affected"),
    path("<int:breach_id>/authority-told/", views.breach_authority_told, name="authority_told"),
]
