from django.urls import path

from rekisteri.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.status, name="status"),
    path("holds/", views.holds, name="holds"),
    path("holds/<int:hold_id>/release/", views.hold_release, name="hold_release"),
    path("review/", views.review_list, name="review"),
    path("review/decide/", views.review_decide, name="review_decide"),
]
