from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "rekisteri.marketing"
    label = "marketing"
