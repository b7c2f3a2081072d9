from django.urls import path

from rekisteri.enrichment import views

app_name = "enrichment"
urlpatterns = [
    path("review/", views.review_list_view, name="review"),
    path("organisations/<int:organization_id>/update/", views.update_view, name="update"),
    path("organisations/<int:organization_id>/reviewed/", views.reviewed_view, name="reviewed"),
]
