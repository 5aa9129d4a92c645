"""DMLab's countdown clock: the time left drawn in the image's top-right corner."""

from __future__ import annotations

import numpy as np

# 3x5 pixel glyphs of the digits and the colon, row by row (1 = lit)
_GLYPHS = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001010010010",
    "8": "111101111101111", "9": "111101111001111", ":": "000010000010000",
}
_MASKS = {ch: np.array([int(b) for b in bits], dtype=bool).reshape(5, 3) for ch, bits in _GLYPHS.items()}


def clock_text(frames_remaining: int, fps: float = 60.0) -> str:
    """``M:SS`` of the seconds left, rounded up as a countdown shows them."""
    seconds = int(np.ceil(max(frames_remaining, 0) / fps))
    return f"{seconds // 60}:{seconds % 60:02d}"


def draw_clock(image: np.ndarray, frames_remaining: int, fps: float = 60.0) -> None:
    """Draws the countdown in white with a dark outline in the top-right corner of
    ``image`` (in place), its glyphs scaled with the image height (1 pixel a glyph
    pixel at 72 rows)."""
    text = clock_text(frames_remaining, fps)
    s = max(1, image.shape[0] // 72)
    gw, gh = 4 * s, 5 * s  # glyph advance and height
    x = image.shape[1] - len(text) * gw - 2 * s
    y = 2 * s
    for ch in text:
        mask = np.kron(_MASKS[ch], np.ones((s, s), dtype=bool))
        region = image[y: y + gh, x: x + 3 * s]
        region[mask] = 255
        x += gw
