from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "rekisteri.stats"
    label = "stats"
    verbose_name = "Anonymous statistics"
