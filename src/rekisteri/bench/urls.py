"""The benchmark's URLs: the whole site plus the floor view for the API GET comparison."""

from django.urls import path

from rekisteri.bench.floor import person_row
from rekisteri.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench-floor/persons/<int:person_id>", person_row), *site_urlpatterns]
