from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "rekisteri.interactions"
    label = "interactions"
