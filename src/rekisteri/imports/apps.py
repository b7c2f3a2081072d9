from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "rekisteri.imports"
    label = "imports"
