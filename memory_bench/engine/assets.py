"""Textures for the engine's scenes: PNG files decoded once per process, and the
procedural images (posters) that DMLab-style levels hang on their walls.

Every scene builder (Memory Maze's :mod:`memory_bench.engine.scene`, the DMLab-style
:mod:`memory_bench.engine.arena`) takes its textures from here, so that a texture file
is decoded once however many envs a process makes.
"""

from __future__ import annotations

from functools import lru_cache

import mujoco
import numpy as np

Texture = tuple[int, int, bytes]  # width, height, RGB bytes (row 0 at the top)


@lru_cache(maxsize=None)
def decode_png(path: str) -> Texture:
    """An RGB PNG file decoded by MuJoCo's own decoder (no imaging library needed)."""
    spec = mujoco.MjSpec()
    spec.add_texture(name="t", type=mujoco.mjtTexture.mjTEXTURE_2D, file=path)
    model = spec.compile()
    w, h, c = int(model.tex_width[0]), int(model.tex_height[0]), int(model.tex_nchannel[0])
    data = np.frombuffer(model.tex_data[: w * h * c].tobytes(), dtype=np.uint8).reshape(h, w, c)
    return w, h, np.ascontiguousarray(data[..., :3]).tobytes()


def downsample(img: np.ndarray, size: int) -> np.ndarray:
    """An ``(h, w, 3)`` image box-filtered down to at most ``size`` pixels a side (by
    whole factors; rounded to uint8)."""
    f = max(1, min(img.shape[0], img.shape[1]) // size)
    if f == 1:
        return img
    h, w = img.shape[0] // f, img.shape[1] // f
    small = img[: h * f, : w * f].reshape(h, f, w, f, 3).astype(np.float32).mean(axis=(1, 3))
    return np.rint(small).astype(np.uint8)


def as_array(tex: Texture) -> np.ndarray:
    """A texture as an ``(h, w, 3)`` uint8 array."""
    w, h, data = tex
    return np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3)


#: The palette of the procedural posters (RGB, 0-255).
POSTER_COLORS = np.array(
    [[220, 40, 40], [40, 160, 60], [40, 90, 220], [240, 200, 40], [160, 60, 200], [20, 20, 20], [250, 130, 20], [40, 200, 210]],
    dtype=np.uint8,
)


@lru_cache(maxsize=None)
def poster(index: int, size: int = 64) -> np.ndarray:
    """Poster ``index``: a framed picture of coloured bands, rings and squares, distinct
    for each index, the same on every machine (drawn with integer arithmetic from a
    fixed seed). DMLab's decals are photographs that this package cannot ship; the
    posters do their job, landmarks that tell one wall from another."""
    rng = np.random.default_rng(1000 + index)
    img = np.full((size, size, 3), 235, dtype=np.uint8)
    yy, xx = np.mgrid[0:size, 0:size]
    colors = POSTER_COLORS[rng.permutation(len(POSTER_COLORS))[:3]]
    style = index % 4
    if style == 0:  # bands
        img[(yy * 4 // size) % 2 == 0] = colors[0]
        img[(xx * 3 // size) == 1] = colors[1]
    elif style == 1:  # rings
        r2 = (yy - size // 2) ** 2 + (xx - size // 2) ** 2
        img[(r2 * 9 // (size * size // 4)) % 3 == 0] = colors[0]
        img[(r2 * 9 // (size * size // 4)) % 3 == 1] = colors[1]
    elif style == 2:  # checks
        k = int(rng.integers(2, 5))
        img[((yy * k // size) + (xx * k // size)) % 2 == 0] = colors[0]
        img[(np.abs(yy - xx) < size // 8)] = colors[1]
    else:  # a cross on a field
        img[:] = colors[0]
        img[np.abs(yy - size // 2) < size // 8] = colors[1]
        img[np.abs(xx - size // 2) < size // 8] = colors[2]
    frame = max(2, size // 16)
    img[:frame], img[-frame:], img[:, :frame], img[:, -frame:] = 30, 30, 30, 30
    return img


def with_poster(wall: np.ndarray, picture: np.ndarray) -> np.ndarray:
    """A wall texture with ``picture`` pasted in its middle half (nearest-neighbour scaled)."""
    h, w = wall.shape[:2]
    out = wall.copy()
    ph, pw = h // 2, w // 2
    ys = np.arange(ph) * picture.shape[0] // ph
    xs = np.arange(pw) * picture.shape[1] // pw
    out[h // 4: h // 4 + ph, w // 4: w // 4 + pw] = picture[ys][:, xs]
    return out


#: The cue shapes of DMLab's watermaze frames (``fut_ldm_img_frame_*``).
CUE_SHAPES = ("arc", "circle", "clc", "square", "hexagon", "triangle", "diamond", "star")


@lru_cache(maxsize=None)
def cue(shape: str, size: int = 64) -> np.ndarray:
    """A framed picture of one bold white shape on a dark field: the distal cues of the
    watermaze (an arc, a circle, a ring with a bar ("clc"), a square, a hexagon, a
    triangle, a diamond, a star), drawn from their geometry, the same on every machine."""
    if shape not in CUE_SHAPES:
        raise ValueError(f"unknown cue shape {shape!r}; choose one of {CUE_SHAPES}")
    c = (np.arange(size) + 0.5) / size * 2.0 - 1.0  # pixel centres in [-1, 1]
    x, y = np.meshgrid(c, -c)
    r = np.hypot(x, y)
    a = np.arctan2(y, x)

    def polygon(n: int, rot: float, rad: float = 0.7) -> np.ndarray:
        # inside a regular n-gon of circumradius rad: the polar distance to its edge
        sector = np.mod(a - rot, 2 * np.pi / n) - np.pi / n
        return r * np.cos(sector) <= rad * np.cos(np.pi / n)

    if shape == "arc":
        mask = (np.abs(r - 0.55) < 0.12) & (y > -0.1)
    elif shape == "circle":
        mask = r < 0.6
    elif shape == "clc":
        mask = (np.abs(r - 0.55) < 0.12) | ((np.abs(y) < 0.1) & (np.abs(x) < 0.55))
    elif shape == "square":
        mask = (np.abs(x) < 0.55) & (np.abs(y) < 0.55)
    elif shape == "hexagon":
        mask = polygon(6, 0.0)
    elif shape == "triangle":
        mask = polygon(3, np.pi / 2)
    elif shape == "diamond":
        mask = np.abs(x) / 0.5 + np.abs(y) / 0.75 <= 1.0
    else:  # star: five points
        k = np.mod(a - np.pi / 2, 2 * np.pi / 5) - np.pi / 5
        edge = 0.3 + 0.45 * (1.0 - np.abs(k) / (np.pi / 5))
        mask = r <= edge
    img = np.full((size, size, 3), 40, dtype=np.uint8)
    img[mask] = 245
    frame = max(2, size // 12)
    img[:frame], img[-frame:], img[:, :frame], img[:, -frame:] = 150, 150, 150, 150
    return img
