from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "rekisteri.catalogue"
    label = "catalogue"
    verbose_name = "Processing catalogue"
