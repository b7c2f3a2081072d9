from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "rekisteri.bench"
    label = "bench"
