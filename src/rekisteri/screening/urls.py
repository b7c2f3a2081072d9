from django.urls import path

from rekisteri.screening import views

app_name = "screening"  # catalogue-free: the app's URL namespace
urlpatterns = [
    path("", views.queue, name="queue"),
    path("hits/<str:kind>/<int:hit_id>/", views.hit, name="hit"),
]
