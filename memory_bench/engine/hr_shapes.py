"""DMLab's 40 human recognisable pickups (HRP) as shapes our engine can draw.

The DMLab-30 language levels (``language_*``) name their objects by shape, colour,
pattern and size out of DMLab's 40 "human recognisable pickups". DMLab draws each
with its own 3D model; we have only spheres and vertical cylinders (what the CPU ray
caster draws for moving objects), so every shape here is **our own composition of at
most** :data:`MAX_PARTS` **primitives** under DMLab's shape name, not DMLab's model.
The compositions aim at silhouettes that differ from one another (height, width,
number of blobs, sideways offsets, thin against fat parts) as seen by the agent's
camera at 50 u eye height from a few hundred u away.

A shape is a tuple of parts ``(kind, radius, half_height, x, z, color)`` in the format
of :data:`memory_bench.engine.arena.SHAPES`: ``kind`` ``"sphere"`` or ``"cylinder"``
(vertical, axis along z; ``half_height`` is ignored for spheres), lengths in game units
(u) relative to the item's origin on the floor (z = 0 is the floor, x a lateral offset),
``color`` a colour slot (0: the object's named colour, which covers most of every
shape; 1: its second colour) or a fixed RGB for small details.

DMLab facts (``game_scripts/common/human_recognisable_pickups.lua`` and
``game_scripts/language/object_generator.lua``): the 40 shape names, the three
sizes and their scales (:data:`SCALES`, with the per-shape :data:`CUSTOM_SCALES`), the
13 colour names and their HSL values (:data:`COLORS`) and the 9 pattern names
(:data:`PATTERNS`). DMLab paints a pattern as a two-colour texture over the model; we
approximate it by giving the shape's secondary parts (colour slot 1) the pattern's
second colour (:func:`part_colors`); a ``"solid"`` object is all one colour.
"""

from __future__ import annotations

import colorsys
from functools import lru_cache

import numpy as np

# (kind, radius, half height, x, z, colour slot or RGB), lengths in u
Part = tuple[str, float, float, float, float, object]

SHAPE_NAMES: tuple[str, ...] = (
    "apple2", "ball", "balloon", "banana", "bottle", "cake", "can", "car", "cassette", "chair",
    "cherries", "cow", "flower", "fork", "fridge", "guitar", "hair_brush", "hammer", "hat", "ice_lolly",
    "jug", "key", "knife", "ladder", "mug", "pencil", "pig", "pincer", "plant", "saxophone",
    "shoe", "spoon", "suitcase", "tennis_racket", "tomato", "toothbrush", "tree", "tv", "wine_glass", "zebra",
)
MAX_PARTS = 5  # no shape has more parts

# small fixed-colour details
_DARK = (0.10, 0.10, 0.10)
_METAL = (0.72, 0.72, 0.75)
_STEM = (0.38, 0.24, 0.10)
_WOOD = (0.90, 0.75, 0.50)
_FLAME = (1.00, 0.85, 0.20)
_CREAM = (0.97, 0.95, 0.90)
_STRING = (0.85, 0.85, 0.85)

_S, _C = "sphere", "cylinder"

HR_SHAPES: dict[str, tuple[Part, ...]] = {
    # a round fruit on the floor with a short stem and a leaf to one side
    "apple2": ((_S, 9.5, 0.0, 0.0, 10.0, 0), (_C, 0.9, 3.0, 0.0, 21.5, _STEM), (_S, 3.0, 0.0, 4.5, 22.0, 1)),
    # one big sphere with a band of the second colour round its equator
    "ball": ((_S, 12.0, 0.0, 0.0, 12.0, 0), (_C, 12.2, 2.0, 0.0, 12.0, 1)),
    # a big blob high up on a thin string
    "balloon": ((_S, 10.0, 0.0, 0.0, 29.0, 0), (_S, 1.6, 0.0, 0.0, 18.6, 0), (_C, 0.4, 9.0, 0.0, 9.0, _STRING)),
    # a low, wide smile: an arc of five blobs, its tips in the second colour
    "banana": ((_S, 3.1, 0.0, -11.3, 9.3, 1), (_S, 4.3, 0.0, -6.0, 5.7, 0), (_S, 4.5, 0.0, 0.0, 4.5, 0),
               (_S, 4.3, 0.0, 6.0, 5.7, 0), (_S, 3.1, 0.0, 11.3, 9.3, 1)),
    # a narrow body with a label band, round shoulders, a thin neck and a cap
    "bottle": ((_C, 5.5, 8.0, 0.0, 8.0, 0), (_C, 5.7, 3.0, 0.0, 8.0, 1), (_S, 5.5, 0.0, 0.0, 16.0, 0),
               (_C, 2.2, 5.0, 0.0, 24.0, 0), (_C, 2.6, 1.5, 0.0, 30.0, 1)),
    # two wide tiers, an icing band and one lit candle
    "cake": ((_C, 13.0, 4.0, 0.0, 4.0, 0), (_C, 13.3, 1.0, 0.0, 7.5, 1), (_C, 9.0, 3.5, 0.0, 11.5, 0),
             (_C, 1.0, 3.0, 0.0, 18.0, _CREAM), (_S, 1.5, 0.0, 0.0, 22.3, _FLAME)),
    # a squat cylinder with a label band and a metal lid
    "can": ((_C, 6.5, 10.0, 0.0, 10.0, 0), (_C, 6.7, 2.5, 0.0, 10.0, 1), (_C, 5.5, 0.4, 0.0, 20.4, _METAL)),
    # a wide low body over two dark wheels, a cabin off centre
    "car": ((_C, 7.0, 3.5, -5.0, 7.5, 0), (_C, 7.0, 3.5, 5.0, 7.5, 0), (_S, 5.5, 0.0, -1.0, 11.5, 0),
            (_S, 3.5, 0.0, -8.0, 3.5, _DARK), (_S, 3.5, 0.0, 8.0, 3.5, _DARK)),
    # a wide flat slab with a label band and two reel hubs on top
    "cassette": ((_C, 12.5, 3.5, 0.0, 3.5, 0), (_C, 12.7, 1.0, 0.0, 4.0, 1),
                 (_C, 2.6, 0.8, -5.5, 7.4, _DARK), (_C, 2.6, 0.8, 5.5, 7.4, _DARK)),
    # two legs, a round seat and a tall back to one side
    "chair": ((_C, 1.2, 6.5, -8.0, 6.5, 0), (_C, 1.2, 6.5, 8.0, 6.5, 0), (_C, 10.0, 1.5, 0.0, 14.0, 0),
              (_C, 1.5, 8.0, -8.5, 23.5, 0), (_C, 3.0, 5.0, -8.5, 30.0, 1)),
    # two fruits side by side, their stems meeting at a leaf
    "cherries": ((_S, 5.5, 0.0, -5.5, 5.5, 0), (_S, 5.5, 0.0, 5.5, 5.5, 0), (_C, 0.8, 8.5, -4.0, 18.5, _STEM),
                 (_C, 0.8, 8.5, 4.0, 18.5, _STEM), (_S, 4.0, 0.0, 0.0, 27.0, 1)),
    # a long body of two blobs on two legs, the head low in front
    "cow": ((_C, 2.0, 6.0, -7.0, 6.0, 1), (_C, 2.0, 6.0, 7.0, 6.0, 1), (_S, 7.0, 0.0, -4.0, 17.0, 0),
            (_S, 7.0, 0.0, 4.0, 17.0, 0), (_S, 4.0, 0.0, 11.5, 25.0, 0)),
    # a thin stem with a leaf, three petals on top
    "flower": ((_C, 0.8, 12.0, 0.0, 12.0, 1), (_S, 2.5, 0.0, 2.5, 10.0, 1), (_S, 4.5, 0.0, -4.0, 28.0, 0),
               (_S, 4.5, 0.0, 4.0, 28.0, 0), (_S, 4.5, 0.0, 0.0, 32.0, 0)),
    # a thin handle, a wider neck and three tines
    "fork": ((_C, 1.3, 10.0, 0.0, 10.0, 0), (_C, 3.2, 2.0, 0.0, 22.0, 0), (_C, 0.7, 5.0, -2.3, 29.0, 0),
             (_C, 0.7, 5.0, 0.0, 29.0, 0), (_C, 0.7, 5.0, 2.3, 29.0, 0)),
    # a tall fat box: a door line and two handles on one side
    "fridge": ((_C, 8.0, 19.0, 0.0, 19.0, 0), (_C, 8.2, 0.5, 0.0, 26.0, _METAL), (_C, 1.0, 3.5, 8.2, 31.0, 1),
               (_C, 1.0, 6.0, 8.2, 17.0, 1)),
    # an hourglass body, a long neck and a headstock
    "guitar": ((_S, 7.5, 0.0, 0.0, 7.5, 0), (_S, 5.5, 0.0, 0.0, 17.5, 0), (_C, 1.4, 6.5, 0.0, 28.5, 0),
               (_C, 2.2, 2.5, 0.0, 37.0, 1), (_S, 1.8, 0.0, 0.0, 10.0, 1)),
    # a handle, an oval head and a strip of bristles on one side
    "hair_brush": ((_C, 2.0, 9.0, 0.0, 9.0, 0), (_S, 6.5, 0.0, 0.0, 25.0, 0), (_C, 5.0, 3.0, 0.0, 20.0, 0),
                   (_C, 2.0, 5.0, 5.8, 25.5, 1)),
    # a long handle with a grip and a wide T of a head: a fat face, a middle and a thinner claw
    "hammer": ((_C, 1.5, 12.0, 0.0, 12.5, 0), (_C, 1.9, 4.5, 0.0, 5.0, 1), (_C, 2.8, 3.0, -5.5, 27.0, 0),
               (_C, 2.8, 2.5, 0.0, 27.0, 0), (_C, 2.2, 2.0, 5.5, 27.0, 0)),
    # a very wide thin brim, a crown and a hat band
    "hat": ((_C, 14.0, 0.8, 0.0, 0.8, 0), (_C, 8.0, 7.0, 0.0, 9.0, 0), (_C, 8.3, 1.5, 0.0, 4.0, 1)),
    # a rounded bar of two colours on a wooden stick
    "ice_lolly": ((_C, 1.0, 4.0, 0.0, 4.0, _WOOD), (_C, 5.0, 9.0, 0.0, 17.0, 0), (_S, 5.0, 0.0, 0.0, 26.0, 0),
                  (_C, 5.2, 2.5, 0.0, 11.0, 1)),
    # a fat round body, a neck with a lip, a handle to one side
    "jug": ((_S, 9.0, 0.0, 0.0, 9.5, 0), (_C, 4.5, 5.0, 0.0, 21.0, 0), (_C, 5.5, 1.0, 0.8, 26.0, 0),
            (_C, 1.5, 5.5, -8.8, 15.0, 1), (_S, 2.5, 0.0, -6.8, 21.0, 1)),
    # a round bow, a collar, a shaft and two teeth to one side
    "key": ((_S, 5.5, 0.0, 0.0, 29.0, 0), (_C, 2.6, 1.0, 0.0, 23.0, 1), (_C, 1.5, 10.5, 0.0, 12.0, 0),
            (_C, 1.4, 1.5, 2.8, 4.0, 0), (_C, 1.4, 1.2, 2.8, 9.0, 0)),
    # a handle, a metal guard and a wider blade, offset, with a rounded tip
    "knife": ((_C, 1.8, 5.5, 0.0, 5.5, 1), (_C, 2.8, 0.6, 0.0, 11.6, _METAL), (_C, 2.6, 9.0, 0.8, 21.2, 0),
              (_S, 1.8, 0.0, 1.6, 30.4, 0)),
    # two tall rails and three rungs (flat discs between them)
    "ladder": ((_C, 1.2, 19.0, -7.0, 19.0, 0), (_C, 1.2, 19.0, 7.0, 19.0, 0), (_C, 7.0, 0.7, 0.0, 10.0, 0),
               (_C, 7.0, 0.7, 0.0, 20.0, 0), (_C, 7.0, 0.7, 0.0, 30.0, 0)),
    # a short fat cup with a C handle and coffee in it
    "mug": ((_C, 7.0, 8.0, 0.0, 8.0, 0), (_C, 1.5, 4.0, -10.0, 8.0, 1), (_S, 2.0, 0.0, -8.2, 12.5, 1),
            (_S, 2.0, 0.0, -8.2, 3.5, 1), (_C, 6.3, 0.3, 0.0, 16.0, _STEM)),
    # a long even rod: an eraser, a metal ferrule, a sharpened wooden tip and its lead
    "pencil": ((_C, 2.2, 1.5, 0.0, 1.5, 1), (_C, 2.4, 0.8, 0.0, 3.8, _METAL), (_C, 2.2, 13.5, 0.0, 18.0, 0),
               (_C, 1.4, 1.5, 0.0, 33.0, _WOOD), (_S, 0.8, 0.0, 0.0, 34.6, _DARK)),
    # a fat low body on stubby legs, a big head and a snout
    "pig": ((_S, 9.0, 0.0, -2.0, 11.0, 0), (_S, 6.0, 0.0, 8.0, 13.0, 0), (_S, 2.5, 0.0, 13.5, 12.0, 1),
            (_C, 2.0, 2.0, -7.0, 2.0, 0), (_C, 2.0, 2.0, 3.0, 2.0, 0)),
    # pliers: two handles, a pivot and two jaws
    "pincer": ((_C, 1.3, 9.0, -4.5, 9.0, 0), (_C, 1.3, 9.0, 4.5, 9.0, 0), (_S, 3.2, 0.0, 0.0, 20.0, 1),
               (_C, 1.7, 5.5, -1.6, 27.0, 0), (_C, 1.7, 5.5, 1.6, 27.0, 0)),
    # a pot and three upright leaves, the middle one tallest
    "plant": ((_C, 6.5, 5.0, 0.0, 5.0, 1), (_C, 2.5, 7.5, -5.0, 17.0, 0), (_C, 2.8, 11.0, 0.0, 21.0, 0),
              (_C, 2.5, 7.5, 5.0, 17.0, 0), (_S, 2.8, 0.0, 0.0, 32.0, 0)),
    # a J: a tall tube, its bend at the bottom, the bell up to one side, a mouthpiece
    "saxophone": ((_C, 2.8, 12.0, -3.0, 17.0, 0), (_S, 4.0, 0.0, -1.0, 5.0, 0), (_S, 3.5, 0.0, 3.0, 5.0, 0),
                  (_C, 4.5, 4.0, 5.5, 12.0, 0), (_C, 1.2, 4.0, -3.0, 32.0, 1)),
    # low and long: a tall ankle at the back, the foot tapering to the toe, a sole
    "shoe": ((_C, 5.0, 7.0, -6.0, 7.0, 0), (_S, 5.0, 0.0, 1.0, 5.0, 0), (_S, 4.0, 0.0, 8.0, 4.0, 0),
             (_C, 5.2, 0.8, -6.0, 0.8, 1), (_C, 5.0, 0.8, 4.0, 0.8, 1)),
    # a thin handle and a small oval bowl
    "spoon": ((_C, 1.0, 11.0, 0.0, 11.0, 0), (_S, 4.0, 0.0, 0.0, 27.0, 0), (_S, 3.5, 0.0, 0.0, 31.0, 0),
              (_C, 1.5, 1.5, 0.0, 22.5, 0)),
    # a wide box with a stripe and a carrying handle on top
    "suitcase": ((_C, 11.0, 8.5, 0.0, 8.5, 0), (_C, 11.2, 1.0, 0.0, 8.5, 1), (_C, 0.8, 2.0, -4.0, 19.0, 1),
                 (_C, 0.8, 2.0, 4.0, 19.0, 1), (_C, 4.8, 0.8, 0.0, 21.5, 1)),
    # a grip, a shaft and a big tall oval head
    "tennis_racket": ((_C, 1.5, 5.0, 0.0, 5.0, 1), (_C, 1.2, 3.5, 0.0, 13.0, 0), (_S, 6.5, 0.0, 0.0, 22.5, 0),
                      (_C, 6.5, 4.25, 0.0, 26.75, 0), (_S, 6.5, 0.0, 0.0, 31.0, 0)),
    # a squat two-lobed fruit with a calyx and a stalk
    "tomato": ((_S, 6.5, 0.0, -4.0, 7.0, 0), (_S, 6.5, 0.0, 4.0, 7.0, 0), (_C, 8.5, 4.0, 0.0, 7.0, 0),
               (_C, 4.0, 0.8, 0.0, 13.5, 1), (_C, 0.8, 1.5, 0.0, 15.5, 1)),
    # a thin handle with a thicker grip, a head and bristles to one side
    "toothbrush": ((_C, 1.1, 14.0, 0.0, 14.0, 0), (_C, 1.6, 5.0, 0.0, 6.0, 0), (_C, 1.4, 3.5, 0.0, 30.0, 0),
                   (_C, 1.4, 3.0, 2.5, 30.5, 1)),
    # a trunk and a wide crown of three blobs
    "tree": ((_C, 2.5, 9.0, 0.0, 9.0, 1), (_S, 7.0, 0.0, -6.0, 23.0, 0), (_S, 7.0, 0.0, 6.0, 23.0, 0),
             (_S, 8.5, 0.0, 0.0, 30.0, 0), (_S, 6.0, 0.0, 0.0, 19.0, 0)),
    # a box on a stand with a dark screen band and two antennae
    "tv": ((_C, 11.0, 8.0, 0.0, 16.0, 0), (_C, 11.3, 3.5, 0.0, 16.5, _DARK), (_C, 3.5, 4.0, 0.0, 4.0, 1),
           (_C, 0.6, 5.0, -5.0, 29.0, 0), (_C, 0.6, 5.0, 5.0, 29.0, 0)),
    # a flat foot, a thin stem and a goblet bowl
    "wine_glass": ((_C, 5.0, 0.6, 0.0, 0.6, 0), (_C, 0.8, 6.0, 0.0, 7.0, 0), (_S, 6.5, 0.0, 0.0, 19.0, 0),
                   (_C, 6.0, 4.0, 0.0, 23.0, 0), (_C, 6.1, 1.0, 0.0, 19.5, 1)),
    # tall legs, a round body, a neck up at the front and a head
    "zebra": ((_C, 1.5, 9.0, -6.0, 9.0, 1), (_C, 1.5, 9.0, 6.0, 9.0, 1), (_S, 7.5, 0.0, 0.0, 23.0, 0),
              (_C, 2.2, 5.0, 8.0, 30.0, 0), (_S, 3.5, 0.0, 9.5, 36.0, 0)),
}

SCALES: dict[str, float] = {"small": 0.62, "medium": 1.0, "large": 1.62}
#: DMLab's per-shape scales where they differ from :data:`SCALES`.
CUSTOM_SCALES: dict[str, dict[str, float]] = {
    "banana": {"large": 1.58},
    "car": {"large": 1.02, "medium": 0.8},
    "cassette": {"large": 1.45, "medium": 0.95},
    "chair": {"large": 1.15, "medium": 0.84},
    "cow": {"large": 1.06, "medium": 0.81},
    "hat": {"large": 1.55},
    "pig": {"large": 1.52},
}


def scale_of(shape: str, size: str) -> float:
    """DMLab's scale of ``shape`` at ``size`` (``"small"``, ``"medium"`` or ``"large"``)."""
    if shape not in HR_SHAPES:
        raise ValueError(f"unknown shape {shape!r}; choose one of {', '.join(SHAPE_NAMES)}")
    if size not in SCALES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SCALES)}")
    return CUSTOM_SCALES.get(shape, {}).get(size, SCALES[size])


@lru_cache(maxsize=None)
def scaled(shape: str, size: str) -> tuple[Part, ...]:
    """The parts of ``shape`` at ``size``: every length multiplied by :func:`scale_of`."""
    k = scale_of(shape, size)
    return tuple((kind, r * k, h * k, x * k, z * k, color) for kind, r, h, x, z, color in HR_SHAPES[shape])


def _hsl(h: float, s: float, l: float) -> tuple[float, float, float]:
    r, g, b = colorsys.hls_to_rgb(h / 360.0, l / 100.0, s / 100.0)
    return (r, g, b)


#: DMLab's colour names, in its order.
COLOR_NAMES: tuple[str, ...] = ("black", "gray", "white", "red", "orange", "brown", "yellow", "green", "cyan",
                                "blue", "purple", "magenta", "pink")
_HSL = {"black": (0, 0, 0), "gray": (0, 0, 50), "white": (0, 0, 100), "red": (0, 100, 50),
        "orange": (30, 100, 50), "brown": (30, 51, 40), "yellow": (60, 100, 50), "green": (120, 100, 50),
        "cyan": (180, 100, 50), "blue": (240, 100, 50), "purple": (270, 100, 50), "magenta": (300, 100, 50),
        "pink": (330, 100, 50)}
#: DMLab's colours as RGB in 0..1, from its HSL values.
COLORS: dict[str, tuple[float, float, float]] = {name: _hsl(*_HSL[name]) for name in COLOR_NAMES}

#: DMLab's pattern names.
PATTERNS: tuple[str, ...] = ("chequered", "crosses", "diagonal_stripe", "discs", "hex", "pinstripe", "solid",
                             "spots", "swirls")


def part_colors(pattern: str, color1, color2) -> np.ndarray:
    """The ``(2, 3)`` colours of colour slots 0 and 1 of an object of ``pattern`` in
    ``color1`` and ``color2`` (RGB 0..1): a solid object is all ``color1``; a patterned
    one shows ``color2`` on its secondary parts (our stand-in for DMLab's two-colour
    pattern textures)."""
    if pattern not in PATTERNS:
        raise ValueError(f"unknown pattern {pattern!r}; choose one of {', '.join(PATTERNS)}")
    c1 = np.asarray(color1, dtype=np.float64).reshape(3)
    c2 = c1 if pattern == "solid" else np.asarray(color2, dtype=np.float64).reshape(3)
    return np.stack([c1, c2])
