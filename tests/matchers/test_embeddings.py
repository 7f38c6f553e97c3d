import os
import subprocess
import sys

import numpy as np
import pytest

from matchers import embeddings
from matchers.embeddings import Encoder, batches
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


MIXED = ["Soldiers killed 22 people in a warehouse in Tlatlaya on June 30, 2014, and the army said they died "
         "in a shootout; a survivor later told reporters that most of them had surrendered before they were shot "
         "one by one, and the state prosecutor's office was accused of torturing the witnesses.",
         "Police took the students away.",
         "La Marina negó las acusaciones.",
         "Stock markets rose.",
         "Federal police opened fire on unarmed civilians in Apatzingán on January 6, 2015."]


def test_batches_keep_to_the_token_budget_and_hold_every_text_once():
    lengths = [60, 10, 12, 11, 300, 30, 9]
    cut = batches(lengths, budget=64)
    assert sorted(i for b in cut for i in b) == list(range(len(lengths)))
    assert cut[0] == [4]  # longer than the budget: alone
    assert all(len(b) * max(lengths[i] for i in b) <= 64 for b in cut if len(b) > 1)
    assert [lengths[b[0]] for b in cut] == sorted((lengths[b[0]] for b in cut), reverse=True)
    assert len(batches([10] * 100, budget=10_000, most=64)) == 2


def test_batches_are_the_cheapest_cut_of_the_sorted_texts():
    import itertools
    import random

    generator = random.Random(7)
    for _ in range(40):
        lengths = [generator.choice([5, 9, 14, 30, 61, 120]) for _ in range(generator.randint(1, 8))]
        ordered = sorted(lengths, reverse=True)

        best = min(sum(20 + (b - a) * ordered[a] for a, b in itertools.pairwise((0, *ends, len(ordered))))
                   for k in range(len(ordered)) for ends in itertools.combinations(range(1, len(ordered)), k)
                   if all(b - a == 1 or (b - a) * ordered[a] <= 128
                          for a, b in itertools.pairwise((0, *ends, len(ordered)))))
        cut = batches(lengths, budget=128, overhead=20)
        assert sorted(i for b in cut for i in b) == list(range(len(lengths)))
        assert sum(20 + len(b) * max(lengths[i] for i in b) for b in cut) == best


def test_texts_embedded_together_match_each_embedded_alone_row_for_row(encoder):
    together = encoder.fresh().encode(MIXED)
    alone = np.stack([encoder.fresh().encode([t])[0] for t in MIXED])
    cosines = (together * alone).sum(axis=1)
    assert cosines.min() > 0.9999
    # row i is text i: each row is far closer to its own text alone than to any other text
    assert ((together @ alone.T).argmax(axis=1) == np.arange(len(MIXED))).all()


def test_bf16_stays_within_tolerance_of_fp32(encoder):
    fp32 = Encoder(encoder._model, encoder.name, precision="fp32").encode(MIXED)
    bf16 = Encoder(encoder._model, encoder.name, precision="bf16").encode(MIXED)
    assert (fp32 * bf16).sum(axis=1).min() > 0.999
    assert not np.array_equal(fp32, bf16)  # autocast did run in the other precision


def test_without_native_bf16_the_encoder_computes_in_fp32(encoder, monkeypatch):
    import torch

    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        monkeypatch.setattr(torch.cpu, probe, lambda: False, raising=False)
    assert not embeddings.native_bf16()
    fallback = Encoder(encoder._model, encoder.name)
    assert fallback.precision == "fp32"
    plain = encoder._model.encode(MIXED, batch_size=1, normalize_embeddings=True, convert_to_numpy=True)
    assert np.allclose(fallback.encode(MIXED), plain, atol=1e-5)


def test_a_torch_without_the_capability_probes_means_fp32(monkeypatch):
    import torch

    for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported"):
        monkeypatch.delattr(torch.cpu, probe, raising=False)
    assert not embeddings.native_bf16()


def test_loading_lets_torch_threads_sleep_unless_told_otherwise():
    code = ("import os, sys; from matchers.embeddings import Encoder; Encoder.load(); "
            "assert 'torch' in sys.modules; print(os.environ['OMP_WAIT_POLICY'])")
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env)
    assert done.stdout.split()[-1] == "PASSIVE"
    told = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                          env={**env, "OMP_WAIT_POLICY": "ACTIVE"})
    assert told.stdout.split()[-1] == "ACTIVE"
