from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "rekisteri.retention"
    label = "retention"
