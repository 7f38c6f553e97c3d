"""The baseline a learned linker must beat: "alias + abuse word", written as a new user would.

    python -m bench.keyword_rule WATCHLIST ITEMS PREDICTIONS     # then shared/eval/score.py ITEMS PREDICTIONS

cases: a case alias appears; units: a unit alias appears, plus the units of matched cases; allegation: an
abuse word appears; alert: an allegation while a supported unit (or one under a supported parent) is in units.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ABUSE = ("killed", "killing", "executed", "execution", "massacre", "murder", "disappear", "tortur", "rape",
         "sexual", "arbitrary", "planted", "mataron", "asesin", "ejecu", "masacre", "desapar", "tortur",
         "violaci", "sexual", "arbitrari", "sembr")


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


def found(alias: str, text: str) -> bool:
    return re.search(rf"\b{re.escape(fold(alias))}\b", text) is not None


def predict(watchlist: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    text = fold(f"{row.get('title', '')} {row.get('text', '')}")
    units = {u["id"]: u for u in watchlist.get("units", [])}
    cases = [c for c in watchlist.get("cases", []) if any(found(a, text) for a in [c["name"], *c.get("aliases", [])])]
    touched = {uid for uid, u in units.items() if any(found(a, text) for a in [u["name"], *u.get("aliases", [])])}
    touched |= {uid for c in cases for uid in c.get("units", [])}
    allegation = any(word in text for word in ABUSE)

    def supported_up(uid: str) -> bool:
        while uid in units:
            if units[uid].get("supported"):
                return True
            uid = units[uid].get("parent") or ""
        return False

    return {"id": row["id"], "cases": [c["id"] for c in cases], "units": sorted(touched), "statements": [],
            "allegation": allegation, "alert": allegation and any(supported_up(u) for u in touched)}


def main(watchlist_path: str, items_path: str, out_path: str) -> None:
    watchlist = YAML(typ="safe", pure=True).load(Path(watchlist_path).read_text(encoding="utf-8"))
    rows = [json.loads(line) for line in Path(items_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    with open(out_path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(predict(watchlist, row), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
