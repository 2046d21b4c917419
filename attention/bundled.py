"""The tiny GPT-2 that ships with the playground: trained here, present without any download.

`scripts/train_tiny_gpt2.py` trains it on English the script writes itself and saves it into
`BUNDLED_DIR` with ``save_pretrained``, next to a model card (README.md) and the figures measured at
the end of training (training.json). `attention.gpt2.load_model(BUNDLED_DIR)` loads it like any other
local GPT-2.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "BUNDLED_ALIASES",
    "BUNDLED_DIR",
    "BUNDLED_NAME",
    "EXAMPLES",
    "ModelCard",
    "is_bundled",
    "model_card",
]

BUNDLED_NAME = "tiny-gpt2 (bundled)"
# What `is_bundled` also accepts, e.g. ATTENTION_MODEL=tiny-gpt2 (no quoting of spaces in a shell).
BUNDLED_ALIASES: tuple[str, ...] = ("tiny-gpt2",)
BUNDLED_DIR = Path(__file__).resolve().parent / "assets" / "tiny-gpt2"

# Texts the bundled model continues correctly only by copying from earlier in the text (greedy next
# token after each prompt): the training script measures them, the tests hold the model to them.
# The first is the GPT-2 page's default text.
EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "When Mary and John went to the store, John gave a drink to Mary. "
        "When Mary and John went to the store, John gave a drink to",
        " Mary",
    ),
    ("the red fox jumps over the old wall . the red fox jumps over the", " old"),
    ("The lazy dog sat on the green mat. The lazy dog sat on the green", " mat"),
)


def is_bundled(name: str | os.PathLike[str]) -> bool:
    """Whether ``name`` means the bundled model: its display name or an alias (any case), or its folder."""
    text = str(name).strip()
    if text.lower() in {BUNDLED_NAME.lower(), *BUNDLED_ALIASES}:
        return True
    try:
        return bool(text) and Path(text).expanduser().resolve() == BUNDLED_DIR
    except OSError:  # a name no file system can hold is no path to the bundled model either
        return False


@dataclass(frozen=True)
class ModelCard:
    """The bundled model's card: its README (markdown) and the figures training measured.

    ``figures`` is training.json: ``steps``, ``minutes``, ``final_loss``, ``parameters``,
    ``size_bytes``, ``config`` and ``head_scores`` (per head: layer, head, previous_token, induction,
    role), among others.
    """

    text: str
    figures: dict[str, Any]


@cache
def model_card() -> ModelCard:
    """The bundled model's card, read once from `BUNDLED_DIR`."""
    text = (BUNDLED_DIR / "README.md").read_text(encoding="utf-8")
    figures = json.loads((BUNDLED_DIR / "training.json").read_text(encoding="utf-8"))
    return ModelCard(text=text, figures=figures)
