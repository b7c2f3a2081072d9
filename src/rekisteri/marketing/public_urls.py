"""Public marketing endpoints, mounted at /m/ (links in messages point here)."""

from django.urls import path

from rekisteri.marketing import public_views

app_name = "marketing_public"
urlpatterns = [
    # No trailing slash: the List-Unsubscribe URL is POSTed as is (no redirect allowed).
    path("u/<str:token>", public_views.unsubscribe, name="unsubscribe"),
    path("p/<str:token>", public_views.preferences, name="preferences"),
    path("o/<str:token>.gif", public_views.open_pixel, name="open"),
    path("c/<str:token>/<path:signed>", public_views.click, name="click"),
    path("confirm/<str:token>", public_views.confirm, name="confirm"),
    path("bounces", public_views.bounce_webhook, name="bounce_webhook"),
]
