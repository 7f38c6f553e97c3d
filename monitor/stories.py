"""The same wire story syndicated by ten outlets is one story: near-duplicate detection by MinHash.

Texts (title + summary) are normalized (casefold, accents stripped, punctuation dropped) and cut
into overlapping 3-word shingles; MinHash estimates their Jaccard similarity and an LSH index finds
candidates without comparing against every known story. A reworded headline over the same lede
keeps most shingles; two different reports about the same case share names but few 3-word runs.

Signatures are bytes (`signature`) so the pipeline can keep them in the database and rebuild the
index at start-up (`add_signature`) without re-reading old items.
"""

from __future__ import annotations

import numpy as np
from datasketch import MinHash, MinHashLSH

from monitor.domain.text import words

NUM_PERM = 128
SHINGLE_WORDS = 3
THRESHOLD = 0.5
SCHEME = "affine32"  # pinned: signatures of different schemes cannot be compared
# Stored signatures start with this tag (format 1: affine32, seed 1, little-endian uint64 values),
# so a change of scheme or width is refused instead of silently matching nothing.
_FORMAT = b"mh1:"
def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Overlapping runs of `size` words (the words themselves for texts shorter than that)."""
    tokens = words(text)
    if len(tokens) < size:
        return set(tokens)
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


class StoryIndex:
    """Known stories by key (an item id, a story id); finds the one a new text near-duplicates."""

    def __init__(self, *, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._hashes: dict[str, MinHash] = {}

    def __len__(self) -> int:
        return len(self._hashes)

    def __contains__(self, key: object) -> bool:
        return key in self._hashes

    def match(self, text: str) -> str | None:
        """The key of the most similar known story at or above the threshold, else None."""
        minhash = self._minhash(text)
        return None if minhash is None else self._best(minhash)

    def add(self, key: str, text: str) -> None:
        """Remember `text` as story `key` (a text with no words is not indexed)."""
        minhash = self._minhash(text)
        if minhash is not None:
            self._insert(key, minhash)

    def remove(self, key: str) -> None:
        """Forget story `key` (a no-op for a key never indexed)."""
        if self._hashes.pop(key, None) is not None:
            self._lsh.remove(key)

    def signature(self, text: str) -> bytes:
        """The MinHash of `text` as bytes to store (b"" for a text with no words)."""
        minhash = self._minhash(text)
        return b"" if minhash is None else _FORMAT + minhash.hashvalues.astype("<u8").tobytes()

    def add_signature(self, key: str, signature: bytes) -> None:
        """Index a story from a stored `signature` (empty signatures are ignored)."""
        if signature:
            self._insert(key, self._from_signature(key, signature))

    def match_signature(self, signature: bytes) -> str | None:
        """Like `match`, for a signature computed earlier."""
        return self._best(self._from_signature("?", signature)) if signature else None

    def _from_signature(self, key: str, signature: bytes) -> MinHash:
        expected = len(_FORMAT) + self.num_perm * 8
        if not signature.startswith(_FORMAT) or len(signature) != expected:
            raise ValueError(f"story signature for {key!r} is not format {_FORMAT!r} with "
                             f"num_perm={self.num_perm} ({len(signature)} bytes, expected {expected})")
        hashvalues = np.frombuffer(signature[len(_FORMAT):], dtype="<u8").astype(np.uint64)
        return MinHash(num_perm=self.num_perm, hashvalues=hashvalues, scheme=SCHEME)

    def _minhash(self, text: str) -> MinHash | None:
        parts = shingles(text)
        if not parts:
            return None
        minhash = MinHash(num_perm=self.num_perm, scheme=SCHEME)
        minhash.update_batch([part.encode("utf-8") for part in parts])
        return minhash

    def _insert(self, key: str, minhash: MinHash) -> None:
        if key in self._hashes:  # re-adding a key replaces its text
            self._lsh.remove(key)
        self._lsh.insert(key, minhash)
        self._hashes[key] = minhash

    def _best(self, minhash: MinHash) -> str | None:
        # LSH candidates are probable, not certain: confirm with the Jaccard estimate itself.
        scored = [(self._hashes[key].jaccard(minhash), key) for key in self._lsh.query(minhash)]
        scored = [(score, key) for score, key in scored if score >= self.threshold]
        return max(scored)[1] if scored else None
