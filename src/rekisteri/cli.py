"""The `rekisteri` console script: Django's manage.py for this project.

The benchmark and the demo's data generator are optional parts, installed with their extras
(`pip install 'rekisteri[bench]'`, `'rekisteri[demo]'`), so that a production install
carries neither Faker nor aiosmtpd. Without its extra, such a command says which to install.
"""

import importlib
import os
import sys

#: command -> (the extra that installs what it needs, the modules it imports)
EXTRAS: dict[str, tuple[str, tuple[str, ...]]] = {
    "bench": ("bench", ("numpy", "faker", "aiosmtpd")),
    "demo": ("demo", ("faker",)),
    "screenshots": ("test", ("playwright",)),
}


def missing_extra(command: str) -> str:
    """Why `rekisteri <command>` cannot run in this installation; "" when it can."""
    if command not in EXTRAS:
        return ""
    extra, modules = EXTRAS[command]
    missing = []
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if not missing:
        return ""
    return (
        f"`rekisteri {command}` is an optional part and needs the [{extra}] extra "
        f"({', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed). "
        "Install it with: "
        f"pip install 'rekisteri[{extra}]' (from a checkout: pip install -e '.[{extra}]')"
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rekisteri.settings")
    message = missing_extra(sys.argv[1]) if len(sys.argv) > 1 else ""
    if message:
        sys.stderr.write(message + "\n")
        sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
