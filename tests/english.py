"""One detector of an English sentence in a text that should be Chinese: three or more English
words in a row (letters only, separated by spaces or commas). Identifiers are not words here —
a token joined to a hyphen, underscore, dot, digit or slash (``lock-key-project``,
``tax_per_mu``, ``zoneopt.examples``, ``PCG64``, ``lon/lat``) breaks a run — so ids, units,
clause citations (``2017 §六(一)``) and short proper names (``SYNTHETIC data``, ``WGS 84``) pass;
ids that are plain words (zone ids such as ``luohe``, listed one after another in a table) are
given as ``ids`` and do not count either.
The snapshots of every verb (``tests/test_lang_verbs.py``) and the bundled instances' texts
(``tests/test_instance_language.py``) are checked with it."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD = r"(?<![\w./&-])[A-Za-z]+(?![\w./&-])"
ENGLISH_SENTENCE = re.compile(rf"{_WORD}(?:,? {_WORD}){{2,}}")
"""Three English words in a row."""


def english_sentence(text: str, ids: Iterable[str] = ()) -> str | None:
    """The first English sentence (three words in a row) in ``text``, or None; the words in
    ``ids`` are identifiers, not words."""
    names = sorted(set(ids), key=len, reverse=True)
    if names:
        text = re.sub(rf"(?<![\w./&-])(?:{'|'.join(map(re.escape, names))})(?![\w./&-])", "#", text)
    found = ENGLISH_SENTENCE.search(text)
    return found.group(0) if found else None
