from django.apps import AppConfig


class KycConfig(AppConfig):
    name = "rekisteri.kyc"
    label = "kyc"  # catalogue-free: the app label the staff sidebar names
    verbose_name = "Know your customer"

    def ready(self) -> None:
        from rekisteri.kyc.importer import register

        register()  # the imports app's readers know the KYC kinds of file
