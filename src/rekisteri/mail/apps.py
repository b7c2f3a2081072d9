from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "rekisteri.mail"
    label = "mail"
