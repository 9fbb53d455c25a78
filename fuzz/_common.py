"""What every atheris harness shares: the import path, seed corpora and the run loop."""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402

# Coverage is collected in our code only: instrumenting SQLAlchemy costs minutes at start.
INSTRUMENT = ["bot", "commands", "crypto", "config"]


def run(name: str, test_one: Callable[[bytes], None], seeds: Iterable[bytes],
        tokens: Iterable[str] = ()) -> None:
    """Fuzz test_one with libFuzzer; the corpus lives in fuzz/corpus/<name>, seeded once.

    `tokens` become a libFuzzer dictionary (command aliases, tag names): mutations that
    insert them reach deep code that random bytes would not. Extra command-line arguments
    go to libFuzzer (e.g. -max_total_time=60). Any exception test_one lets through is a
    crash; an input running longer than -timeout is a hang.
    """
    corpus = ROOT / "fuzz" / "corpus" / name
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    args = [sys.argv[0], *sys.argv[1:], str(corpus)]
    words = sorted(set(tokens))
    if words:
        dictionary = corpus.parent / f"{name}.dict"
        dictionary.write_text("".join(f"{_quoted(w)}\n" for w in words))
        args.insert(1, f"-dict={dictionary}")
    if not any(a.startswith("-timeout=") for a in args):
        args.insert(1, "-timeout=5")        # the hang watchdog: 5 s for one input
    if not any(a.startswith("-artifact_prefix=") for a in args):
        args.insert(1, f"-artifact_prefix={ROOT / 'fuzz'}/{name}-")
    atheris.Setup(args, test_one)
    atheris.Fuzz()


def _quoted(word: str) -> str:
    """A libFuzzer dictionary entry: the UTF-8 bytes, escaped as \\xNN where needed."""
    out = "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\x{b:02x}"
                  for b in word.encode())
    return f'"{out}"'
