from django.apps import AppConfig


class EnrichmentConfig(AppConfig):
    name = "rekisteri.enrichment"
    label = "enrichment"
    verbose_name = "Enrichment from the trade register"
