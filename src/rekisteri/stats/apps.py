from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "rekisteri.stats"
    label = "stats"
    verbose_name = "Anonymous statistics"

    def ready(self) -> None:
        # Fail closed at start-up: this app's selectors import what they need from the apps
        # below them (docs/layers.md); a function another app no longer has is an
        # ImportError now, never a "none" or a 500 on the first request that needs it.
        from rekisteri.stats import selectors  # noqa: F401
