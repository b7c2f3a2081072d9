from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "rekisteri.marketing"
    label = "marketing"  # catalogue-free: the app's label
