from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rekisteri.rights"
    label = "rights"
