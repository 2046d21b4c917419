"""Small GPT-2 models and a GPT-2-style tokenizer built on the spot, with no download.

Tests, benchmarks and training scripts need a real `GPT2LMHeadModel` saved the way the hub saves one,
but the machine may have no network. Here a byte-level BPE is trained on a few sentences of English
and Vietnamese (the same kind of tokenizer as GPT-2's, only with a much smaller vocabulary) and a GPT-2
of any shape gets seeded random weights. `build_model_dir` writes both with ``save_pretrained``, so
`attention.gpt2.load_model(path)` loads them through exactly the same code as a downloaded model.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

__all__ = ["CORPUS", "END_OF_TEXT", "build_model_dir", "build_tokenizer"]

END_OF_TEXT = "<|endoftext|>"

# A few lines in each language are enough for BPE to learn common words and syllables; every other
# character still encodes, byte by byte, because all 256 bytes are in the initial alphabet.
CORPUS = """\
The attention mechanism lets a model focus on the important parts of its input.
Instead of treating every token the same, attention learns which tokens matter more at each step.
The query is the token that is asking, the keys hold information, the values are what is retrieved.
Softmax turns the scores into weights between zero and one that sum to one.
GPT only looks at earlier tokens, never at the future: it writes one token at a time.
The cat sat on the mat because it was warm. The animal did not cross the street because it was tired.
Cơ chế attention giúp mô hình tập trung vào những phần quan trọng của đầu vào.
Thay vì xem mọi token như nhau, attention học được token nào quan trọng hơn ở mỗi bước.
Truy vấn là token đang hỏi, khóa là những token chứa thông tin, giá trị là thông tin được lấy ra.
Softmax biến điểm số thành trọng số từ không đến một, cộng lại bằng một.
Mặt nạ nhân quả giúp mỗi token chỉ nhìn các token phía trước, không bao giờ nhìn tương lai.
Hôm nay trời đẹp, chúng tôi đi học và đọc sách ở thư viện Hà Nội.
"""


def build_tokenizer(corpus: Iterable[str] | None = None, vocab_size: int = 1000) -> PreTrainedTokenizerFast:
    """A byte-level BPE tokenizer in GPT-2's style, trained offline on ``corpus`` (default: `CORPUS`).

    Like GPT-2's: the GPT-2 pre-tokenizer regex over bytes shown as printable characters ("Ġ" for a
    space), a byte-level decoder, and ``<|endoftext|>`` as its only special token, used as bos, eos
    and unk. ``vocab_size`` is an upper bound: a small corpus runs out of merges before reaching it.
    """
    lines = CORPUS.splitlines() if corpus is None else list(corpus)
    backend = Tokenizer(models.BPE())
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    backend.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[END_OF_TEXT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(lines, trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token=END_OF_TEXT, eos_token=END_OF_TEXT, unk_token=END_OF_TEXT
    )


def build_model_dir(
    path: str | Path,
    *,
    n_layer: int = 2,
    n_head: int = 4,
    n_embd: int = 32,
    n_positions: int = 256,
    seed: int = 0,
    tokenizer: PreTrainedTokenizerFast | None = None,
    **config_overrides: Any,
) -> Path:
    """Save a randomly initialised GPT-2 (``GPT2LMHeadModel``) and its tokenizer into ``path``.

    The weights depend only on ``seed`` and the shape; the caller's random state is left untouched.
    ``config_overrides`` go to `GPT2Config` (e.g. ``scale_attn_by_inverse_layer_idx=True``,
    ``initializer_range=0.5`` for sharper attention, ``vocab_size=50257`` for GPT-2's real width;
    the vocabulary defaults to the tokenizer's size). Returns ``path``, ready for ``load_model(path)``.
    """
    path = Path(path)
    tokenizer = build_tokenizer() if tokenizer is None else tokenizer
    tokenizer.model_max_length = n_positions
    config_overrides.setdefault("vocab_size", len(tokenizer))
    if config_overrides["vocab_size"] < len(tokenizer):
        raise ValueError(
            f"vocab_size {config_overrides['vocab_size']} < the tokenizer's {len(tokenizer)} tokens"
        )
    config = GPT2Config(
        n_layer=n_layer,
        n_head=n_head,
        n_embd=n_embd,
        n_positions=n_positions,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        **config_overrides,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = GPT2LMHeadModel(config).eval()
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(path)  # safetensors, the default format
    tokenizer.save_pretrained(path)
    return path
