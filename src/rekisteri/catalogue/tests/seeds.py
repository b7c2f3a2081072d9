"""The five seed privacy notices written as catalogues (examples/catalogues/), for tests.

Other apps' tests may use them too: `from rekisteri.catalogue.tests.seeds import SEEDS`.
"""

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[4] / "examples" / "catalogues"

#: seed name → catalogue file
SEEDS: dict[str, Path] = {path.stem: path for path in sorted(EXAMPLES.glob("*.toml"))}
