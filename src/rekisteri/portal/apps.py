from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "rekisteri.portal"
    label = "portal"
