"""Load a GPT-2 and trace a text through it: q, k, v and attention weights, checked against the model.

`trace` runs the model twice. Once as the library ships it (eager attention), to read the model's own
attention weights and next-token logits; once by hand, where every layer's attention is our `attend`
fed with q, k, v cut from the model's own weights. If the two agree, the heat maps on the page are
GPT-2's attention, not an imitation of it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal

import torch
from safetensors import SafetensorError
from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerBase

from attention import bundled
from attention.core import attend
from attention.errors import InputError, ModelLoadError, TraceError

__all__ = [
    "ABLATION_MODES",
    "ALLOWED_MODELS",
    "DEFAULT_MAX_TOKENS",
    "DEFAULT_MODEL",
    "LARGE_MODELS",
    "VISIBLE",
    "Ablation",
    "LoadedModel",
    "Trace",
    "allowed_models",
    "attention_scale",
    "attention_weights",
    "default_model_name",
    "display_tokens",
    "load_model",
    "next_token_logits",
    "token_cap",
    "top_next_tokens",
    "top_tokens",
    "trace",
]

DEFAULT_MODEL = "gpt2"
ALLOWED_MODELS: tuple[str, ...] = (
    "distilgpt2",
    "gpt2",
    "gpt2-medium",
    "distilbert/distilgpt2",
    "openai-community/gpt2",
    "openai-community/gpt2-medium",
)
# Several GB of RAM each: off unless the person running the app opts in with ATTENTION_ALLOW_LARGE=1.
LARGE_MODELS: tuple[str, ...] = (
    "gpt2-large",
    "gpt2-xl",
    "openai-community/gpt2-large",
    "openai-community/gpt2-xl",
)
DEFAULT_MAX_TOKENS = 200

# How whitespace is drawn inside a token, so that " the" and "the" look different on screen.
VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥", "\r": "␍"}

_TRUE = {"1", "true", "yes", "on"}
_TOKENIZER_FILES = (("tokenizer.json",), ("vocab.json", "merges.txt"))
# No weights file or unreadable (OSError, ValueError), a tensor of the wrong shape (RuntimeError),
# a damaged .safetensors file (SafetensorError, raised from Rust).
_BROKEN_WEIGHTS = (OSError, ValueError, RuntimeError, SafetensorError)
_DOWNLOAD_COMMAND = (
    'python -c "from transformers import AutoModelForCausalLM, AutoTokenizer; '
    "AutoModelForCausalLM.from_pretrained('{name}'); AutoTokenizer.from_pretrained('{name}')\""
)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def token_cap(config: GPT2Config) -> int:
    """The most tokens a trace may take: the model's context, or less where ``$ATTENTION_MAX_TOKENS`` says.

    Memory grows with the square of the text (two (layers, heads, T, T) tensors per trace), so a host
    with little memory caps it; a value that is not a positive whole number is ignored.
    """
    try:
        host_cap = int(os.environ.get("ATTENTION_MAX_TOKENS", "").strip())
    except ValueError:
        host_cap = 0
    return min(config.n_positions, host_cap) if host_cap > 0 else config.n_positions


def allowed_models() -> tuple[str, ...]:
    """The hub ids `load_model` accepts right now (the large ones only with ATTENTION_ALLOW_LARGE=1)."""
    return ALLOWED_MODELS + LARGE_MODELS if _env_flag("ATTENTION_ALLOW_LARGE") else ALLOWED_MODELS


def default_model_name() -> str:
    """The model the app starts with: ``$ATTENTION_MODEL`` (hub id or local directory), else "gpt2"."""
    name = os.environ.get("ATTENTION_MODEL", "").strip() or DEFAULT_MODEL
    return bundled.BUNDLED_NAME if bundled.is_bundled(name) else name  # one spelling in the model picker


# ---------------------------------------------------------------------------------------------------
# Loading


@dataclass(frozen=True)
class LoadedModel:
    """A GPT-2 ready to trace: eager attention, float32, eval mode, no gradients.

    Share one between threads freely: `trace` only reads it.
    """

    name: str
    model: GPT2LMHeadModel
    tokenizer: PreTrainedTokenizerBase

    @property
    def config(self) -> GPT2Config:
        return self.model.config


def load_model(name_or_path: str | os.PathLike[str]) -> LoadedModel:
    """Load an allowlisted hub GPT-2 (see `allowed_models`) or a local save_pretrained directory.

    Only the GPT-2 architecture is accepted, and it is always built from transformers' own
    `GPT2LMHeadModel` class, so no code from the model's repository ever runs. Attention is "eager"
    because the fused kernels (sdpa, flash) never materialise the weights we want to show.

    Raises `ModelLoadError` with a message that says what to do: unknown or not-allowed name,
    model not downloadable (offline, not cached), directory missing or broken.
    """
    name = str(name_or_path).strip()
    if bundled.is_bundled(name):  # the tiny GPT-2 that ships with the playground: never a download
        return replace(_load_local(bundled.BUNDLED_DIR), name=bundled.BUNDLED_NAME)
    path = Path(name).expanduser()
    if name and path.is_dir():  # transformers prefers a directory over a hub id of the same name: so do we
        return _load_local(path)
    hub_id = name.lower()
    allowed = allowed_models()
    if hub_id in allowed:
        return _load_hub(hub_id)
    listed = ", ".join(m for m in allowed if "/" not in m)
    if hub_id in LARGE_MODELS:
        raise ModelLoadError("gpt2.error.large_model", name=name, allowed=listed)
    if _looks_like_path(name):
        raise ModelLoadError("gpt2.error.dir_missing", path=name, allowed=listed)
    raise ModelLoadError("gpt2.error.unknown_model", name=name, allowed=listed)


def _looks_like_path(name: str) -> bool:
    # "owner/name" is also how hub ids look, so only unmistakable paths count as paths.
    return name.startswith((".", "/", "~")) or "\\" in name or name.count("/") > 1 or name.endswith("/")


def _reason(err: BaseException) -> str:
    # The first line of the library's message, without its full stop: the catalogue adds its own.
    first_line = (str(err).strip().splitlines() or [type(err).__name__])[0].rstrip(". ")
    return first_line if len(first_line) <= 300 else first_line[:299] + "…"


def _hub_cache_dir() -> str | None:
    # huggingface_hub reads HF_HOME once, at import; reading it per call lets a running app (or a test)
    # switch caches.
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    if os.environ.get("HF_HOME"):
        return str(Path(os.environ["HF_HOME"]).expanduser() / "hub")
    return None


# transformers 5 swaps `PreTrainedModel.tie_weights` out for every model class while `from_pretrained`
# runs and puts it back afterwards; two loads in two threads (two visitors opening two models) then
# see each other's swap: `lm_head.weight` comes out missing, and the class can stay swapped for good.
# Loads therefore take turns. The lock guards the library's class state, not the loaded models.
_FROM_PRETRAINED = threading.Lock()


def _gpt2_from_pretrained(source: str | Path, **options: Any) -> GPT2LMHeadModel:
    """The saved weights in transformers' own GPT2LMHeadModel: eager attention, float32."""
    config = GPT2Config.from_pretrained(source, **options)
    with _FROM_PRETRAINED:
        model, info = GPT2LMHeadModel.from_pretrained(
            source,
            config=config,
            attn_implementation="eager",
            dtype=torch.float32,
            output_loading_info=True,
            **options,
        )
    # transformers fills weights missing from the file with random ones and only logs it: a model that
    # looks fine and is noise. Refuse it instead.
    missing = sorted(info["missing_keys"])
    if missing:
        more = f" (+{len(missing) - 3} more)" if len(missing) > 3 else ""
        reason = "no saved weights for " + ", ".join(missing[:3]) + more
        raise ModelLoadError("gpt2.error.broken_weights", path=str(source), reason=reason)
    return model


def _load_hub(hub_id: str) -> LoadedModel:
    import huggingface_hub.constants

    options: dict[str, Any] = {}
    if _env_flag("HF_HUB_OFFLINE") or _env_flag("TRANSFORMERS_OFFLINE"):
        options["local_files_only"] = True  # read per call for the same reason as the cache
    cache_dir = _hub_cache_dir()
    if cache_dir is not None:
        options["cache_dir"] = cache_dir
    try:
        model = _gpt2_from_pretrained(hub_id, **options)
        tokenizer = AutoTokenizer.from_pretrained(hub_id, trust_remote_code=False, **options)
    except (OSError, ValueError) as err:  # huggingface_hub's offline/not-cached/HTTP errors are OSErrors
        raise ModelLoadError(
            "gpt2.error.not_reachable",
            name=hub_id,
            cache=cache_dir or huggingface_hub.constants.HF_HUB_CACHE,
            command=_DOWNLOAD_COMMAND.format(name=hub_id),
            reason=_reason(err),
        ) from err
    return _ready(hub_id, model, tokenizer)


def _load_local(path: Path) -> LoadedModel:
    config_file = path / "config.json"
    if not config_file.is_file():
        raise ModelLoadError("gpt2.error.no_config", path=str(path))
    try:
        raw = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelLoadError("gpt2.error.bad_config", path=str(path), reason=_reason(err)) from err
    if not isinstance(raw, dict):
        raise ModelLoadError("gpt2.error.bad_config", path=str(path), reason="not a JSON object")
    model_type = raw.get("model_type")
    architectures = raw.get("architectures") or []
    if model_type != "gpt2" or (architectures and "GPT2LMHeadModel" not in architectures):
        raise ModelLoadError(
            "gpt2.error.not_gpt2",
            path=str(path),
            model_type=model_type,
            architectures=", ".join(map(str, architectures)) or "?",
        )
    if not any(all((path / f).is_file() for f in files) for files in _TOKENIZER_FILES):
        raise ModelLoadError("gpt2.error.no_tokenizer", path=str(path))
    try:
        model = _gpt2_from_pretrained(path)
    except _BROKEN_WEIGHTS as err:
        raise ModelLoadError("gpt2.error.broken_weights", path=str(path), reason=_reason(err)) from err
    try:
        tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=False)
    except (OSError, ValueError, TypeError) as err:
        raise ModelLoadError("gpt2.error.broken_tokenizer", path=str(path), reason=_reason(err)) from err
    return _ready(str(path), model, tokenizer)


def _ready(name: str, model: GPT2LMHeadModel, tokenizer: PreTrainedTokenizerBase) -> LoadedModel:
    if len(tokenizer) > model.config.vocab_size:  # ids past the embedding table would crash `trace`
        raise ModelLoadError(
            "gpt2.error.vocab_mismatch",
            name=name,
            tokenizer_size=len(tokenizer),
            vocab_size=model.config.vocab_size,
        )
    model.eval().requires_grad_(False)
    return LoadedModel(name=name, model=model, tokenizer=tokenizer)


# ---------------------------------------------------------------------------------------------------
# Tokens as a person reads them


@cache
def _byte_of_char() -> dict[str, int]:
    """GPT-2's byte-level alphabet, reversed: the printable stand-in for each byte (" " is "Ġ") → byte."""
    byte_values = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    stand_ins = list(byte_values)  # printable bytes stand for themselves…
    borrowed = 0
    for b in range(256):
        if b not in byte_values:  # …the others (space, newline, control bytes) borrow chr(256), chr(257), …
            byte_values.append(b)
            stand_ins.append(256 + borrowed)
            borrowed += 1
    return {chr(c): b for b, c in zip(byte_values, stand_ins, strict=True)}


def _readable(raw: bytes) -> str:
    """Decode UTF-8; a byte that is only part of a character (emoji, CJK split across tokens) → <0xF0>."""
    parts = []
    while raw:
        try:
            parts.append(raw.decode("utf-8"))
            break
        except UnicodeDecodeError as err:
            parts.append(raw[: err.start].decode("utf-8"))
            parts.append("".join(f"<0x{b:02X}>" for b in raw[err.start : err.end]))
            raw = raw[err.end :]
    return "".join(parts)


def display_tokens(tokenizer: PreTrainedTokenizerBase, token_ids: list[int]) -> list[str]:
    """Each token as a person should see it: its own text, whitespace drawn as in `VISIBLE`.

    GPT-2 tokens are bytes, so a token can hold part of a character; those bytes show as <0xF0>.
    Joining the tokens and undoing those two substitutions gives back the text.
    """
    byte_of = _byte_of_char()
    special = set(tokenizer.all_special_ids)
    shown = []
    for token_id, piece in zip(token_ids, tokenizer.convert_ids_to_tokens(token_ids), strict=True):
        if token_id not in special and all(ch in byte_of for ch in piece):
            piece = _readable(bytes(byte_of[ch] for ch in piece))
        shown.append("".join(VISIBLE.get(ch, ch) for ch in piece))
    return shown


# ---------------------------------------------------------------------------------------------------
# Tracing


@dataclass(frozen=True, eq=False, repr=False)
class Trace:
    """One text traced through GPT-2: what every head computed, and how closely `attend` matches it.

    - ``tokens``: T display strings (see `display_tokens`: "␣" is a space, "⏎" a line break, <0xF0> a
      byte of a split character); ``token_ids``: the T ids; ``text``: the text actually traced (the
      first T tokens' worth when it was cut).
    - ``q``, ``k``, ``v`` (layers, heads, T, head_dim): from the model's own weights, ln_1 → c_attn.
    - ``weights`` (layers, heads, T, T): `attend(q, k, v, causal=True)` with the model's scaling.
    - ``library_weights`` (layers, heads, T, T): the model's own eager attention weights.
    - ``max_abs_diff`` (layers, heads): largest |weights − library_weights| per head.
    - ``next_token_logits`` (vocab,): the library's logits for the token after the text;
      ``hand_next_token_logits`` (vocab,): the same from the hand-written forward, where `attend`
      replaces attention in every layer; ``logits_max_abs_diff``: the largest |Δ| between them.
    - ``scales`` (layers,): the factor each layer multiplies its scores by (see `attention_scale`).
    - ``truncated_from``: how many tokens the text had when it was cut to the first T; None if whole.

    The tensors are made under ``torch.inference_mode()``: read them freely, ``.clone()`` one before
    changing it in place.
    """

    name: str
    text: str
    tokens: list[str]
    token_ids: list[int]
    q: torch.Tensor
    k: torch.Tensor
    v: torch.Tensor
    weights: torch.Tensor
    library_weights: torch.Tensor
    max_abs_diff: torch.Tensor
    logits_max_abs_diff: float
    next_token_logits: torch.Tensor
    hand_next_token_logits: torch.Tensor
    scales: tuple[float, ...]
    layers: int
    heads: int
    truncated_from: int | None = None

    @property
    def n_tokens(self) -> int:
        return len(self.token_ids)

    @property
    def truncated(self) -> bool:
        return self.truncated_from is not None

    @property
    def nbytes(self) -> int:
        """The memory its tensors hold: what keeping this trace in a cache costs."""
        tensors = (value for value in vars(self).values() if isinstance(value, torch.Tensor))
        return sum(t.numel() * t.element_size() for t in tensors)

    def __repr__(self) -> str:  # the tensors would bury the summary
        cut = f", truncated_from={self.truncated_from}" if self.truncated else ""
        return (
            f"Trace(name={self.name!r}, n_tokens={self.n_tokens}, layers={self.layers}, heads={self.heads}, "
            f"max_abs_diff={self.max_abs_diff.max().item():.1e}, "
            f"logits_max_abs_diff={self.logits_max_abs_diff:.1e}{cut})"
        )


def attention_scale(config: GPT2Config, layer_idx: int) -> float:
    """What layer ``layer_idx`` multiplies its scores by, following the model's config.

    1/√head_dim when ``scale_attn_weights`` (GPT-2's default), else 1; divided again by layer_idx + 1
    when ``scale_attn_by_inverse_layer_idx`` (a stabiliser from Stanford CRFM's Mistral training runs).
    Computed with the same float operations as transformers, so the scaled scores agree to the bit.
    """
    head_dim = config.n_embd // config.n_head
    scale = 1.0
    if config.scale_attn_weights:
        scale = head_dim**-0.5
    if config.scale_attn_by_inverse_layer_idx:
        scale /= float(layer_idx + 1)
    return scale


def _encode(tokenizer: PreTrainedTokenizerBase, text: str) -> tuple[list[int], list[tuple[int, int]] | None]:
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        return tokenizer.encode(text, add_special_tokens=False), None
    # The Rust tokenizer directly: no warning for texts longer than the model, and no shared
    # truncation settings for concurrent callers to fight over.
    encoding = backend.encode(text, add_special_tokens=False)
    return encoding.ids, encoding.offsets


def trace(loaded: LoadedModel, text: str, *, max_tokens: int | None = None) -> Trace:
    """Trace ``text`` through ``loaded``: the first ``max_tokens`` tokens (default `DEFAULT_MAX_TOKENS`,
    never more than `token_cap`: the model's context, or the host's cap).

    Raises `InputError` for empty text or a bad ``max_tokens``, `TraceError` if the model does not
    return its attention weights (e.g. it was loaded with sdpa instead of eager attention).
    Safe to call from many threads on one model: nothing is hooked or changed on it.
    """
    if not text or not text.strip():
        raise InputError("gpt2.error.empty_text")
    limit = DEFAULT_MAX_TOKENS if max_tokens is None else max_tokens
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InputError("gpt2.error.bad_max_tokens", value=max_tokens)
    model, tokenizer, config = loaded.model, loaded.tokenizer, loaded.config
    limit = min(limit, token_cap(config))

    token_ids, offsets = _encode(tokenizer, text)
    if not token_ids:
        raise InputError("gpt2.error.empty_text")
    truncated_from = None
    if len(token_ids) > limit:
        truncated_from = len(token_ids)
        token_ids = token_ids[:limit]
        text = text[: offsets[limit - 1][1]] if offsets else tokenizer.decode(token_ids)
    scales = tuple(attention_scale(config, i) for i in range(config.n_layer))

    with torch.inference_mode():
        input_ids = torch.tensor([token_ids])  # (1, T)
        library_weights, next_token_logits = _library_forward(model, input_ids)
        q, k, v, weights, hand_next_token_logits = _hand_forward(model, input_ids, scales)
        max_abs_diff = torch.stack(
            [
                torch.sub(w, lw).abs_().amax(dim=(-2, -1))
                for w, lw in zip(weights, library_weights, strict=True)
            ]
        )  # (layers, heads), one layer at a time so no (layers, heads, T, T) temporary
        logits_max_abs_diff = (next_token_logits - hand_next_token_logits).abs().max().item()

    return Trace(
        name=loaded.name,
        text=text,
        tokens=display_tokens(tokenizer, token_ids),
        token_ids=list(token_ids),
        q=q,
        k=k,
        v=v,
        weights=weights,
        library_weights=library_weights,
        max_abs_diff=max_abs_diff,
        logits_max_abs_diff=logits_max_abs_diff,
        next_token_logits=next_token_logits,
        hand_next_token_logits=hand_next_token_logits,
        scales=scales,
        layers=config.n_layer,
        heads=config.n_head,
        truncated_from=truncated_from,
    )


def _library_forward(model: GPT2LMHeadModel, input_ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The model as transformers runs it: its attention weights (layers, heads, T, T), next-token logits."""
    config = model.config
    t = input_ids.shape[1]
    out = model(input_ids, output_attentions=True, use_cache=False, logits_to_keep=1)
    next_token_logits = out.logits[0, -1]  # (vocab,)
    attentions = list(out.attentions or ())  # layers × (1, heads, T, T)
    del out
    # sdpa and flash attention return nothing here, silently; an empty heat map would be a lie.
    if len(attentions) != config.n_layer or any(a is None for a in attentions):
        raise TraceError("gpt2.error.no_attention", implementation=config._attn_implementation)
    library_weights = torch.empty(config.n_layer, config.n_head, t, t)  # (layers, heads, T, T)
    for i in range(config.n_layer):
        library_weights[i] = attentions[i][0]
        attentions[i] = None  # free each layer as it is copied: peak memory is one layer, not a copy of all
    return library_weights, next_token_logits


def _hand_forward(
    model: GPT2LMHeadModel,
    input_ids: torch.Tensor,
    scales: tuple[float, ...],
    *,
    ablations: Mapping[int, Mapping[int, Ablation]] | None = None,
    keep: tuple[str, ...] = ("q", "k", "v", "weights"),
    logits: bool = True,
) -> tuple[torch.Tensor | None, ...]:
    """GPT-2's forward pass written out, with `attend` as every layer's attention.

    Uses the model's own modules as plain functions (no hooks, nothing changed on the model), so
    concurrent traces cannot disturb each other. Returns q, k, v (layers, heads, T, head_dim),
    weights (layers, heads, T, T) and the next-token logits (vocab,).

    ``ablations`` maps layer → head → mode (see `Ablation`): those heads' weights are replaced before
    they meet v, and the weights returned are the replacements. What is not in ``keep`` is returned
    as None and never stored (at 1024 tokens the weights alone are 600 MB); ``logits=False`` returns
    None for the logits and skips everything only they need.
    """
    config, gpt = model.config, model.transformer
    n_layer, n_head, n_embd = config.n_layer, config.n_head, config.n_embd
    head_dim = n_embd // n_head
    t = input_ids.shape[1]
    ablations = ablations or {}
    kept = {  # name → (layers, heads, T, head_dim)
        name: torch.empty(n_layer, n_head, t, head_dim) for name in ("q", "k", "v") if name in keep
    }
    if "weights" in keep:
        kept["weights"] = torch.empty(n_layer, n_head, t, t)  # (layers, heads, T, T)

    # Dropout is left out: the model is in eval mode, where it does nothing.
    x = gpt.wte(input_ids) + gpt.wpe(torch.arange(t))  # (1, T, C): token + position embeddings
    for i, block in enumerate(gpt.h):
        qkv = block.attn.c_attn(block.ln_1(x))  # (1, T, 3C): one fused Conv1D, x @ W + b
        q, k, v = qkv.split(n_embd, dim=2)  # 3 × (1, T, C)
        q = q.view(1, t, n_head, head_dim).transpose(1, 2)  # (1, heads, T, head_dim)
        k = k.view(1, t, n_head, head_dim).transpose(1, 2)  # (1, heads, T, head_dim)
        v = v.view(1, t, n_head, head_dim).transpose(1, 2)  # (1, heads, T, head_dim)
        if config.reorder_and_upcast_attn:
            # transformers then scores in float32 whatever the model's dtype; ours is float32 already.
            q, k = q.float(), k.float()
        steps = attend(q, k, v, causal=True, scale=scales[i])
        weights, output = steps.weights, steps.output  # (1, heads, T, T), (1, heads, T, head_dim)
        if i in ablations:
            weights, output = _ablate(weights, output, v, ablations[i])
        for name, value in (("q", q), ("k", k), ("v", v), ("weights", weights)):
            if name in kept:
                kept[name][i] = value[0]  # (heads, T, head_dim) or (heads, T, T)
        del steps, qkv, q, k  # scores, scaled, masked: T×T each, not kept past this layer
        if i == n_layer - 1 and not logits:
            break  # the weights are all there is to see; the last c_proj and MLP only feed the logits
        y = output.transpose(1, 2).reshape(1, t, n_embd)  # (1, T, C): heads side by side again
        if i == n_layer - 1:
            # Past the last attention only the last position matters (it alone predicts the next
            # token), so the last c_proj and MLP run on one row instead of T.
            x, y = x[:, -1:], y[:, -1:]  # (1, 1, C)
        x = x + block.attn.c_proj(y)  # (1, T, C): residual
        x = x + block.mlp(block.ln_2(x))  # (1, T, C): residual
        del weights, output, v, y

    next_token_logits = model.lm_head(gpt.ln_f(x[0, -1])) if logits else None  # (vocab,)
    q_all, k_all, v_all, weights_all = (kept.get(name) for name in ("q", "k", "v", "weights"))
    return q_all, k_all, v_all, weights_all, next_token_logits


# ---------------------------------------------------------------------------------------------------
# Ablation: what the model predicts when a head is switched off

Ablation = Literal["zero", "uniform", "previous"]
"""How a head is switched off, by what replaces its weights (T, T) before they meet v:

- "zero": nothing; the head adds nothing to the residual stream (its weights and output are 0,
  as for a query with nothing to look at in `attend`). Only c_proj's bias remains of the layer's
  attention once every head of it is zeroed.
- "uniform": equal weights on every key the causal mask allows: query i averages tokens 0…i.
- "previous": all weight on the token just before; token 0, with none before it, keeps itself.
"""
ABLATION_MODES: tuple[Ablation, ...] = ("zero", "uniform", "previous")


def _ablation_weights(mode: Ablation, t: int) -> torch.Tensor:
    """The (T, T) weights that replace an ablated head's."""
    if mode == "zero":
        return torch.zeros(t, t)
    if mode == "uniform":
        allowed = torch.ones(t, t).tril_()  # (T, T): the causal mask
        return allowed / allowed.sum(dim=-1, keepdim=True)
    previous = torch.zeros(t, t)
    previous[0, 0] = 1.0
    previous[torch.arange(1, t), torch.arange(t - 1)] = 1.0  # (T, T): the diagonal just below the main one
    return previous


def _ablate(
    weights: torch.Tensor, output: torch.Tensor, v: torch.Tensor, modes: Mapping[int, Ablation]
) -> tuple[torch.Tensor, torch.Tensor]:
    """One layer's weights (1, heads, T, T) and output (1, heads, T, head_dim), ``modes`` heads replaced."""
    weights, output = weights.clone(), output.clone()
    t = weights.shape[-1]
    for head, mode in modes.items():
        replaced = _ablation_weights(mode, t)  # (T, T)
        weights[0, head] = replaced
        output[0, head] = 0.0 if mode == "zero" else replaced @ v[0, head]  # (T, head_dim)
    return weights, output


def _by_layer(
    config: GPT2Config, ablations: Mapping[tuple[int, int], Ablation]
) -> dict[int, dict[int, Ablation]]:
    """{(layer, head): mode} → {layer: {head: mode}}, refusing heads the model does not have."""
    by_layer: dict[int, dict[int, Ablation]] = {}
    for key, mode in ablations.items():
        layer, head = key
        if not (0 <= layer < config.n_layer and 0 <= head < config.n_head):
            raise ValueError(
                f"no head ({layer}, {head}) in a model of {config.n_layer}×{config.n_head} heads"
            )
        if mode not in ABLATION_MODES:
            raise ValueError(f"unknown ablation {mode!r}; choose one of {', '.join(ABLATION_MODES)}")
        by_layer.setdefault(int(layer), {})[int(head)] = mode
    return by_layer


def _input_ids(config: GPT2Config, token_ids: Sequence[int] | torch.Tensor) -> torch.Tensor:
    ids = torch.as_tensor(token_ids, dtype=torch.long).reshape(1, -1)  # (1, T)
    if not 1 <= ids.shape[1] <= config.n_positions:
        raise ValueError(f"need 1 to {config.n_positions} token ids, got {ids.shape[1]}")
    if bool((ids < 0).any()) or bool((ids >= config.vocab_size).any()):
        raise ValueError(f"token ids must lie in [0, {config.vocab_size})")
    return ids


def next_token_logits(
    loaded: LoadedModel,
    token_ids: Sequence[int] | torch.Tensor,
    ablations: Mapping[tuple[int, int], Ablation] | None = None,
) -> torch.Tensor:
    """The next-token logits (vocab,) from the hand-written forward, with ``ablations`` heads switched off.

    ``ablations`` maps (layer, head) → "zero", "uniform" or "previous" (see `Ablation`). With none, the
    result is bit for bit ``trace(...).hand_next_token_logits`` for the same tokens. A bad head or mode
    is a programming error (ValueError): pages offer only the heads the model has.
    Safe to call from many threads on one model, like `trace`.
    """
    config = loaded.config
    input_ids = _input_ids(config, token_ids)
    by_layer = _by_layer(config, ablations or {})
    scales = tuple(attention_scale(config, i) for i in range(config.n_layer))
    with torch.inference_mode():
        *_, logits = _hand_forward(loaded.model, input_ids, scales, ablations=by_layer, keep=())
    return logits


def attention_weights(
    loaded: LoadedModel,
    token_ids: Sequence[int] | torch.Tensor,
    ablations: Mapping[tuple[int, int], Ablation] | None = None,
) -> torch.Tensor:
    """Every head's weights (layers, heads, T, T) for these tokens, from the hand-written forward.

    The same numbers as ``trace(...).weights``, for token ids that need not come from a text (`trace`
    takes text, and random ids do not survive decoding and encoding again). Ablated heads show the
    weights that replaced theirs, and every later layer what it computes without them.
    """
    config = loaded.config
    input_ids = _input_ids(config, token_ids)
    by_layer = _by_layer(config, ablations or {})
    scales = tuple(attention_scale(config, i) for i in range(config.n_layer))
    with torch.inference_mode():
        _, _, _, weights, _ = _hand_forward(
            loaded.model, input_ids, scales, ablations=by_layer, keep=("weights",), logits=False
        )
    return weights


def top_tokens(loaded: LoadedModel, logits: torch.Tensor, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` likeliest tokens for next-token ``logits`` (vocab,), as (display string, probability).

    Only ids the tokenizer has are candidates (a model's embedding table may be padded past them);
    the probabilities are still the model's, over its whole vocabulary.
    """
    probs = torch.softmax(logits, dim=-1)[: len(loaded.tokenizer)]  # (tokens the tokenizer can show,)
    top = torch.topk(probs, min(k, probs.shape[0]))
    ids = top.indices.tolist()
    return list(zip(display_tokens(loaded.tokenizer, ids), top.values.tolist(), strict=True))


def compare_top_tokens(
    loaded: LoadedModel, before: torch.Tensor, after: torch.Tensor, k: int = 8
) -> list[tuple[str, float, float]]:
    """The ``k`` likeliest tokens under logits ``before`` (vocab,), each with its probability under both.

    Rows are matched by token id, and only those ``k`` ids are decoded for display.
    """
    p_before = torch.softmax(before, dim=-1)[: len(loaded.tokenizer)]  # (tokens the tokenizer can show,)
    p_after = torch.softmax(after, dim=-1)[: len(loaded.tokenizer)]
    ids = torch.topk(p_before, min(k, p_before.shape[0])).indices.tolist()
    shown = display_tokens(loaded.tokenizer, ids)
    return [(text, float(p_before[i]), float(p_after[i])) for text, i in zip(shown, ids, strict=True)]


def top_next_tokens(loaded: LoadedModel, result: Trace, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` likeliest next tokens after the traced text, as (display string, probability)."""
    return top_tokens(loaded, result.next_token_logits, k)


# ---------------------------------------------------------------------------------------------------
# The verdict

WEIGHTS_TOLERANCE = 1e-5  # float32 attention weights computed in a different order agree to ~1e-7
LOGITS_TOLERANCE = 1e-3  # logits are in the tens to hundreds; 1e-3 is far below any change in ranking


@dataclass(frozen=True)
class Parity:
    """Whether `attend` reproduced the model: counts and the largest differences of one trace."""

    heads: int
    mismatched_heads: int
    max_weights_diff: float
    logits_diff: float

    @property
    def ok(self) -> bool:
        return self.mismatched_heads == 0 and self.logits_diff <= LOGITS_TOLERANCE


def parity(result: Trace) -> Parity:
    """Sum up a trace's parity check against `WEIGHTS_TOLERANCE` and `LOGITS_TOLERANCE`."""
    diff = result.max_abs_diff  # (layers, heads)
    return Parity(
        heads=diff.numel(),
        mismatched_heads=int((diff > WEIGHTS_TOLERANCE).sum()),
        max_weights_diff=float(diff.max()),
        logits_diff=result.logits_max_abs_diff,
    )
