"""Pure WeCom (企业微信) callback crypto: signatures, AES framing, safe XML, envelopes.

No I/O and no imports from the rest of the project. Every failure is a CryptoError
whose ``code`` is the official WXBizMsgCrypt return code:

    CryptoError
    ├── InvalidSignature    -40001  signature missing or wrong
    │   └── StaleTimestamp  -40001  timestamp not an integer or outside max_skew
    ├── ParseError          -40002  malformed/unsafe XML or JSON, missing Encrypt
    ├── IllegalAesKey       -40004  EncodingAESKey not 43 chars of [A-Za-z0-9]
    ├── ReceiveIdMismatch   -40005  CorpID / receive id inside the buffer differs
    ├── EncryptError        -40006  encryption failed
    ├── DecryptError        -40007  bad length, bad padding, wrong key
    ├── IllegalBuffer       -40008  truncated buffer, msg_len past the end
    ├── EncodeBase64Error   -40009  base64 encoding failed
    ├── DecodeBase64Error   -40010  ciphertext is not strict base64
    └── GenReturnError      -40011  reply envelope could not be built
"""

from .cipher import aes_key, decrypt, encrypt
from .envelope import WeComCrypto
from .errors import (
    CryptoError,
    DecodeBase64Error,
    DecryptError,
    EncodeBase64Error,
    EncryptError,
    GenReturnError,
    IllegalAesKey,
    IllegalBuffer,
    InvalidSignature,
    ParseError,
    ReceiveIdMismatch,
    StaleTimestamp,
)
from .signature import sign, verify_signature
from .xmlsafe import parse_xml

__all__ = [
    "CryptoError",
    "DecodeBase64Error",
    "DecryptError",
    "EncodeBase64Error",
    "EncryptError",
    "GenReturnError",
    "IllegalAesKey",
    "IllegalBuffer",
    "InvalidSignature",
    "ParseError",
    "ReceiveIdMismatch",
    "StaleTimestamp",
    "WeComCrypto",
    "aes_key",
    "decrypt",
    "encrypt",
    "parse_xml",
    "sign",
    "verify_signature",
]
