from django.apps import AppConfig


class RightsConfig(AppConfig):
    name = "rekisteri.rights"
    label = "rights"  # catalogue-free: the app's label

    def ready(self) -> None:
        # Fail closed at start-up: this app's services import what they need from the apps
        # below them (docs/layers.md); a function another app no longer has is an
        # ImportError now, never a "none" or a 500 on the first request that needs it.
        from rekisteri.rights import services  # noqa: F401
