"""The shared data is found beside the repository, and its absence fails instead of skipping."""

import pytest

from tests.shared import SHARED, shared_path


def test_shared_data_is_found_beside_the_repository() -> None:
    assert shared_path("eval", "dev.jsonl") == SHARED / "eval" / "dev.jsonl"
    assert shared_path("corpora", "feedparser-tests").is_dir()


def test_missing_shared_data_fails_the_test_with_its_path() -> None:
    with pytest.raises(pytest.fail.Exception, match=r"shared data missing: .*no-such-corpus"):
        shared_path("corpora", "no-such-corpus")
