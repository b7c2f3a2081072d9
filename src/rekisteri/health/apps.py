from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "rekisteri.health"
    label = "health"
