from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rekisteri.api"
    label = "api"
