"""Mounted at the site root: the public notice under /privacy/, the DPO pages under
/staff/notice/ (one namespace, so `notice:public_notice` and the staff names live together)."""

from django.urls import path

from rekisteri.notice import views

app_name = "notice"
urlpatterns = [
    path("privacy/", views.public_notice, name="public_notice"),
    path("privacy/versions/<int:number>/", views.public_version, name="public_version"),
    path("staff/notice/", views.versions, name="versions"),
    path("staff/notice/versions/<int:number>/notify/", views.notify, name="notify"),
    path("staff/notice/ropa/", views.ropa, name="ropa"),
    path("staff/notice/ropa/export/<str:fmt>/", views.ropa_export, name="ropa_export"),
]
