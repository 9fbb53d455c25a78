"""What every atheris harness shares: the import path, seed corpora and the run loop."""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402


def run(name: str, test_one: Callable[[bytes], None], seeds: Iterable[bytes]) -> None:
    """Fuzz test_one with libFuzzer; the corpus lives in fuzz/corpus/<name>, seeded once.

    Extra command-line arguments go to libFuzzer (e.g. -max_total_time=60). Any exception
    test_one lets through is a crash; an input running longer than -timeout is a hang.
    """
    corpus = ROOT / "fuzz" / "corpus" / name
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    args = [sys.argv[0], *sys.argv[1:], str(corpus)]
    if not any(a.startswith("-timeout=") for a in args):
        args.insert(1, "-timeout=5")        # the hang watchdog: 5 s for one input
    if not any(a.startswith("-artifact_prefix=") for a in args):
        args.insert(1, f"-artifact_prefix={ROOT / 'fuzz'}/{name}-")
    atheris.Setup(args, test_one)
    atheris.Fuzz()
