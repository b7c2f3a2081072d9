from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "rekisteri.disclosures"
    label = "disclosures"
    verbose_name = "Disclosures"
