"""Shared fixtures: small GPT-2 models built offline (see `attention.offline`), loaded the real way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from attention.gpt2 import LoadedModel, load_model
from attention.offline import build_model_dir

# Large enough initial weights that attention is sharp rather than uniform, so parity means something.
SMALL_GPT2 = {"n_layer": 3, "n_head": 4, "n_embd": 32, "n_positions": 64, "initializer_range": 0.3}


@pytest.fixture(scope="session")
def gpt2_dir_factory(tmp_path_factory) -> Callable[..., Path]:
    """``make(**overrides)`` → a directory holding a small GPT-2 (`SMALL_GPT2` + overrides); built once."""
    built: dict[tuple, Path] = {}

    def make(**overrides) -> Path:
        settings = {**SMALL_GPT2, **overrides}
        key = tuple(sorted(settings.items()))
        if key not in built:
            built[key] = build_model_dir(tmp_path_factory.mktemp("gpt2"), **settings)
        return built[key]

    return make


@pytest.fixture(scope="session")
def gpt2_dir(gpt2_dir_factory) -> Path:
    """The default small GPT-2, saved with save_pretrained."""
    return gpt2_dir_factory()


@pytest.fixture(scope="session")
def small_gpt2(gpt2_dir) -> LoadedModel:
    """The default small GPT-2, loaded through `load_model` like any other model."""
    return load_model(gpt2_dir)


@pytest.fixture(scope="session")
def bundled_gpt2() -> LoadedModel:
    """The trained tiny GPT-2 that ships with the playground: real previous-token and induction heads."""
    from attention.bundled import BUNDLED_NAME

    return load_model(BUNDLED_NAME)
