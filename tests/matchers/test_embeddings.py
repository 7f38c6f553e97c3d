import subprocess
import sys

import numpy as np
import pytest

from matchers.embeddings import Encoder
from monitor.domain.errors import ModelError


def test_importing_the_linker_does_not_import_torch():
    code = "import sys, matchers, matchers.linker, matchers.explain; assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_bundled_model_embeds_normalized_and_semantic(encoder):
    vectors = encoder.encode(["Soldiers executed people who had surrendered",
                              "Troops killed men after they gave up",
                              "Stock markets rose on trade optimism"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_cache_returns_the_same_vectors(encoder):
    first = encoder.encode(["a cached sentence"])
    assert np.array_equal(encoder.encode(["a cached sentence"]), first)
    assert encoder.encode([]).shape == (0, 384)


def test_unknown_model_raises_model_error_saying_how(tmp_path):
    with pytest.raises(ModelError, match="cannot load embedding model") as error:
        Encoder.load(str(tmp_path / "no-such-model"))
    assert "bundled" in str(error.value)
