from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "rekisteri.consent"
    label = "consent"
