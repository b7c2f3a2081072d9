from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "rekisteri.backup"
    label = "backup"
