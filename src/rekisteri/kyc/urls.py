from django.urls import path

from rekisteri.kyc import views

app_name = "kyc"  # catalogue-free: the app's URL namespace
urlpatterns = [
    path("organisations/<int:organization_id>/", views.organisation_kyc, name="organisation"),
]
