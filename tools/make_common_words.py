"""Write src/vccap/lexique/mots_courants.txt: the frequent French words (run by hand).

A surname or first name that is also one of these words (Blanc, Petit, Roux, Marin, Grand,
Rose, Claire…) is scrubbed only where it is clearly a name (see :mod:`vccap.personal`).

A word is frequent when it is a lower-case entry of a French word list (Debian's
``wfrench``: /usr/share/dict/french, common words only, no proper noun) and its frequency in
``wordfreq``'s French data reaches ZIPF (about 8 occurrences per million words). A few
dictionary words whose frequency comes from their use as a name (``martin``, the bird, is
rare; Martin, the surname, is not) are left out: NAMES_FIRST.

    apt-get install wfrench && pip install wordfreq
    python tools/make_common_words.py

Sources: wordfreq (data under CC BY-SA 4.0), wfrench (GPL-2). The list holds folded words
only (no accent, lower case), one a line.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "vccap" / "lexique" / "mots_courants.txt"
WORDLIST = Path("/usr/share/dict/french")
ZIPF = 3.9
NAMES_FIRST = {
    "bernard",
    "clement",
    "henry",
    "jean",
    "julien",
    "laurent",
    "louis",
    "martin",
    "pascal",
    "richard",
}


def fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def main() -> int:
    try:
        from wordfreq import zipf_frequency
    except ImportError:
        print("pip install wordfreq", file=sys.stderr)
        return 1
    if not WORDLIST.exists():
        print("apt-get install wfrench", file=sys.stderr)
        return 1
    entries = WORDLIST.read_text(encoding="utf-8").split()
    common = {
        fold(w) for w in entries if w.isalpha() and w.islower() and zipf_frequency(w, "fr") >= ZIPF
    }
    common -= NAMES_FIRST
    header = (
        "# Mots français fréquents (forme sans accent ni majuscule), un par ligne.\n"
        "# Écrit par tools/make_common_words.py (wfrench x wordfreq, fréquence zipf >= "
        f"{ZIPF}).\n"
        "# Un nom de famille ou un prénom qui est aussi l'un de ces mots n'est masqué que là\n"
        "# où il désigne clairement une personne (voir vccap.personal).\n"
    )
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(header + "\n".join(sorted(common)) + "\n", encoding="utf-8")
    print(f"{len(common)} mots -> {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
