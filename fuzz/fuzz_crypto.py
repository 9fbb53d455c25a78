"""atheris: open_xml, open_json, verify_url and decrypt, signed so that decryption is reached."""
from __future__ import annotations

import base64

from _common import INSTRUMENT, atheris, run

with atheris.instrument_imports(include=INSTRUMENT):
    from crypto import CryptoError, WeComCrypto, aes_key, decrypt, sign

TOKEN, KEY, CORP = "QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7"
APP = WeComCrypto(TOKEN, KEY, CORP, clock=lambda: 1_700_000_000)
TS = "1700000000"
SEEDS = [APP.seal_callback("<xml><Content>x</Content></xml>", nonce="n", timestamp=TS)[0],
         b"\x00" + APP.seal_callback_json("{}", nonce="n", timestamp=TS)[0]]


def test_one(data: bytes) -> None:
    """Only CryptoError may come out, whatever the body, signature or ciphertext."""
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 4)
    nonce = fdp.ConsumeUnicodeNoSurrogates(8)
    rest = fdp.ConsumeBytes(fdp.remaining_bytes())
    text = rest.decode("latin-1")
    if mode == 4:   # whole AES blocks in valid base64: decryption, unpadding, framing run
        mode, text = 1, base64.b64encode(rest + b"\0" * (-len(rest) % 16)).decode()
    try:
        if mode == 0:
            APP.open_xml(rest, fdp.ConsumeUnicodeNoSurrogates(40), TS, nonce)
        elif mode == 1:   # a genuine signature over whatever the fuzzer wrote: decrypt runs
            APP.verify_url(sign(TOKEN, TS, nonce, text), TS, nonce, text)
        elif mode == 2:
            APP.open_json(rest, sign(TOKEN, TS, nonce, text), TS, nonce)
        else:
            decrypt(aes_key(KEY), text, CORP)
    except CryptoError:
        pass


if __name__ == "__main__":
    run("crypto", test_one, SEEDS)
