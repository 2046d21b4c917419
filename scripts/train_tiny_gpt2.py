"""Train the bundled tiny GPT-2 (`attention.bundled`) from nothing, in minutes, on two CPU cores.

The text is written by this script: simple English sentences from a small grammar and the word lists
below, the project's own work under the repository's MIT licence, so the model and its tokenizer may
be redistributed with it. Three kinds of document are mixed, each starting with <|endoftext|>:

- stories: a few sentences of the grammar, some of them said again later in the same story
  ("the cat sat on the mat ... the cat sat on the mat");
- word repeats: a run of random words from the lists, then the same run again;
- token repeats: random tokens from the whole vocabulary, then the same tokens again. Only the
  second copy is scored, since nothing could predict the first.

Every repeat rewards looking at what followed the current token last time: a previous-token head
in layer 0 and an induction head in layer 1 (Olsson et al. 2022), which `attention.heads` then
measures on the saved model. The byte-level BPE tokenizer is trained on the same text first.

Deterministic for a seed: the data come from one `random.Random(seed)`, the weights from
`torch.manual_seed(seed)`, torch runs deterministic algorithms on ``--threads`` threads. The number
of steps is fixed; ``--minutes`` only stops a run that is far slower than expected (and says so,
since a run stopped early is not the bundled one).

    python scripts/train_tiny_gpt2.py    # about 5 minutes; writes attention/assets/tiny-gpt2
    python scripts/train_tiny_gpt2.py --steps 100 --out /tmp/tiny    # a quick try elsewhere
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # single-threaded data, same on every machine

import torch
import transformers
from tqdm import tqdm
from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from attention.bundled import BUNDLED_DIR, EXAMPLES
from attention.gpt2 import LoadedModel, attention_weights, load_model, parity, trace
from attention.heads import head_roles, induction_probe, previous_token_score
from attention.offline import END_OF_TEXT, build_tokenizer

# ---------------------------------------------------------------------------------------------------
# The text: a small grammar of English


def words(text: str) -> tuple[str, ...]:
    """A word list written as one string, for lists that read better on a line."""
    return tuple(text.split())


NAMES = words(
    "Mary John Alice Bob Anna Tom Sarah David Emma James Lucy Peter Kate Paul Lily Sam Linh Minh Lan Nam"
)
ANIMALS = words("cat dog fox bird horse mouse rabbit duck cow fish lion bear frog owl goat sheep")
ADJECTIVES = words(
    "red old big small quick lazy brown happy little young green blue warm cold tired hungry quiet "
    "loud white black new soft"
)
PLACES = words("store park house school river garden market street library forest beach city village farm")
THINGS = words(
    "mat wall box ball book cup hat tree bed chair table door window apple cake letter drink gift key "
    "bag boat car"
)
ACTIONS = (  # subject … object: "the fox jumps over the wall"
    "sat on",
    "jumps over",
    "looked at",
    "found",
    "saw",
    "ate",
    "liked",
    "opened",
    "carried",
    "painted",
    "pushed",
    "wanted",
    "walked to",
    "ran past",
)
GIVES = ("gave a {thing} to", "handed the {thing} to", "sent a {thing} to", "showed the {thing} to")
TIMES = ("yesterday", "today", "in the morning", "at night", "later", "then", "after lunch")
SAYS = ("said that", "thought that", "knew that")

WORDS = sorted(
    {*NAMES, *ANIMALS, *ADJECTIVES, *PLACES, *THINGS, *" ".join((*ACTIONS, *TIMES, *SAYS)).split()}
    | {"the", "a", "and", "to", "when", "because", "it", "was", "did", "not", "cross", "is", "has", "in"}
)


def sentence(rng: random.Random) -> list[str]:
    """One sentence of the grammar, as words (punctuation is a word here, placed later by `render`)."""
    pick = rng.choice
    a, b = rng.sample(NAMES, 2)
    kind = rng.randrange(9)
    if kind == 0:
        words = (
            f"the {pick(ADJECTIVES)} {pick(ANIMALS)} {pick(ACTIONS)} the {pick(ADJECTIVES)} {pick(THINGS)}"
        )
    elif kind == 1:
        words = f"{a} and {b} went to the {pick(PLACES)}"
    elif kind == 2:  # the indirect-object sentence: the name said once is the one that receives
        give = pick(GIVES).format(thing=pick(THINGS))
        words = f"when {a} and {b} went to the {pick(PLACES)} , {b} {give} {a}"
    elif kind == 3:
        words = f"{a} {pick(ACTIONS)} the {pick(ADJECTIVES)} {pick(THINGS)} in the {pick(PLACES)}"
    elif kind == 4:
        words = f"the {pick(ANIMALS)} did not cross the {pick(PLACES)} because it was {pick(ADJECTIVES)}"
    elif kind == 5:
        words = f"the {pick(ANIMALS)} sat on the {pick(THINGS)} because it was {pick(ADJECTIVES)}"
    elif kind == 6:
        words = f"{a} has a {pick(ADJECTIVES)} {pick(ANIMALS)} and the {pick(ANIMALS)} is {pick(ADJECTIVES)}"
    elif kind == 7:
        words = f"{pick(TIMES)} , {a} {pick(ACTIONS)} a {pick(ADJECTIVES)} {pick(THINGS)}"
    else:
        words = f"{a} {pick(SAYS)} the {pick(THINGS)} was {pick(ADJECTIVES)}"
    return [*words.split(), "."]


def render(sentences: list[list[str]], spaced: bool) -> str:
    """Sentences as text, in one of two styles.

    ``spaced``: all lower case but names, punctuation as a word ("the fox sat on the mat ."), as in
    the classic induction demos; otherwise as people write ("The fox sat on the mat.").
    """
    if spaced:
        return " ".join(" ".join(words) for words in sentences)
    out = []
    for words in sentences:
        text = " ".join(words).replace(" ,", ",").replace(" .", ".")
        out.append(text[0].upper() + text[1:])
    return " ".join(out)


def story(rng: random.Random) -> str:
    """2 to 8 sentences; each after the first is, one time in three, one said earlier in the story."""
    sentences = [sentence(rng)]
    for _ in range(rng.randint(1, 7)):
        sentences.append(rng.choice(sentences) if rng.random() < 1 / 3 else sentence(rng))
    return render(sentences, spaced=rng.random() < 0.5)


def word_repeat(rng: random.Random) -> str:
    """A run of 4 to 40 random words, then the same run again (its end cut off, half the time)."""
    run = [rng.choice(WORDS) for _ in range(rng.randint(4, 40))]
    again = run if rng.random() < 0.5 else run[: rng.randint(2, len(run))]
    return " ".join(run) + rng.choice((" . ", " ", "\n")) + " ".join(again)


# ---------------------------------------------------------------------------------------------------
# Training examples: token ids and which positions are scored


# Shares of the documents; word repeats make up the rest (0.25).
TOKEN_REPEATS = 0.3
STORIES = 0.45


class Data:
    """Training examples of ``context`` tokens: documents back to back, each after <|endoftext|>."""

    def __init__(self, tokenizer: PreTrainedTokenizerFast, context: int, seed: int):
        self.backend = tokenizer.backend_tokenizer
        self.context = context
        self.eot = tokenizer.convert_tokens_to_ids(END_OF_TEXT)
        special = set(tokenizer.all_special_ids)
        self.drawable = [i for i in range(len(tokenizer)) if i not in special]  # random tokens come from here
        self.rng = random.Random(seed)

    def document(self) -> tuple[list[int], list[bool]]:
        """One document: its ids and whether each position is scored as a target."""
        rng = self.rng
        kind = rng.random()
        if kind < TOKEN_REPEATS:  # the induction probe's situation, for every token of the vocabulary
            span = [rng.choice(self.drawable) for _ in range(rng.randint(4, 60))]
            return [self.eot, *span, *span], [False] * (1 + len(span)) + [True] * len(span)
        text = story(rng) if kind < TOKEN_REPEATS + STORIES else word_repeat(rng)
        ids = [self.eot, *self.backend.encode(text, add_special_tokens=False).ids]
        return ids, [True] * len(ids)

    def example(self) -> tuple[list[int], list[bool]]:
        """``context + 1`` ids (inputs and shifted targets) and whether each target is scored."""
        ids, scored = self.document()
        # Half the examples start mid-document, as a text pasted on the page does: no <|endoftext|> first.
        if self.rng.random() < 0.5:
            cut = self.rng.randrange(len(ids) // 2 + 1)
            ids, scored = ids[cut:], scored[cut:]
        while len(ids) < self.context + 1:
            more_ids, more_scored = self.document()
            ids, scored = ids + more_ids, scored + more_scored
        return ids[: self.context + 1], scored[: self.context + 1]

    def batch(self, size: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Inputs (B, T) and targets (B, T); targets not scored are -100, which the loss ignores."""
        rows = [self.example() for _ in range(size)]
        ids = torch.tensor([r[0] for r in rows])  # (B, T + 1)
        scored = torch.tensor([r[1] for r in rows])  # (B, T + 1)
        targets = ids[:, 1:].masked_fill(~scored[:, 1:], -100)  # (B, T)
        return ids[:, :-1], targets


def tokenizer_corpus(seed: int, documents: int = 4000) -> list[str]:
    """Text to train the tokenizer on: stories and word repeats from their own seed."""
    rng = random.Random(f"tokenizer-{seed}")
    return [story(rng) if i % 4 else word_repeat(rng) for i in range(documents)]


# ---------------------------------------------------------------------------------------------------
# Measures while training


def head_scores(model: GPT2LMHeadModel, tokenizer: PreTrainedTokenizerFast) -> tuple[float, float]:
    """The strongest previous-token score (page's default text) and induction score (probe), any head."""
    loaded = LoadedModel(name="training", model=model, tokenizer=tokenizer)
    model.eval()
    token_ids = tokenizer.encode(EXAMPLES[0][0])
    previous = previous_token_score(attention_weights(loaded, token_ids)).max().item()
    induction = induction_probe(loaded).max().item()
    model.train()
    return previous, induction


def sinusoids(positions: int, width: int) -> torch.Tensor:
    """The original Transformer's position code (positions, width): sin and cos pairs, many frequencies."""
    position = torch.arange(positions, dtype=torch.float32)[:, None]  # (positions, 1)
    frequency = torch.exp(torch.arange(0, width, 2) * (-math.log(10000.0) / width))  # (width / 2,)
    table = torch.zeros(positions, width)  # (positions, width)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)
    return table


def learning_rate(step: int, steps: int, peak: float, warmup: int) -> float:
    """Linear warm-up to ``peak``, constant, then down to a tenth of it over the last fifth of the steps.

    No early decay: induction heads appear suddenly after a plateau (Olsson et al. 2022), and a
    shrinking learning rate would only make the plateau longer.
    """
    if step < warmup:
        return peak * (step + 1) / warmup
    decay_from = int(steps * 0.8)
    if step < decay_from:
        return peak
    return peak * (1 - 0.9 * (step - decay_from) / max(1, steps - decay_from))


# ---------------------------------------------------------------------------------------------------
# The run

BUNDLE_FILES = (
    "config.json",
    "model.safetensors",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "README.md",
    "training.json",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=BUNDLED_DIR, help="where to save (default: the bundle)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=2500)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--minutes", type=float, default=15.0, help="stop (early) after this long")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--vocab", type=int, default=1024, help="upper bound of the BPE vocabulary")
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--context", type=int, default=128)
    parser.add_argument("--measure-every", type=int, default=100)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(args.seed)

    tokenizer = build_tokenizer(tokenizer_corpus(args.seed), vocab_size=args.vocab)
    tokenizer.model_max_length = args.context
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=args.context,
        n_embd=args.width,
        n_layer=args.layers,
        n_head=args.heads,
        resid_pdrop=0.0,  # a few minutes on endless fresh text: nothing to overfit
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = GPT2LMHeadModel(config)
    with torch.no_grad():
        # Position embeddings start as sinusoids rather than noise: "one place back" is then a fixed
        # rotation of every position's code, which a layer-0 head learns quickly, and the previous-token
        # head it becomes is what an induction head needs. Scaled to the token embeddings' norm.
        table = sinusoids(args.context, args.width)  # (T, C)
        token_norm = model.transformer.wte.weight.norm(dim=-1).mean()
        model.transformer.wpe.weight.copy_(table * (token_norm / table.norm(dim=-1).mean()))
    model.train()
    data = Data(tokenizer, args.context, args.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.05)
    parameters = sum(p.numel() for p in model.parameters())
    shape = f"{args.steps} steps of {args.batch}×{args.context}"
    print(f"{parameters:,} parameters, vocabulary {len(tokenizer)}, {shape}")

    history = []
    recent: list[float] = []
    budget = args.minutes * 60
    stopped_early = False
    progress = tqdm(range(args.steps), desc="training", unit="step")
    for step in progress:
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, args.steps, args.lr, warmup=min(50, args.steps // 10 + 1))
        inputs, targets = data.batch(args.batch)  # (B, T), (B, T)
        logits = model(inputs, use_cache=False).logits  # (B, T, vocab)
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=-100)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        recent = [*recent[-49:], loss.item()]
        if (step + 1) % args.measure_every == 0 or step + 1 == args.steps:
            previous, induction = head_scores(model, tokenizer)
            loss_50 = sum(recent) / len(recent)
            history.append(
                {"step": step + 1, "loss": round(loss_50, 4), "previous_token": round(previous, 4),
                 "induction": round(induction, 4)}
            )  # fmt: skip
            progress.set_postfix(loss=f"{loss_50:.3f}", prev=f"{previous:.2f}", ind=f"{induction:.2f}")
            progress.write(
                f"step {step + 1}: loss {loss_50:.3f}, "
                f"previous-token {previous:.3f}, induction {induction:.3f}"
            )
        if time.perf_counter() - started > budget:
            stopped_early = True
            progress.write(
                f"stopped after {step + 1} of {args.steps} steps: the {args.minutes}-minute budget ran out"
            )
            break
    progress.close()
    steps_done = step + 1
    minutes = (time.perf_counter() - started) / 60

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name in BUNDLE_FILES:  # only what a previous run wrote: --out may name a folder with other files
        (out / name).unlink(missing_ok=True)
    model.eval()
    model.save_pretrained(out)  # safetensors
    tokenizer.save_pretrained(out)
    (out / "generation_config.json").unlink(missing_ok=True)  # the app never generates; one file less

    figures = measure(out)
    figures.update(
        seed=args.seed,
        steps=steps_done,
        steps_planned=args.steps,
        stopped_early=stopped_early,
        batch=args.batch,
        tokens_seen=steps_done * args.batch * args.context,
        learning_rate=args.lr,
        minutes=round(minutes, 2),
        threads=args.threads,
        final_loss=history[-1]["loss"] if history else None,
        history=history,
        parameters=parameters,
        machine=f"{platform.machine()}, torch {torch.__version__}, transformers {transformers.__version__}",
        size_bytes=sum((out / name).stat().st_size for name in BUNDLE_FILES if (out / name).is_file()),
    )  # the size of what `load_model` reads: weights, config, tokenizer
    (out / "training.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    (out / "README.md").write_text(card(figures), encoding="utf-8")
    print(card(figures))


# A head counts for a role from this score on: the bar issue 5 sets for the bundled model.
ROLE_THRESHOLD = 0.5
ROLE_NAMES = {  # score name → how the card names the role
    "previous_token": "previous-token",
    "induction": "induction",
    "duplicate_token": "duplicate-token",
    "own_token": "own token",
    "first_token": "first token",
}


def measure(path: Path) -> dict:
    """The saved model, loaded the app's way: head roles, the examples' predictions, parity."""
    loaded = load_model(path)
    config = loaded.config
    result = trace(loaded, EXAMPLES[0][0])
    roles = head_roles(loaded, result)
    # Not one of `attention.heads`' roles, but the card should say what a head that looks at itself does.
    own_token = result.weights.diagonal(dim1=-2, dim2=-1).mean(dim=-1)  # (layers, heads)
    heads = []
    for row in roles.table().itertuples(index=False):
        scores = {
            "previous_token": row.previous_token,
            "induction": row.induction,
            "duplicate_token": row.duplicate_token,
            "own_token": own_token[row.layer, row.head].item(),
            "first_token": row.first_token,
            "induction_text": row.induction_text,
            "entropy": row.entropy,
        }
        role = " + ".join(ROLE_NAMES[name] for name in ROLE_NAMES if scores[name] >= ROLE_THRESHOLD)
        heads.append(
            {"layer": int(row.layer), "head": int(row.head)}
            | {name: round(float(value), 4) for name, value in scores.items()}
            | {"role": role or "—"}
        )
    examples = []
    for prompt, expected in EXAMPLES:
        logits = trace(loaded, prompt).next_token_logits  # (vocab,)
        best = int(logits.argmax())
        examples.append(
            {
                "prompt": prompt,
                "expected": expected,
                "predicted": loaded.tokenizer.decode([best]),
                "probability": round(torch.softmax(logits, dim=-1)[best].item(), 4),
            }
        )
    check = parity(trace(loaded, " ".join(prompt for prompt, _ in EXAMPLES)))
    return {
        "config": {
            "n_layer": config.n_layer,
            "n_head": config.n_head,
            "n_embd": config.n_embd,
            "n_positions": config.n_positions,
            "vocab_size": config.vocab_size,
        },
        "head_scores_text": EXAMPLES[0][0],
        "probe_length": roles.probe_length,
        "role_threshold": ROLE_THRESHOLD,
        "head_scores": heads,
        "examples": examples,
        "parity": "holds" if check.ok else "FAILS",
        "parity_max_weights_diff": check.max_weights_diff,
        "parity_logits_diff": check.logits_diff,
    }


def _heads_named(heads: list[dict], score: str) -> str:
    """The heads scoring for a role, strongest first: "layer 1 head 0 (0.98) and layer 1 head 2 (0.97)"."""
    picked = sorted((h for h in heads if h[score] >= ROLE_THRESHOLD), key=lambda h: -h[score])
    named = [f"layer {h['layer']} head {h['head']} ({h[score]:.2f})" for h in picked]
    return " and ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named) or "none"


def card(figures: dict) -> str:
    """The model card, README.md, from the measured figures."""
    config, heads = figures["config"], figures["head_scores"]
    size_text = f"{figures['size_bytes'] / 1e6:.1f} MB on disk"
    rows = "\n".join(
        f"| {h['layer']} | {h['head']} | {h['previous_token']:.3f} | {h['induction']:.3f} | "
        f"{h['duplicate_token']:.3f} | {h['own_token']:.3f} | {h['first_token']:.3f} | {h['role']} |"
        for h in heads
    )
    examples = "\n".join(
        f"- `{e['prompt']}` → `{e['predicted']}` "
        f"(probability {e['probability']:.2f}; expected `{e['expected']}`)"
        for e in figures["examples"]
    )
    early = " **Stopped early by the time budget: not the planned run.**" if figures["stopped_early"] else ""
    return f"""\
# tiny-gpt2 (bundled)

A GPT-2 (transformers' `GPT2LMHeadModel`, the same class as OpenAI's GPT-2) small enough to ship with
the attention playground, so that every page shows trained attention with no download.

- **Shape**: {config["n_layer"]} layers × {config["n_head"]} heads, width {config["n_embd"]}, context \
{config["n_positions"]} tokens, {figures["parameters"]:,} parameters, {size_text} (safetensors).
- **Tokenizer**: byte-level BPE in GPT-2's style (`<|endoftext|>` its only special token), \
{config["vocab_size"]} tokens, trained on the same kind of text as the model. Any text encodes, byte \
by byte if need be, but the model only knows the simple English below.
- **Data**: text generated by `scripts/train_tiny_gpt2.py` itself, from a small grammar and word lists \
written in the script: short stories ("The lazy dog sat on the green mat."), some sentences repeated \
later in the story, runs of random words repeated, and runs of random tokens repeated. No outside \
text: the data, the model and the tokenizer are the project's own work and may be redistributed under \
the repository's MIT licence.
- **Training**: seed {figures["seed"]}, {figures["steps"]} steps of {figures["batch"]} sequences × \
{config["n_positions"]} tokens ({figures["tokens_seen"]:,} tokens), AdamW, peak learning rate \
{figures["learning_rate"]}, {figures["minutes"]:.1f} minutes on {figures["threads"]} CPU threads \
({figures["machine"]}); final training loss {figures["final_loss"]:.3f} nats per scored token.{early}
- **Reproduce**: `python scripts/train_tiny_gpt2.py` (deterministic for a seed on the same machine \
and library versions; `training.json` holds every figure below).

## What its heads do

Measured by the playground's own head-role scores (`attention.heads`), on the GPT-2 page's default \
text unless said otherwise. *Previous-token*: mean weight from each token to the one just before it. \
*Induction*: the standard probe, {figures["probe_length"]} random tokens seen twice after \
`<|endoftext|>`, mean weight from each token of the second copy to the token that followed it in the \
first. *Duplicate-token*: weight on earlier copies of the same token. *Own token*: weight on itself. \
*First token*: weight on the text's first token. A head counts for a role from \
{figures["role_threshold"]}.

| layer | head | previous-token | induction | duplicate-token | own token | first token | role |
|---|---|---|---|---|---|---|---|
{rows}

Previous-token heads: {_heads_named(heads, "previous_token")}. Induction heads: \
{_heads_named(heads, "induction")}. Together they are the classic two-layer induction circuit \
(Olsson et al. 2022): a layer-0 head copies each token's predecessor into it, and a layer-1 head \
looks for the place where the current token appeared before and attends to what came next, so the \
model can repeat what it has read (greedy next token):

{examples}

The page's parity check {figures["parity"]}: the hand-written attention reproduces the model's weights to \
{figures["parity_max_weights_diff"]:.1e} and its next-token logits to {figures["parity_logits_diff"]:.1e}.
"""


if __name__ == "__main__":
    main()
