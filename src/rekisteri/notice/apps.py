from django.apps import AppConfig


class NoticeConfig(AppConfig):
    name = "rekisteri.notice"
    label = "notice"
