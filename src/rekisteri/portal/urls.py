from django.urls import path

from rekisteri.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("rights/", views.go_request, name="go"),
    path("rights/request/<slug:kind>/", views.request_form, name="request"),
    path("rights/sent/", views.sent, name="sent"),
    path("rights/verify/<str:token>/", views.verify, name="verify"),
    path("rights/status/<str:token>/", views.status, name="status"),
    path("rights/status/<str:token>/download/", views.status_download, name="status_download"),
    path("rights/download/<str:token>/", views.download, name="download"),
]
