"""The shared data (eval set, its watchlist, the feedparser corpus) sits beside the repository as
`../shared`, here and in CI's checkout. A test that cannot find it fails: it must not pass by skipping.
"""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_path(*parts: str) -> Path:
    """`<repo>/../shared/<parts>`; fails the calling test (or fixture) when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"shared data missing: {path} (the shared folder must sit beside the repository "
                    "as ../shared)", pytrace=False)
    return path
