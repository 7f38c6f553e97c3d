"""The fitted combiners the linker decides with, shipped in matchers/models/ (written by `monitor fit`).

    models = Models.load()            # the shipped files
    models = Models.load(Path("my"))  # a folder of one's own fit (case_base.json, cases.json, statements.json,
                                      # and allegation.json if the folder has one)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from monitor.domain.errors import ModelError

from .combiner import Combiner

MODELS = Path(__file__).resolve().parent / "models"
NAMES = ("case_base", "cases", "statements")
OPTIONAL = "allegation"  # a folder without it leaves the allegation detector its own default (the shipped file)


@dataclass(frozen=True)
class Models:
    """One combiner per decision: is the item about this case (from each case's own signals, `case_base`,
    then against its rivals, `cases`); does it bear on this talking point (`statements`)."""

    case_base: Combiner
    cases: Combiner
    statements: Combiner
    allegation: Combiner | None = None  # None: the detector's default, models/allegation.json

    @classmethod
    def load(cls, folder: Path = MODELS) -> Models:
        """Read every combiner of `folder`; a missing or unreadable file raises ModelError naming it
        (allegation.json may be missing)."""
        optional = Path(folder) / f"{OPTIONAL}.json"
        return cls(**{name: _read(Path(folder) / f"{name}.json") for name in NAMES},
                   allegation=_read(optional) if optional.exists() else None)

    def save(self, folder: Path) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for name in NAMES:
            getattr(self, name).save(Path(folder) / f"{name}.json")
        if self.allegation is not None:
            self.allegation.save(Path(folder) / f"{OPTIONAL}.json")


def _read(path: Path) -> Combiner:
    try:
        return Combiner.load(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot read the fitted combiner {path}: {exc}; `monitor fit` writes it") from exc
