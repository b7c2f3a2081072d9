from django.urls import path

from rekisteri.marketing import views

app_name = "marketing"  # catalogue-free: the app's namespace
urlpatterns = [
    path("", views.home, name="home"),
    path("lists/", views.list_list, name="list_list"),
    path("lists/<int:list_id>/", views.list_detail, name="list_detail"),
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/<int:segment_id>/", views.segment_detail, name="segment_detail"),
    path("segments/<int:segment_id>/compute/", views.segment_compute, name="segment_compute"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<int:campaign_id>/progress/", views.campaign_progress, name="campaign_progress"
    ),
    path("campaigns/<int:campaign_id>/send/", views.campaign_confirm, name="campaign_confirm"),
    path("campaigns/<int:campaign_id>/queue/", views.campaign_queue, name="campaign_queue"),
]
