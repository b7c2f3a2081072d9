from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "rekisteri.breaches"
    label = "breaches"
    verbose_name = "Personal data breaches"
