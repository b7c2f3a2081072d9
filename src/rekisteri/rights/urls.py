from django.urls import path

from rekisteri.rights import views

app_name = "rights"  # catalogue-free: the app's namespace
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.request_new, name="request_new"),
    path("<int:request_id>/", views.request_detail, name="request_detail"),
    path("<int:request_id>/<slug:action>/", views.request_action, name="request_action"),
    path("package/<int:package_id>/", views.package_download, name="package_download"),
    path("person/<int:person_id>/", views.person_rights, name="person_rights"),
    path("person/<int:person_id>/lift/", views.restriction_lift, name="restriction_lift"),
]
