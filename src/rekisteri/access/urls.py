from django.urls import path

from rekisteri.access import user_views, views

app_name = "access"
urlpatterns = [
    path("mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path(
        "persons/<int:person_id>/identity-code/",
        views.identity_code_reveal_view,
        name="identity_code_reveal",
    ),
    path("persons/<int:person_id>/sharing/", views.person_sharing_view, name="person_sharing"),
    path("users/", user_views.staff_list_view, name="staff_list"),
    path("users/new/", user_views.staff_create_view, name="staff_create"),
    path("users/<int:user_id>/", user_views.staff_detail_view, name="staff_detail"),
]
