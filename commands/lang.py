"""Which language a user wrote in."""
import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def detect(text: str) -> str:
    """'zh' when the text has any Chinese characters or full-width punctuation, else 'en'."""
    return "zh" if _CJK.search(text) else "en"
