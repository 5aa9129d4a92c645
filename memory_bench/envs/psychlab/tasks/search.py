"""Visual search: is the magenta T among the coloured glyphs?

Spec ``dmlab30_and_memory_suite.md`` 1.24 (DMLab-30 ``psychlab_visual_search``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from memory_bench.envs.psychlab.base import PsychLabEnv
from memory_bench.envs.psychlab.screen import BLACK, WHITE, Color

#: The eight 4x4 pixel-art glyphs, rows top to bottom ("#" = ink). The first is the
#: target shape. Every glyph is a 3x3 figure in the top-left of its 4x4 square (the
#: last row and column are empty), as DeepMind Lab's factory draws them, so that a
#: glyph sits slightly up and left in its grid cell. "R" is the Gamma-like figure
#: (a top bar and a left stem) that the original calls R.
GLYPHS: dict[str, tuple[str, str, str, str]] = {
    "T": ("###.", ".#..", ".#..", "...."),
    "inverted_T": (".#..", ".#..", "###.", "...."),
    "L": ("#...", "#...", "###.", "...."),
    "mirrored_L": ("..#.", "..#.", "###.", "...."),
    "R": ("###.", "#...", "#...", "...."),
    "mirrored_R": ("###.", "..#.", "..#.", "...."),
    "S": (".##.", ".#..", "##..", "...."),
    "Z": ("##..", ".#..", ".##.", "...."),
}
SHAPES = tuple(GLYPHS)
#: Item colours; the first is the target colour.
COLORS: dict[str, Color] = {
    "magenta": (255, 0, 191),
    "yellow": (255, 191, 0),
    "light_blue": (0, 255, 255),
    "dark_blue": (0, 63, 255),
    "purple": (127, 0, 255),
}
COLOR_NAMES = tuple(COLORS)
TARGET = ("T", "magenta")

#: Distractor kinds: ``color`` (the target shape in the other colours), ``shape`` (the
#: target colour in the other shapes), ``conjunction`` (any shape-colour pair but the
#: target); ``interleaved`` draws one of the three per trial.
SEARCH_TYPES = ("color", "shape", "conjunction")
SEARCH_MODES = ("interleaved", *SEARCH_TYPES)

#: Staircase over the set size.
SET_SIZES = (1, 1, 1, 2, 2, 4, 8, 16, 24, 32)
GRID_CELLS = 7
CELL_PIXELS = 56
GRID_POS = 0.1
GRID_SIZE = 0.8
P_PRESENT = 0.5
#: Black response buttons at the bottom edge (top-left corners).
BUTTONS = {"absent": (0.35, 0.9), "present": (0.55, 0.9)}


class SearchItem(NamedTuple):
    """One glyph of the search array: its shape and colour names and grid cell."""

    shape: str
    color: str
    row: int
    col: int

    @property
    def is_target(self) -> bool:
        return (self.shape, self.color) == TARGET


def glyph_mask(shape: str) -> np.ndarray:
    """The (4, 4) bool ink mask of a glyph."""
    return np.array([[c == "#" for c in row] for row in GLYPHS[shape]], dtype=bool)


_MASKS = {name: np.repeat(np.repeat(glyph_mask(name), CELL_PIXELS // 4, 0), CELL_PIXELS // 4, 1) for name in SHAPES}


class VisualSearch(PsychLabEnv):
    """PsychLab visual search (attention; DMLab-30 ``psychlab_visual_search``).

    ## Description
    The agent faces a 512-pixel white screen and looks at the red fixation cross to
    start a trial. A search array appears in the central 80 % of the screen (a 7x7
    grid of 56-pixel cells), with two black buttons (10 % of the screen) at the
    bottom edge: ``absent`` (top-left corner at x = 0.35, y = 0.9) and ``present``
    (x = 0.55). The array holds ``set_size`` items in distinct, uniformly drawn
    cells; each item is a 4x4 pixel-art glyph (:data:`GLYPHS`: T, inverted T, L,
    mirrored L, R, mirrored R, S, Z) scaled to the 56-pixel cell (14 pixels per
    glyph pixel) in one of five colours (:data:`COLORS`: magenta (255, 0, 191),
    yellow (255, 191, 0), light blue (0, 255, 255), dark blue (0, 63, 255), purple
    (127, 0, 255)). The target, a magenta T, is present with probability 0.5 (then
    exactly once, the other items being distractors); otherwise every item is a
    distractor. The distractor kind is drawn uniformly per trial among ``color``
    search (a T in one of the four other colours, uniform), ``shape`` search (a
    magenta glyph of one of the seven other shapes, uniform) and ``conjunction``
    (uniform over the 39 shape-colour pairs other than the magenta T, which includes
    magenta non-Ts and non-magenta Ts). Looking at a button colours it bright green
    (right) or bright red (wrong); looking away ends the trial.

    Set size staircase: the set size is ``SET_SIZES[level]`` over
    ``(1, 1, 1, 2, 2, 4, 8, 16, 24, 32)``, ``level`` starting at 0. Trials are
    grouped in blocks of K = the current set size; at the end of a block the level
    goes up one (capped at the last) if all K trials were correct, down one (not
    below 0) if at most floor(K/2) were, and otherwise stays; the next block has the
    new level's size. (Our reading of the spec's "same promote/demote rule as
    sequential comparison": there K is the level and the set size at once. DeepMind
    Lab's ``staircase.lua`` as used by this factory instead takes blocks of K = the
    1-based level index, demotes at a fraction correct <= 0.75 and, with probability
    0.1, shows an uncounted "probe" trial at a uniformly drawn level up to the
    current one; we do not model probes.)

    Layout details (our choices): the grid image is rendered at the pixel size of
    its 80 % widget (410 pixels on the 512 screen, not resampled), the 7x7 grid of
    56-pixel cells (392 pixels) centred in it; each glyph is drawn in the top-left
    3x3 of its 4x4 square, as in DeepMind Lab's bitmaps. The grid is one image
    widget; the items of the current trial are in :attr:`items`
    (:class:`SearchItem`, with ``row``, ``col`` in the 7x7 grid).

    ## Action Space
    ``Discrete(11)`` look actions (or ``Box(-1, 1, (2,))``), see :class:`PsychLabEnv`.

    ## Observation Space
    ``Box(0, 255, (64, 64, 3), uint8)``, the first-person view of the screen.

    ## Rewards
    +1 for a correct answer, 0 otherwise, paid when the gaze leaves the button.

    ## Starting State
    The view faces the screen with a yaw uniform in +-22.5 degrees (``spawn_yaw_range``)
    and pitch 0; the red fixation cross is shown; the staircase is at level 0 (set
    size 1).

    ## Episode End
    9000 frames (150 s, 2250 steps: ``truncated``) or 80 trials (``terminated``);
    no off-screen rule (-1).

    ## Arguments
    ``search_mode``: ``"interleaved"`` (default: the kind drawn per trial, as in
    DMLab-30) or one of ``"color"``, ``"shape"``, ``"conjunction"`` for every trial
    (the factory's ``searchMode`` option); plus those of :class:`PsychLabEnv`.

    ``info``: ``correct_answer`` (``"present"`` or ``"absent"``), ``set_size``,
    ``search_type`` (``"color"``, ``"shape"`` or ``"conjunction"``), and the common
    keys.

    ## Reference scores
    DMLab-30 ``psychlab_visual_search`` (spec section 3, DeepMind's IMPALA
    normalisation table): human 78.5, random 0.085 (episode return).

    ## Version History
    * v0: initial release.
    """

    screen_size = 512
    default_episode_frames = 9000
    default_max_trials = 80
    default_max_frames_off_screen = -1
    human_score: float | None = 78.5
    random_score: float | None = 0.085

    def __init__(self, *, search_mode: str = "interleaved", **kwargs: Any):
        if search_mode not in SEARCH_MODES:
            raise ValueError(f"search_mode must be one of {list(SEARCH_MODES)}, got {search_mode!r}")
        self.search_mode = search_mode
        self.items: list[SearchItem] = []
        super().__init__(**kwargs)

    # -- staircase -----------------------------------------------------------------

    def _reset_task(self) -> None:
        self.level = 0
        self._block_trials = 0
        self._block_correct = 0
        self.items = []

    @property
    def current_set_size(self) -> int:
        """The set size of the staircase's current level."""
        return SET_SIZES[self.level]

    def _answered(self, name: str, correct: bool) -> None:
        k = self.current_set_size
        self._block_trials += 1
        self._block_correct += int(correct)
        if self._block_trials >= k:
            if self._block_correct == k:
                self.level = min(self.level + 1, len(SET_SIZES) - 1)
            elif self._block_correct <= k // 2:
                self.level = max(self.level - 1, 0)
            self._block_trials = 0
            self._block_correct = 0

    # -- trial -----------------------------------------------------------------------

    def _distractor(self, search_type: str) -> tuple[str, str]:
        rng = self.np_random
        if search_type == "color":
            return TARGET[0], COLOR_NAMES[1 + int(rng.integers(len(COLOR_NAMES) - 1))]
        if search_type == "shape":
            return SHAPES[1 + int(rng.integers(len(SHAPES) - 1))], TARGET[1]
        # conjunction: uniform over every pair but the target (index 0)
        k = 1 + int(rng.integers(len(SHAPES) * len(COLOR_NAMES) - 1))
        return SHAPES[k % len(SHAPES)], COLOR_NAMES[k // len(SHAPES)]

    def _start_trial(self) -> None:
        rng = self.np_random
        present = bool(rng.random() < P_PRESENT)
        if self.search_mode == "interleaved":
            search_type = SEARCH_TYPES[int(rng.integers(len(SEARCH_TYPES)))]
        else:
            search_type = self.search_mode
        set_size = self.current_set_size
        cells = rng.permutation(GRID_CELLS * GRID_CELLS)[:set_size]
        kinds = [TARGET if present else self._distractor(search_type)]
        kinds += [self._distractor(search_type) for _ in range(set_size - 1)]
        self.items = [SearchItem(s, c, int(cell) // GRID_CELLS, int(cell) % GRID_CELLS) for (s, c), cell in zip(kinds, cells)]
        self.truth.update(set_size=set_size, search_type=search_type)
        widget = self.screen.add("array", (GRID_POS, GRID_POS), (GRID_SIZE, GRID_SIZE))
        x0, y0, x1, y1 = widget.box
        self.screen.add("array", (GRID_POS, GRID_POS), (GRID_SIZE, GRID_SIZE), image=render_array(self.items, y1 - y0, x1 - x0))
        self._add_buttons(dict(BUTTONS), "present" if present else "absent", color=BLACK, on_answer=self._answered)


def render_array(items: list[SearchItem], height: int, width: int, background: Color = WHITE) -> np.ndarray:
    """The search array image, (height, width, 3) uint8: the 7x7 grid of 56-pixel
    cells centred in it, each item's glyph filling its cell."""
    img = np.empty((height, width, 3), np.uint8)
    img[:] = background
    top = (height - GRID_CELLS * CELL_PIXELS) // 2
    left = (width - GRID_CELLS * CELL_PIXELS) // 2
    for item in items:
        y = top + item.row * CELL_PIXELS
        x = left + item.col * CELL_PIXELS
        img[y : y + CELL_PIXELS, x : x + CELL_PIXELS][_MASKS[item.shape]] = COLORS[item.color]
    return img
