from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "rekisteri.screening"
    label = "screening"  # catalogue-free: the app label the staff sidebar names
    verbose_name = "Screening"
