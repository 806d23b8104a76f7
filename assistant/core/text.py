"""Text normalisation shared by everything that compares what people say.

Chat and phone transcripts differ in accents, case, apostrophes and punctuation
("J’ai mal à la poitrine.", "jai mal a la poitrine"); comparisons happen on the
normalised form: lowercase, no accents, apostrophes and punctuation as spaces,
single spaces.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("œ", "oe").replace("æ", "ae")
    return _NON_WORD.sub(" ", stripped).strip()
