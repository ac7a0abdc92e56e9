"""The face icons of satisfaction scales, drawn once as inline SVG (no image requests)."""
from markupsafe import Markup

# The mouth carries the meaning; colour only supports it (never the sole cue).
_MOUTHS = {
    "very_dissatisfied": ("M15 35q9-9 18 0", "none", "#f4b6b0"),
    "dissatisfied": ("M16 34q8-5 16 0", "none", "#f8d3b0"),
    "neutral": ("M16 32h16", "none", "#f3e6a6"),
    "satisfied": ("M16 30q8 6 16 0", "none", "#c9e4b4"),
    "very_satisfied": ("M14 28q10 12 20 0z", "#1b1b1b", "#9fd39a"),
}

FACES = {
    icon: Markup(
        '<svg viewBox="0 0 48 48" aria-hidden="true" focusable="false">'
        f'<circle cx="24" cy="24" r="22" fill="{face}" stroke="#1b1b1b" stroke-width="2"/>'
        '<circle cx="17" cy="19" r="2.5"/><circle cx="31" cy="19" r="2.5"/>'
        f'<path d="{mouth}" fill="{fill}" stroke="#1b1b1b" stroke-width="2.5" stroke-linecap="round"/>'
        "</svg>")
    for icon, (mouth, fill, face) in _MOUTHS.items()
}
