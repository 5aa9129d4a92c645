"""Synthetic stimuli for the PsychLab screen tasks: 2,400 object pictures and MNIST-like digits.

DeepMind Lab's PsychLab tasks show photographs of single objects on a white
background (the Brady, Konkle, Alvarez and Oliva 2008 set: 2,400 images, 256x256)
and MNIST digits. Neither can be bundled with this package, so this module
generates a fixed replacement of the same size and shape: :data:`N_OBJECTS` = 2,400
coloured, patterned object pictures on white, and one 28x28 digit exemplar per digit
per split. The set is the same on every machine (:func:`stimulus_digest` is checked
by the tests).

How the objects are built
-------------------------
Object ``i`` is one cell of the product of three factors, assigned to the indices by
a seeded shuffle that puts 40 objects of every family in each split:

* a silhouette family (30): mug, lamp, chair, bottle, star, key, leaf, fish, house,
  tree, umbrella, goblet, vase, hammer, arrow, heart, moon, bell, mushroom, car,
  sailboat, top hat, T-shirt, apple, teapot, crown, flag, lightning bolt, hourglass
  and rocket, each built from 2-6 parts (body, accent parts, dark details);
* a colour scheme (8): a body colour (seven corners of the RGB cube and a grey) and
  its secondary colour, used by the pattern and the accent parts;
* a surface pattern (10): solid, horizontal / vertical / two diagonal stripes,
  checks, dots, concentric rings, top/bottom and left/right two-tone.

On top of that each object gets small seeded variations that are not needed to tell
it apart: part sizes and proportions, a mirror flip, a width scale, and the
pattern's period and phase. Every object is scaled so that the longer side of its
bounding box is 86% of the picture, and centred. Two objects thus differ in their
silhouette, their colours, or the pattern, which covers about half of the object
(textures cover the accent parts too, in swapped colours; the two-tone patterns
split the body into halves of equal area).

Geometry is exact integer arithmetic, so that the pictures cannot depend on a
platform's floating point or ``libm``: every part is a polygon with integer
vertices in a 1024x1024 design square (circles and ellipses use exact rational
points of the unit circle, ``((m^2 - t^2), 2mt) / (m^2 + t^2)``, with the slopes
``t`` in a literal table), rasterised by an exact integer even-odd scanline test at
the centres of a supersampled grid (4x4 samples per pixel below 128 px, 2x2 from
128 px up) and box-filtered with integer rounding. The only random numbers are
integers from ``numpy.random.default_rng`` (PCG64, platform independent) with a
fixed seed (its raw bit stream, which NumPy keeps stable across versions); the
global RNG is never used.

How the digits are built
------------------------
Each digit is a few stroke polylines and elliptic arcs (integer points, arcs from the
same circle table) with a stroke half-width, in 1/8-pixel units. A sample is ink if
it lies within the half-width of a segment (an exact integer distance test); 4x4
samples per pixel give the anti-aliased grey level. The strokes span rows 4-24 (a
20-pixel box, as MNIST) and are centred horizontally by their centre of mass. The
training style is upright with 2.5-pixel strokes; the held-out style is slanted
(1 in 6), bolder (3.25 pixels) and differs in details (a base on the 1, a flat-topped
3, an open 4, a crossed 7, a curled 9, other proportions).

Splits
------
As in the Memory Task Suite, the even object indices are the training set and the
odd ones the held-out set (:func:`split_indices`); digits have one exemplar per
split in two visibly different handwriting styles (the held-out style is slanted,
bolder and has different shape details).

Distinctness
------------
Rendered at 32x32 (about what an agent sees: the picture is 75% of a screen that
covers about 45 pixels of a 64x64 view), the smallest mean absolute pixel
difference between two of the 2,400 objects is 11.65 (over the three channels, on
the 0-255 scale; two cyan lightning bolts, horizontal stripes against dots), and
12.45 within each split. The tests assert at least 8 for all three.

Speed (one core of a shared 2-core machine): one 128x128 picture renders in about
1.5 ms, one 256x256 in about 7 ms, all 2,400 at 32x32 in about 2 s; renders are
kept in an LRU cache keyed by ``(index, size)``. Regenerate the contact sheet
``docs/images/psychlab_stimuli.png`` with ``python -m memory_bench.envs.psychlab.stimuli``.
"""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

__all__ = ["FAMILY_NAMES", "N_OBJECTS", "SPLITS", "digit_image", "object_factors", "object_image", "split_indices",
           "stimulus_digest"]

#: Number of object pictures, as in the Brady et al. (2008) set.
N_OBJECTS = 2400
#: The splits: even object indices are "train", odd ones "holdout".
SPLITS = ("train", "holdout")

_SEED = 20080916  # fixed seed of the factor assignment and the variations
_D = 1024  # side of the design square, in design units
_Q = 1 << 14  # fixed-point scale of the circle table

# --------------------------------------------------------------------------------------
# Exact circle table: 120 directions, 3 degrees apart, as rational points on the unit
# circle scaled by _Q and rounded with integer arithmetic. _T[k] / 10000 is (close to)
# tan(1.5 k degrees), so the point for t = _T[k] lies at (close to) 3 k degrees; the
# point is exactly on the circle whatever the slope, and the table is a literal.
_T = (0, 262, 524, 787, 1051, 1317, 1584, 1853, 2126, 2401, 2679, 2962, 3249, 3541, 3839, 4142,
      4452, 4770, 5095, 5430, 5774, 6128, 6494, 6873, 7265, 7673, 8098, 8541, 9004, 9490)


def _circle_table() -> np.ndarray:
    m2 = 10000 * 10000
    quadrant = []
    for t in _T:
        den = m2 + t * t
        c = (2 * _Q * (m2 - t * t) + den) // (2 * den)
        s = (2 * _Q * (2 * 10000 * t) + den) // (2 * den)
        quadrant.append((c, s))
    points = []
    for q in range(4):  # rotate the first quadrant by q * 90 degrees: (c, s) -> (-s, c)
        for c, s in quadrant:
            for _ in range(q):
                c, s = -s, c
            points.append((c, s))
    return np.array(points, dtype=np.int64)


_CS = _circle_table()  # (120, 2): cos, sin of 3 k degrees, times _Q

# --------------------------------------------------------------------------------------
# Integer polygon helpers (design units, y down). A contour is an (n, 2) int64 array.

Contour = np.ndarray
Part = tuple[int, list[Contour]]

_HOLE, _BODY, _ACC, _DARK = 0, 1, 2, 3  # part roles; _HOLE paints the background back


def _pts(*xy: Sequence[int]) -> Contour:
    return np.array(xy, dtype=np.int64).reshape(-1, 2)


def _rect(x0: int, y0: int, x1: int, y1: int) -> Contour:
    return _pts((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _arc(cx: int, cy: int, rx: int, ry: int, a0: int, a1: int, step: int = 2) -> Contour:
    """Points of an ellipse arc from ``a0`` to ``a1`` degrees (multiples of 3; angles grow
    clockwise on screen since y points down), ends included."""
    k0, k1 = a0 // 3, a1 // 3
    d = step if k1 >= k0 else -step
    ks = list(range(k0, k1, d)) + [k1]
    cs = _CS[np.array(ks) % 120]
    x = cx + ((rx * cs[:, 0] + _Q // 2) >> 14)
    y = cy + ((ry * cs[:, 1] + _Q // 2) >> 14)
    return np.stack([x, y], axis=1)


def _ellipse(cx: int, cy: int, rx: int, ry: int | None = None) -> Contour:
    return _arc(cx, cy, rx, rx if ry is None else ry, 0, 354)


def _ring(cx: int, cy: int, rx: int, ry: int, t: int) -> list[Contour]:
    return [_ellipse(cx, cy, rx, ry), _ellipse(cx, cy, rx - t, ry - t)]


def _band(cx: int, cy: int, rx: int, ry: int, t: int, a0: int, a1: int) -> Contour:
    """A stroke of width ``t`` along an ellipse arc (the arc is its outer edge)."""
    return np.concatenate([_arc(cx, cy, rx, ry, a0, a1), _arc(cx, cy, rx - t, ry - t, a1, a0)])


def _rrect(x0: int, y0: int, x1: int, y1: int, r: int) -> Contour:
    if r <= 0:
        return _rect(x0, y0, x1, y1)
    return np.concatenate([
        _arc(x1 - r, y0 + r, r, r, 270, 360, 5),
        _arc(x1 - r, y1 - r, r, r, 0, 90, 5),
        _arc(x0 + r, y1 - r, r, r, 90, 180, 5),
        _arc(x0 + r, y0 + r, r, r, 180, 270, 5),
    ])


def _lathe(profile: Sequence[tuple[int, int]], cx: int = 512) -> Contour:
    """A shape symmetric about ``x = cx`` from ``(y, half_width)`` pairs, top to bottom."""
    right = [(cx + w, y) for y, w in profile]
    left = [(cx - w, y) for y, w in reversed(profile)]
    return _pts(*(right + left))


def _star(cx: int, cy: int, ro: int, ri: int, n: int, a0: int = 270) -> Contour:
    step = 360 // n
    pts = []
    for k in range(n):
        pts.append(_arc(cx, cy, ro, ro, a0 + k * step, a0 + k * step)[0])
        pts.append(_arc(cx, cy, ri, ri, a0 + k * step + step // 2, a0 + k * step + step // 2)[0])
    return np.array(pts, dtype=np.int64)


def _rotate(c: Contour, cx: int, cy: int, cos5: int, sin5: int) -> Contour:
    """Rotate by the exact rational rotation (cos5 / 5, sin5 / 5), a Pythagorean angle."""
    x, y = c[:, 0] - cx, c[:, 1] - cy
    xr = (cos5 * x - sin5 * y) * 2 + 5
    yr = (sin5 * x + cos5 * y) * 2 + 5
    return np.stack([cx + xr // 10, cy + yr // 10], axis=1)


def _lens(cx: int, cy: int, half_len: int, half_width: int, n: int = 12) -> Contour:
    """A pointed leaf shape: two parabolic arcs between (cx -/+ half_len, cy)."""
    xs = [half_len * (2 * k - n) // n for k in range(n + 1)]
    top = [(cx + x, cy - half_width * (half_len * half_len - x * x) // (half_len * half_len)) for x in xs]
    bot = [(cx + x, cy + half_width * (half_len * half_len - x * x) // (half_len * half_len)) for x in reversed(xs)]
    return _pts(*(top + bot[1:-1]))


# --------------------------------------------------------------------------------------
# The 30 silhouette families. Each takes u(i, lo, hi), an integer in [lo, hi) drawn from
# the object's variation vector, and returns parts painted in order.

U = Callable[[int, int, int], int]


def _mug(u: U) -> list[Part]:
    x0, x1, y0, y1 = 200, u(0, 600, 650), u(1, 200, 260), 840
    hy, rx, ry = (y0 + y1) // 2 + u(2, -40, 40), u(3, 150, 190), u(4, 160, 210)
    return [
        (_BODY, _ring(x1 - 30, hy, rx, ry, 70)),
        (_BODY, [_rrect(x0, y0, x1, y1, u(5, 30, 90))]),
        (_ACC, [_rect(x0, y0, x1, y0 + 60)]),
    ]


def _lamp(u: U) -> list[Part]:
    top, bot, tw, bw = u(0, 130, 180), u(1, 560, 610), u(2, 110, 170), u(3, 330, 380)
    bx = u(4, 170, 230)
    return [
        (_ACC, [_rect(480, bot, 544, 800)]),
        (_ACC, [_rrect(512 - bx, 780, 512 + bx, 880, 30)]),
        (_BODY, [_pts((512 - tw, top), (512 + tw, top), (512 + bw, bot), (512 - bw, bot))]),
    ]


def _chair(u: U) -> list[Part]:
    top, seat = u(0, 120, 180), u(1, 520, 560)
    return [
        (_DARK, [_rect(250, seat, 330, 890), _rect(694, seat, 774, 890)]),
        (_BODY, [_rrect(270, top, 754, seat, u(2, 0, 120))]),
        (_ACC, [_rect(220, seat, 804, seat + u(3, 90, 130))]),
    ]


def _bottle(u: U) -> list[Part]:
    hw, sh, nw = u(0, 200, 240), u(1, 380, 440), u(2, 55, 75)
    return [
        (_BODY, [_lathe([(200, nw), (sh - 100, nw), (sh, hw), (850, hw), (890, hw - 50)])]),
        (_ACC, [_rect(512 - nw - 15, 120, 512 + nw + 15, 200)]),
        (_ACC, [_rect(512 - hw, 560, 512 + hw, u(3, 660, 720))]),
    ]


def _star5(u: U) -> list[Part]:
    n = 5 + (u(0, 0, 1000) >= 700)
    return [(_BODY, [_star(512, 530, u(1, 400, 440), u(2, 190, 230), n)]),
            (_ACC, [_ellipse(512, 530, u(3, 70, 110))])]


def _key(u: U) -> list[Part]:
    r, sw = u(0, 230, 260), u(1, 160, 190)
    return [
        (_BODY, [_ellipse(330, 512, r), _ellipse(330, 512, u(2, 60, 90))]),
        (_BODY, [_rect(500, 512 - sw // 2, 900, 512 + sw // 2)]),
        (_BODY, [_rect(690, 512, 770, 512 + sw // 2 + u(3, 120, 170)), _rect(820, 512, 900, 512 + sw // 2 + u(4, 90, 150))]),
        (_ACC, [_rect(500, 512 - sw // 2, 570, 512 + sw // 2)]),
    ]


def _leaf(u: U) -> list[Part]:
    lens = _lens(512, 512, u(0, 420, 460), u(1, 230, 280))
    stem = _rect(512 + 400, 512 - 25, 512 + 520, 512 + 25)
    rib = _rect(512 - 300, 512 - 14, 512 + 420, 512 + 14)
    c, s = (4, -3) if u(2, 0, 2) else (3, -4)
    return [(_ACC, [_rotate(stem, 512, 512, c, s)]),
            (_BODY, [_rotate(lens, 512, 512, c, s)]),
            (_ACC, [_rotate(rib, 512, 512, c, s)])]


def _fish(u: U) -> list[Part]:
    rx, ry = u(0, 290, 330), u(1, 200, 240)
    return [
        (_ACC, [_pts((380, 512 - ry + 20), (560, 512 - ry - 110), (640, 512 - ry + 40))]),
        (_BODY, [_pts((680, 512), (900, 512 - u(2, 200, 260)), (860, 512), (900, 512 + u(3, 200, 260)))]),
        (_BODY, [_ellipse(470, 512, rx, ry)]),
        (_DARK, [_ellipse(300, 470, 38)]),
    ]


def _house(u: U) -> list[Part]:
    eave = u(0, 400, 440)
    return [
        (_ACC, [_rect(650, 150, 720, 350)]),
        (_BODY, [_rect(230, eave, 794, 880)]),
        (_ACC, [_pts((150, eave + 30), (512, u(1, 110, 160)), (874, eave + 30))]),
        (_DARK, [_rect(450, 660, 574, 880), _rect(290, 520, 400, 620)]),
    ]


def _tree(u: U) -> list[Part]:
    r = u(0, 190, 220)
    return [
        (_ACC, [_rect(450, 600, 574, 890)]),
        (_BODY, [_ellipse(360, 460, r)]),
        (_BODY, [_ellipse(664, 460, r)]),
        (_BODY, [_ellipse(512, 320, u(1, 210, 240))]),
        (_BODY, [_ellipse(512, 520, u(2, 190, 230))]),
    ]


def _umbrella(u: U) -> list[Part]:
    cy, rx, ry = u(0, 500, 540), u(1, 420, 450), u(2, 330, 370)
    sc = rx // 4
    return [
        (_DARK, [_rect(492, cy, 532, 760), _band(580, 760, 88, 88, 40, 0, 180)]),
        (_BODY, [np.concatenate([_arc(512, cy, rx, ry, 180, 360), _pts((512 + rx, cy + 40), (512 - rx, cy + 40))])]),
        (_HOLE, [_ellipse(512 - rx + sc * (2 * k + 1), cy + 50, sc, 60) for k in range(4)]),
        (_ACC, [_ellipse(512, cy - ry, 30)]),
    ]


def _goblet(u: U) -> list[Part]:
    rx, ry = u(0, 330, 360), u(1, 380, 430)
    fw = u(2, 220, 260)
    return [
        (_ACC, [_rect(470, 500, 554, 800), _rrect(512 - fw, 770, 512 + fw, 860, 40)]),
        (_BODY, [np.concatenate([_arc(512, 160, rx, ry, 0, 180), _pts((512 - rx, 150), (512 + rx, 150))])]),
    ]


def _vase(u: U) -> list[Part]:
    belly = u(0, 280, 320)
    return [(_BODY, [_lathe([(140, 170), (200, 110), (300, 120), (u(1, 460, 520), belly),
                              (720, belly - 40), (880, u(2, 150, 190))])]),
            (_ACC, [_rect(512 - 170, 130, 512 + 170, 180)])]


def _hammer(u: U) -> list[Part]:
    hh, hw = u(0, 200, 240), u(1, 150, 180)
    return [
        (_BODY, [_rrect(512 - hw // 2, 300, 512 + hw // 2, 900, 40)]),
        (_BODY, [_pts((170, 130), (760, 130), (860, 180), (860, 130 + hh - 50), (760, 130 + hh), (170, 130 + hh))]),
        (_ACC, [_rect(170, 130, 260, 130 + hh)]),
    ]


def _arrow(u: U) -> list[Part]:
    sw, hx, hh = u(0, 100, 130), u(1, 480, 540), u(2, 310, 350)
    return [
        (_BODY, [_rect(190, 512 - sw, hx + 10, 512 + sw)]),
        (_BODY, [_pts((hx, 512 - hh), (900, 512), (hx, 512 + hh))]),
        (_ACC, [_pts((120, 512 - sw - 110), (280, 512 - sw - 110), (360, 512),
                     (280, 512 + sw + 110), (120, 512 + sw + 110), (200, 512))]),
    ]


def _heart(u: U) -> list[Part]:
    r = u(0, 200, 230)
    return [(_BODY, [_ellipse(512 - r + 10, 360, r)]),
            (_BODY, [_ellipse(512 + r - 10, 360, r)]),
            (_BODY, [_pts((512 - 2 * r + 30, 430), (512 + 2 * r - 30, 430), (512, u(1, 860, 900)))])]


def _moon(u: U) -> list[Part]:
    # crescent: the left of a circle less an ellipse through the circle's points at +-60 deg
    crescent = np.concatenate([_arc(480, 512, 390, 390, 60, 300), _arc(675, 512, u(0, 200, 260), 338, 270, 90)])
    return [(_BODY, [crescent]), (_ACC, [_star(800, 760, 90, 40, 4, 0)])]


def _bell(u: U) -> list[Part]:
    w = u(0, 380, 420)
    return [
        (_ACC, [_ellipse(512, 830, u(1, 60, 80))]),
        (_BODY, [_lathe([(200, 120), (260, 190), (560, 240), (720, w - 40), (780, w), (800, w)])]),
        (_ACC, [_rect(512 - w, 760, 512 + w, 800)]),
        (_ACC, [_ring(512, 175, 60, 60, 25)[0]]),
    ]


def _mushroom(u: U) -> list[Part]:
    cy, rx, ry = u(0, 520, 560), u(1, 360, 400), u(2, 380, 420)
    sw = u(3, 110, 140)
    return [
        (_ACC, [_rrect(512 - sw, cy - 20, 512 + sw, 900, 50)]),
        (_BODY, [np.concatenate([_arc(512, cy, rx, ry, 180, 360),
                                 _pts((512 + rx - 60, cy + 40), (512 - rx + 60, cy + 40))])]),
    ]


def _car(u: U) -> list[Part]:
    roof = u(0, 230, 290)
    return [
        (_BODY, [_pts((290, 460), (380, roof), (660, roof), (760, 460))]),
        (_ACC, [_pts((330, 460), (400, roof + 50), (500, roof + 50), (500, 460)),
                _pts((540, 460), (540, roof + 50), (640, roof + 50), (710, 460))]),
        (_BODY, [_rrect(110, 440, 914, u(1, 680, 720), 60)]),
        (_DARK, [_ellipse(300, 700, 105), _ellipse(724, 700, 105)]),
    ]


def _sailboat(u: U) -> list[Part]:
    return [
        (_DARK, [_rect(496, 110, 528, 680)]),
        (_BODY, [_pts((540, 110), (540, 640), (u(0, 860, 900), 640))]),
        (_ACC, [_pts((480, 200), (480, 640), (u(1, 180, 230), 640))]),
        (_BODY, [_pts((120, 680), (904, 680), (u(2, 760, 800), 880), (u(3, 224, 264), 880))]),
    ]


def _tophat(u: U) -> list[Part]:
    cw = u(0, 230, 260)
    return [
        (_BODY, [_rrect(512 - cw, 150, 512 + cw, 800, 20)]),
        (_BODY, [_rrect(100, 740, 924, u(1, 820, 860), 40)]),
        (_ACC, [_rect(512 - cw, 600, 512 + cw, u(2, 680, 720))]),
    ]


def _tshirt(u: U) -> list[Part]:
    s = u(0, 110, 170)
    return [(_BODY, [_pts((400, 150), (450, 210), (512, 240), (574, 210), (624, 150), (780, 200),
                          (924, 400 + s // 2), (830, 470 + s), (750, 420), (750, 890), (274, 890),
                          (274, 420), (194, 470 + s), (100, 400 + s // 2), (244, 200))]),
            (_ACC, [_band(512, 120, 130, 130, 40, 30, 150)])]


def _apple(u: U) -> list[Part]:
    r = u(0, 270, 300)
    return [
        (_BODY, [_ellipse(512 - 90, 560, r, r + 20)]),
        (_BODY, [_ellipse(512 + 90, 560, r, r + 20)]),
        (_HOLE, [_ellipse(512, 560 - r - 70, 80, 100)]),
        (_DARK, [_rect(495, 130, 535, 330)]),
        (_ACC, [_rotate(_lens(640, 210, 110, 50, 8), 640, 210, 4, -3)]),
    ]


def _teapot(u: U) -> list[Part]:
    rx = u(0, 270, 300)
    return [
        (_ACC, _ring(230, 560, 140, 160, 55)),
        (_BODY, [_pts((680, 600), (880, 300), (930, 320), (760, 700))]),
        (_BODY, [_ellipse(500, 580, rx, u(1, 250, 280))]),
        (_ACC, [np.concatenate([_arc(500, 350, 170, 110, 180, 360), _pts((670, 370), (330, 370))])]),
        (_ACC, [_ellipse(500, 230, 40)]),
    ]


def _crown(u: U) -> list[Part]:
    h = u(0, 150, 210)
    return [
        (_BODY, [_pts((170, 840), (150, 250), (340, h + 340), (512, h), (684, h + 340), (874, 250), (854, 840))]),
        (_ACC, [_rect(170, 720, 854, 840)]),
        (_DARK, [_ellipse(150, 250, 45), _ellipse(512, h, 45), _ellipse(874, 250, 45)]),
    ]


def _flag(u: U) -> list[Part]:
    w = u(0, 40, 80)
    return [
        (_DARK, [_rect(170, 150, 220, 900)]),
        (_ACC, [_ellipse(195, 130, 50)]),
        (_BODY, [_pts((220, 170), (540, 170 - w), (880, 170), (880, u(1, 620, 660)), (540, 620 - w), (220, 640))]),
    ]


def _bolt(u: U) -> list[Part]:
    x = u(0, 0, 60)
    return [(_BODY, [_pts((470 + x, 110), (170, 590), (440, 590), (300 + x, 910), (850, 380), (570, 380), (790 + x, 110))])]


def _hourglass(u: U) -> list[Part]:
    w, n = u(0, 240, 290), u(1, 40, 80)
    return [(_BODY, [_pts((512 - w, 190), (512 + w, 190), (512 + n, 512), (512 + w, 834), (512 - w, 834), (512 - n, 512))]),
            (_ACC, [_rrect(200, 110, 824, 200, 30), _rrect(200, 824, 824, 914, 30)])]


def _rocket(u: U) -> list[Part]:
    w = u(0, 200, 230)
    return [
        (_ACC, [_pts((512 - 120, 780), (512 + 120, 780), (512, 900))]),
        (_ACC, [_pts((512 - w, 480), (512 - w - 200, 820), (512 - w, 760)),
                _pts((512 + w, 480), (512 + w + 200, 820), (512 + w, 760))]),
        (_BODY, [np.concatenate([_pts((512 - w, 800)), _arc(512 - w + 420, 520, 420, 400, 180, 240),
                                 _pts((512, 120)), _arc(512 + w - 420, 520, 420, 400, 300, 360), _pts((512 + w, 800))])]),
        (_DARK, [_ellipse(512, 450, 75)]),
    ]


_FAMILIES: tuple[Callable[[U], list[Part]], ...] = (
    _mug, _lamp, _chair, _bottle, _star5, _key, _leaf, _fish, _house, _tree,
    _umbrella, _goblet, _vase, _hammer, _arrow, _heart, _moon, _bell, _mushroom, _car,
    _sailboat, _tophat, _tshirt, _apple, _teapot, _crown, _flag, _bolt, _hourglass, _rocket,
)
FAMILY_NAMES = tuple(f.__name__.lstrip("_") for f in _FAMILIES)

#: Colour schemes: body colours and, row by row, their secondary colours (pattern and
#: accent parts). The body colours are seven corners of the RGB cube (no white) and a
#: grey, at least 195 apart (L1); the secondaries are gold, the six tertiary hues
#: (azure, rose, chartreuse, violet, spring green, orange) and black. Each secondary
#: differs from its body by at least 425, and no scheme is close to another with the
#: colours swapped (|body_i - sec_j| + |sec_i - body_j| >= 315).
_BODY_COLORS = np.array([
    (30, 30, 30), (225, 30, 30), (30, 225, 30), (30, 30, 225),
    (225, 225, 30), (225, 30, 225), (30, 225, 225), (150, 150, 150),
], dtype=np.uint8)
_SECONDARY_COLORS = np.array([
    (255, 200, 0), (0, 128, 255), (255, 0, 128), (128, 255, 0),
    (128, 0, 255), (0, 255, 128), (255, 128, 0), (0, 0, 0),
], dtype=np.uint8)
_DARK_COLOR = (25, 25, 25)
_PATTERNS = ("solid", "hstripes", "vstripes", "diag", "antidiag", "checks", "dots", "rings", "halftop", "halfleft")
_N_VAR = 16  # variation values per object (0-5: family parts, 6-10: mirror, width, pattern; rest spare)


def _assignment() -> tuple[np.ndarray, np.ndarray]:
    """Factors (family, scheme, pattern) and variation vectors of all objects.

    Each (family, scheme) pair's 10 patterns are shuffled, 5 going to the training
    split (even indices) and 5 to the held-out split (odd indices), so that each split
    has 40 objects of every family and 5 of every (family, scheme); each split is then
    shuffled. Uses the raw 64-bit stream of ``default_rng(_SEED)`` (PCG64),
    whose stability NumPy guarantees across versions and platforms, rather than
    ``Generator`` methods, with Fisher-Yates shuffles.
    """
    n_f, n_c, n_p = len(_FAMILIES), len(_BODY_COLORS), len(_PATTERNS)
    assert n_f * n_c * n_p == N_OBJECTS and n_p % 2 == 0
    raw = np.random.default_rng(_SEED).bit_generator.random_raw(3 * N_OBJECTS + N_OBJECTS * _N_VAR)
    draws = iter(int(r) for r in raw[:3 * N_OBJECTS])

    def shuffle(items: list) -> None:
        for i in range(len(items) - 1, 0, -1):
            j = next(draws) % (i + 1)
            items[i], items[j] = items[j], items[i]

    pairs = []
    for f in range(n_f):
        for c in range(n_c):
            patterns = list(range(n_p))
            shuffle(patterns)
            pairs += [((f, c, patterns[k]), (f, c, patterns[k + 1])) for k in range(0, n_p, 2)]
    train, holdout = [p[0] for p in pairs], [p[1] for p in pairs]
    shuffle(train)
    shuffle(holdout)
    factors = np.array([combo for pair in zip(train, holdout) for combo in pair], dtype=np.int64)
    variations = (raw[3 * N_OBJECTS:] % np.uint64(1000)).astype(np.int64).reshape(N_OBJECTS, _N_VAR)
    return factors, variations


_FACTORS, _VARIATIONS = _assignment()


def object_factors(index: int) -> dict[str, str]:
    """The identifying factors of object ``index``: family, body colour (RGB) and pattern.

    Parameters
    ----------
    index : int
        Object index in ``[0, N_OBJECTS)``.

    Returns
    -------
    dict of str to str
        ``{"family": ..., "color": "r,g,b", "pattern": ...}``.
    """
    index = _check_index(index)
    f, c, p = (int(x) for x in _FACTORS[index])
    return {"family": FAMILY_NAMES[f], "color": ",".join(str(int(v)) for v in _BODY_COLORS[c]),
            "pattern": _PATTERNS[p]}


# --------------------------------------------------------------------------------------
# Rasterisation.


def _supersampling(size: int) -> int:
    return 4 if size < 128 else 2


def _fill(contours: list[Contour], n: int) -> tuple[int, np.ndarray]:
    """Even-odd fill of integer contours on an ``n x n`` sample grid over the design square.

    Sample ``(i, j)`` sits at design point ``((2j + 1), (2i + 1)) * D / (2n)``; all tests
    are done exactly in integers after scaling by ``2n``. Returns the first row and the
    boolean mask of the rows the contours span.
    """
    x0 = np.concatenate([c[:, 0] for c in contours]) * (2 * n)
    y0 = np.concatenate([c[:, 1] for c in contours]) * (2 * n)
    x1 = np.concatenate([np.roll(c[:, 0], -1) for c in contours]) * (2 * n)
    y1 = np.concatenate([np.roll(c[:, 1], -1) for c in contours]) * (2 * n)
    keep = y0 != y1
    if not keep.any():
        return 0, np.zeros((0, n), dtype=bool)
    x0, y0, x1, y1 = x0[keep], y0[keep], x1[keep], y1[keep]
    ymin, ymax = int(min(y0.min(), y1.min())), int(max(y0.max(), y1.max()))
    r0 = max(0, -((_D - ymin) // (2 * _D)))
    r1 = min(n, -((_D - ymax) // (2 * _D)))
    if r1 <= r0:
        return 0, np.zeros((0, n), dtype=bool)
    rows = r1 - r0
    ys = ((2 * np.arange(r0, r1, dtype=np.int64) + 1) * _D)[:, None]
    lo, hi = np.minimum(y0, y1), np.maximum(y0, y1)
    active = (ys >= lo) & (ys < hi)
    dy = y1 - y0
    num = x0 * dy + (ys - y0) * (x1 - x0)
    sign = np.where(dy < 0, -1, 1)
    num, dy = num * sign, dy * sign
    # first column j with (2j + 1) * D >= num / dy, i.e. ceil((num - D dy) / (2 D dy))
    col = np.clip(-((_D * dy - num) // (2 * _D * dy)), 0, n)
    flat = (np.arange(rows, dtype=np.int64)[:, None] * (n + 1) + col)[active]
    counts = np.bincount(flat, minlength=rows * (n + 1)).reshape(rows, n + 1)
    return r0, (np.cumsum(counts[:, :n], axis=1) & 1).astype(bool)


def _median(counts: np.ndarray) -> int:
    """Index at which the cumulative count reaches half the total."""
    c = np.cumsum(counts)
    return int(np.searchsorted(c, (int(c[-1]) + 1) // 2))


def _pattern(kind: int, painted: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Boolean mask of the secondary colour of pattern ``kind`` (exact integer tests).

    ``painted`` marks the samples of the patterned parts: the two-tone patterns split
    them at their median row or column (so into halves of equal area), and the rings
    are centred there.
    """
    n = len(painted)
    name = _PATTERNS[kind]
    if name == "solid":
        return np.zeros((n, n), dtype=bool)
    s = 2 * n  # design units -> sample units
    coord = (2 * np.arange(n, dtype=np.int64) + 1) * _D
    period = (110 + int(var[8]) * 40 // 1000) * s
    x = coord + int(var[9]) * period // 1000
    y = coord + int(var[10]) * period // 1000
    if name == "hstripes":
        return np.broadcast_to(((y // period) & 1 == 1)[:, None], (n, n))
    if name == "vstripes":
        return np.broadcast_to(((x // period) & 1 == 1)[None, :], (n, n))
    if name in ("diag", "antidiag"):
        d = x[None, :] + (y[:, None] if name == "diag" else 4 * _D * s - y[:, None])
        return (d // (period * 3 // 2)) & 1 == 1  # 1.5 x period along an axis: about as wide as the stripes
    if name == "checks":
        return ((x[None, :] // period) + (y[:, None] // period)) & 1 == 1
    if name == "dots":
        cell = 2 * period
        dx, dy = x % cell - cell // 2, y % cell - cell // 2
        return dx[None, :] ** 2 + dy[:, None] ** 2 <= (cell * 38 // 100) ** 2
    rows, cols = painted.sum(axis=1), painted.sum(axis=0)
    if rows.sum() == 0:
        return np.zeros((n, n), dtype=bool)
    if name == "halftop":
        return np.broadcast_to((np.arange(n) < _median(rows))[:, None], (n, n))
    if name == "halfleft":
        return np.broadcast_to((np.arange(n) < _median(cols))[None, :], (n, n))
    if name == "rings":
        cx, cy = coord[_median(cols)], coord[_median(rows)]
        d2 = (coord[None, :] - cx) ** 2 + (coord[:, None] - cy) ** 2
        radii = (np.arange(1, 12, dtype=np.int64) * period * 3 // 4) ** 2
        return np.searchsorted(radii, d2, side="right") & 1 == 1
    raise AssertionError(name)


def _colors(index: int) -> np.ndarray:
    """(4, 3) uint8 lookup table: background, body, secondary, dark."""
    c = int(_FACTORS[index, 1])
    return np.array([(255, 255, 255), _BODY_COLORS[c], _SECONDARY_COLORS[c], _DARK_COLOR], dtype=np.uint8)


_FILL = 880  # the longer side of an object's bounding box, in design units


def _parts(index: int) -> list[Part]:
    """The object's parts after its variations, scaled and centred to fill the square."""
    f = int(_FACTORS[index, 0])
    var = _VARIATIONS[index]

    def u(i: int, lo: int, hi: int) -> int:
        return lo + (hi - lo) * int(var[i]) // 1000

    parts = _FAMILIES[f](u)
    sx = 880 + int(var[7]) * 240 // 1000  # width scale, per mille
    solid = np.concatenate([c for role, cs in parts if role != _HOLE for c in cs])
    x0, y0 = solid.min(axis=0)
    x1, y1 = solid.max(axis=0)
    w, h = (int(x1 - x0) * sx + 999) // 1000, int(y1 - y0)
    side = max(w, h)
    out = []
    for role, contours in parts:
        new = []
        for c in contours:
            x = (c[:, 0] * 2 - x0 - x1) * sx * _FILL // (2000 * side)
            y = (c[:, 1] * 2 - y0 - y1) * _FILL // (2 * side)
            if var[6] >= 500:  # mirror
                x = -x
            new.append(np.stack([512 + x, 512 + y], axis=1))
        out.append((role, new))
    return out


# Label -> one byte per label in a uint32, so that one block sum counts all labels at once.
_ONE_HOT = np.array([1 << (8 * k) for k in range(4)], dtype=np.uint32)


@lru_cache(maxsize=512)
def _render(index: int, size: int) -> np.ndarray:
    ss = _supersampling(size)
    n = size * ss
    labels = np.zeros((n, n), dtype=np.uint8)
    for role, contours in _parts(index):
        r0, mask = _fill(contours, n)
        labels[r0:r0 + len(mask)][mask] = role
    kind = int(_FACTORS[index, 2])
    if _PATTERNS[kind].startswith("half"):  # two-tone: the body only, split in two halves
        painted = labels == _BODY
    else:  # textures: the accent parts too, in the inverse colours
        painted = (labels == _BODY) | (labels == _ACC)
    pat = _pattern(kind, painted, _VARIATIONS[index])
    labels[pat & painted] ^= _BODY ^ _ACC  # body <-> secondary where the pattern is on
    packed = _ONE_HOT[labels]
    cols = packed[:, 0::ss].copy()
    for k in range(1, ss):
        cols += packed[:, k::ss]
    block = cols[0::ss].copy()
    for k in range(1, ss):
        block += cols[k::ss]
    counts = np.stack([(block >> (8 * k)) & 255 for k in range(4)], axis=-1).astype(np.int32)
    total = counts @ _colors(index).astype(np.int32)
    img = ((total + (ss * ss) // 2) // (ss * ss)).astype(np.uint8)
    img.flags.writeable = False
    return img


def _check_index(index: int) -> int:
    if isinstance(index, (bool, np.bool_)):
        raise TypeError(f"index must be an integer, got {index!r}")
    try:
        i = int(np.asarray(index).item()) if isinstance(index, np.generic) else index.__index__()
    except AttributeError:
        raise TypeError(f"index must be an integer, got {index!r}") from None
    if not 0 <= i < N_OBJECTS:
        raise ValueError(f"object index {i} is out of range [0, {N_OBJECTS})")
    return i


def object_image(index: int, size: int = 128) -> np.ndarray:
    """Picture of object ``index``: a coloured, patterned object on a white background.

    Parameters
    ----------
    index : int
        Object index in ``[0, N_OBJECTS)``; even indices are the training split, odd
        ones the held-out split (:func:`split_indices`).
    size : int, default 128
        Side in pixels: any integer >= 16 (the original set is 256x256; 32, 64, 128
        and 256 are the usual choices). The picture is the same drawing at every size,
        anti-aliased by 4x4 supersampling below 128 px and 2x2 from 128 px up.

    Returns
    -------
    numpy.ndarray
        ``(size, size, 3)`` uint8 RGB, a fresh array (renders are cached).

    Raises
    ------
    ValueError
        If ``index`` is outside ``[0, N_OBJECTS)`` or ``size < 16``.
    TypeError
        If ``index`` or ``size`` is not an integer.
    """
    i = _check_index(index)
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, (int, np.integer)):
        raise TypeError(f"size must be an integer, got {size!r}")
    if size < 16:
        raise ValueError(f"size must be at least 16, got {size}")
    return _render(i, int(size)).copy()


def split_indices(split: str) -> np.ndarray:
    """Object indices of a split.

    Parameters
    ----------
    split : str
        ``"train"`` (the even indices) or ``"holdout"`` (the odd indices), as in the
        Memory Task Suite.

    Returns
    -------
    numpy.ndarray
        Sorted int64 indices, 1,200 of them.

    Raises
    ------
    ValueError
        If ``split`` is not one of :data:`SPLITS`.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; allowed: {', '.join(repr(s) for s in SPLITS)}")
    return np.arange(SPLITS.index(split), N_OBJECTS, 2, dtype=np.int64)


# --------------------------------------------------------------------------------------
# Digits: stroke polylines in 1/8-pixel units of the 28x28 image, the digit spanning rows
# 4-24 (a 20-pixel box, as MNIST) around column 14; rasterised by an exact integer
# distance-to-segment test on 4x4 samples per pixel.

_DIGIT_SS = 4
_DIGIT_UNIT = 8  # design units per pixel


def _l(*xy: int) -> Contour:
    return _pts(*zip(xy[::2], xy[1::2]))


def _digit_strokes(digit: int, split: str) -> tuple[list[Contour], int]:
    """Polylines of one digit (before the slant) and the stroke half-width."""
    a = _arc
    if split == "train":
        strokes = {
            0: [a(112, 112, 46, 78, 0, 360, 1)],
            1: [_l(92, 58, 114, 34, 114, 190)],
            2: [np.concatenate([a(110, 74, 42, 40, 195, 381, 1), _l(72, 190, 158, 190)])],
            3: [a(108, 72, 40, 38, 201, 450, 1), a(108, 150, 46, 40, 270, 522, 1)],
            4: [_l(132, 190, 132, 34, 66, 144, 162, 144)],
            5: [np.concatenate([_l(150, 36, 86, 36, 80, 106), a(106, 146, 48, 46, 228, 519, 1)])],
            6: [a(150, 146, 82, 110, 255, 180, 1), a(110, 146, 42, 44, 0, 360, 1)],
            7: [_l(66, 36, 158, 36, 98, 190)],
            8: [a(112, 72, 36, 36, 90, 450, 1), a(112, 150, 44, 42, 270, 630, 1)],
            9: [a(110, 76, 40, 40, 0, 360, 1), _l(150, 76, 144, 190)],
        }[digit]
        return strokes, 10
    strokes = {
        0: [a(112, 112, 50, 76, 0, 360, 1)],
        1: [_l(112, 34, 112, 190), _l(90, 190, 134, 190)],
        2: [np.concatenate([a(112, 76, 46, 42, 186, 402, 1), _l(70, 188, 160, 188)])],
        3: [_l(70, 36, 150, 36, 106, 104), a(108, 150, 46, 42, 264, 522, 1)],
        4: [_l(78, 34, 68, 142, 164, 142), _l(134, 56, 134, 190)],
        5: [np.concatenate([_l(156, 36, 84, 36, 78, 102), a(108, 146, 50, 46, 222, 513, 1)])],
        6: [np.concatenate([_l(140, 36), a(160, 150, 94, 116, 249, 180, 1)]), a(112, 150, 46, 40, 0, 360, 1)],
        7: [_l(64, 36, 160, 36, 102, 190), _l(98, 114, 150, 114)],
        8: [a(112, 72, 34, 35, 0, 360, 1), a(112, 150, 46, 42, 0, 360, 1)],
        9: [a(112, 76, 42, 40, 0, 360, 1), _l(154, 76, 150, 168, 140, 184, 122, 190)],
    }[digit]
    return strokes, 13


def _segments_mask(strokes: list[Contour], half_width: int, n: int) -> np.ndarray:
    """Samples within ``half_width`` of any segment (exact integer test)."""
    # sample j of n = 28 * ss covers [j, j + 1) / ss px -> centre (2j + 1) / (2 ss) px
    #   = (2j + 1) * UNIT / (2 ss) units; with UNIT = 8, ss = 4 that is (2j + 1).
    q = (2 * np.arange(n, dtype=np.int64) + 1) * _DIGIT_UNIT // (2 * _DIGIT_SS)
    qx, qy = q[None, :], q[:, None]
    mask = np.zeros((n, n), dtype=bool)
    w2 = half_width * half_width
    for line in strokes:
        for (ax, ay), (bx, by) in zip(line[:-1].tolist(), line[1:].tolist()):
            dx, dy = bx - ax, by - ay
            px, py = qx - ax, qy - ay
            l2 = dx * dx + dy * dy
            if l2 == 0:
                mask |= px * px + py * py <= w2
                continue
            t = px * dx + py * dy
            cross = px * dy - py * dx
            near_a = px * px + py * py <= w2
            near_b = (qx - bx) ** 2 + (qy - by) ** 2 <= w2
            mid = (t > 0) & (t < l2) & (cross * cross <= w2 * l2)
            mask |= near_a | near_b | mid
    return mask


@lru_cache(maxsize=32)
def _render_digit(digit: int, split: str) -> np.ndarray:
    strokes, hw = _digit_strokes(digit, split)
    # The centre lines span rows 34-190 (in 1/8 px); scale them about the centre so
    # that the ink, half-width included, spans rows 4-24.
    num, den = 80 - hw, 78
    strokes = [112 + ((st - 112) * 2 * num + den) // (2 * den) for st in strokes]
    if split == "holdout":  # slant: shift right by 1/6 of the height above row 14
        strokes = [np.stack([s[:, 0] + (112 - s[:, 1]) // 6, s[:, 1]], axis=1) for s in strokes]
    n = 28 * _DIGIT_SS
    # Centre the centre of mass horizontally (as MNIST).
    mask = _segments_mask(strokes, hw, n)
    q = (2 * np.arange(n, dtype=np.int64) + 1) * _DIGIT_UNIT // (2 * _DIGIT_SS)
    shift = np.array([112 - int(mask.sum(axis=0) @ q) // int(mask.sum()), 0])
    mask = _segments_mask([st + shift for st in strokes], hw, n)
    count = mask.reshape(28, _DIGIT_SS, 28, _DIGIT_SS).sum(axis=(1, 3), dtype=np.int64)
    k = _DIGIT_SS * _DIGIT_SS
    img = ((count * 255 + k // 2) // k).astype(np.uint8)
    img.flags.writeable = False
    return img


def digit_image(digit: int, split: str) -> np.ndarray:
    """MNIST-like picture of a digit: light strokes on black, 28x28.

    Parameters
    ----------
    digit : int
        0 to 9.
    split : str
        ``"train"`` (upright, thinner strokes) or ``"holdout"`` (slanted, bolder, with
        different shape details): one fixed exemplar per digit and split.

    Returns
    -------
    numpy.ndarray
        ``(28, 28)`` uint8, the digit inside the central 20x20 box.

    Raises
    ------
    ValueError
        If ``digit`` is not in 0-9 or ``split`` is not one of :data:`SPLITS`.
    """
    if isinstance(digit, (bool, np.bool_)) or not isinstance(digit, (int, np.integer)):
        raise TypeError(f"digit must be an integer, got {digit!r}")
    if not 0 <= digit <= 9:
        raise ValueError(f"digit {digit} is out of range [0, 9]")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; allowed: {', '.join(repr(s) for s in SPLITS)}")
    return _render_digit(int(digit), split).copy()


def stimulus_digest() -> str:
    """SHA-256 over the whole stimulus set, to check it is the same on every machine.

    Hashes the bytes of every object picture at size 64 in index order, then every
    digit picture, split by split (train first) and digit by digit.

    Returns
    -------
    str
        Hexadecimal digest.
    """
    h = hashlib.sha256()
    for i in range(N_OBJECTS):
        h.update(_render.__wrapped__(i, 64).tobytes())
    for split in SPLITS:
        for d in range(10):
            h.update(_render_digit(d, split).tobytes())
    return h.hexdigest()


# --------------------------------------------------------------------------------------
# Contact sheet for the README.


def _png(img: np.ndarray) -> bytes:
    """Minimal PNG encoder (RGB, 8 bit, no filtering) with zlib."""
    h, w, _ = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def _contact_sheet(path: str | os.PathLike[str]) -> None:
    """Write a PNG of objects 0-47 (64 px, 8 columns) and the 20 digits (train row, holdout row)."""
    gap, obj, cols = 8, 64, 8
    scale = 2
    dsz = 28 * scale
    width = gap + cols * (obj + gap)
    dgap = (width - 10 * dsz) // 11
    height = gap + 6 * (obj + gap) + gap + 2 * (dsz + dgap)
    sheet = np.full((height, width, 3), 200, dtype=np.uint8)
    for i in range(48):
        r, c = divmod(i, cols)
        y, x = gap + r * (obj + gap), gap + c * (obj + gap)
        sheet[y:y + obj, x:x + obj] = object_image(i, obj)
    y0 = gap + 6 * (obj + gap) + gap
    for row, split in enumerate(SPLITS):
        for d in range(10):
            big = np.kron(digit_image(d, split), np.ones((scale, scale), dtype=np.uint8))
            y, x = y0 + row * (dsz + dgap), dgap + d * (dsz + dgap)
            sheet[y:y + dsz, x:x + dsz] = big[:, :, None]
    os.makedirs(os.path.dirname(os.fspath(path)) or ".", exist_ok=True)
    tmp = f"{os.fspath(path)}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(_png(sheet))
    os.replace(tmp, path)


if __name__ == "__main__":
    _contact_sheet(os.path.join(os.path.dirname(__file__), "..", "..", "..", "docs", "images", "psychlab_stimuli.png"))
