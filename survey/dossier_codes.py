"""One spelling per dossier code, so "one rating per dossier" cannot be dodged by how it is typed.

Citizens type or paste the code from their receipt: the same code arrives in full-width letters
(Vietnamese IMEs), lower case, with zero-width characters or a soft hyphen picked up by a copy,
or with an en dash or a minus sign where the receipt has a hyphen. Every channel compares and
stores the code in the form this function gives it.
"""
import unicodedata

# Unicode's dash punctuation (category Pd) and the minus sign (Sm), which NFKC leaves apart.
_DASHES = frozenset(chr(c) for c in (
    0x2D, 0x58A, 0x5BE, 0x1400, 0x1806, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212,
    0x2E17, 0x2E1A, 0x2E3A, 0x2E3B, 0x2E40, 0x2E5D, 0x301C, 0x3030, 0x30A0, 0xFE31, 0xFE32,
    0xFE58, 0xFE63, 0xFF0D, 0x10EAD))


def normalise_dossier_code(raw: str | None) -> str | None:
    """NFKC, upper case, invisible characters and whitespace dropped, every dash as '-'.

    None (or nothing left) when there is no code.
    """
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", raw).casefold().upper()
    kept = []
    for char in text:
        if char in _DASHES:
            kept.append("-")
        elif unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp") or char.isspace():
            continue
        else:
            kept.append(char)
    return "".join(kept) or None
