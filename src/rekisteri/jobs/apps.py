from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "rekisteri.jobs"
    label = "jobs"
