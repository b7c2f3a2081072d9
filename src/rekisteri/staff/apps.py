from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "rekisteri.staff"
    label = "staff"
