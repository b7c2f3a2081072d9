from django.apps import AppConfig


class WatchlistsConfig(AppConfig):
    name = "rekisteri.watchlists"
    label = "watchlists"
    verbose_name = "Sanctions and PEP lists"
