"""Sequential comparison / change detection: is the test array the same as the study array?

Spec ``dmlab30_and_memory_suite.md`` 1.23 (DMLab-30 ``psychlab_sequential_comparison``)
and 2.10 (Memory Task Suite ``change_detection_*``). Both tasks show an array of
coloured squares and "E" optotypes, a blank delay, then a test array that is the same
or has one item changed (Luck & Vogel, 1997). The array-drawing code is shared.

Phase lengths are whole frames: a phase armed with ``screen.after(n)`` during frame
``N`` (in a hover or a timer callback) is on the raster at the end of frames ``N`` to
``N + n - 1``, and the next phase from the end of frame ``N + n`` (as DeepMind Lab's
point-and-click timers, which run before the hover events of a frame).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import numpy as np

from memory_bench.envs.psychlab.base import _AWAY, PsychLabEnv
from memory_bench.envs.psychlab.screen import BLACK, WHITE, Color, disc

#: Optotypes and the four orientations of the "E" (the side its opening faces).
OPTOTYPES = ("E", "square")
ORIENTATIONS = ("left", "right", "up", "down")
#: Per-trial domains of spec 1.23: which features vary between the items.
DOMAINS = ("E_ALL", "E_COLOR", "E_ORIENTATION", "SQUARE_COLOR", "ALL")
#: Changes a domain allows (translation is added where the task allows it).
LEGAL_CHANGES = {
    ("E_ALL", "E"): ("color", "orientation"),
    ("E_COLOR", "E"): ("color",),
    ("E_ORIENTATION", "E"): ("orientation",),
    ("SQUARE_COLOR", "square"): ("color",),
    ("ALL", "E"): ("optotype", "color", "orientation"),
    ("ALL", "square"): ("optotype", "color"),
}
NO_CHANGE = "none"
SAME, DIFFERENT = "same", "different"
#: The study and test arrays fill the centred 75 % of the screen.
ARRAY_SIZE = 0.75

#: Spec 1.23: the 7 colours (equal HSL lightness) of the DMLab-30 task.
SEQ_COLORS: tuple[Color, ...] = (
    (255, 0, 0),
    (255, 191, 0),
    (127, 255, 0),
    (0, 255, 255),
    (0, 63, 255),
    (127, 0, 255),
    (255, 0, 191),
)
#: Spec 2.10: the Memory Task Suite colour sets (amethyst, mallow, jade, caramel,
#: honeydew / violet, lime, orange, sky, yellow).
CD_COLORS: dict[str, tuple[Color, ...]] = {
    "train": ((240, 163, 255), (194, 0, 136), (148, 255, 181), (153, 63, 0), (255, 204, 153)),
    "holdout": ((116, 10, 255), (157, 204, 0), (255, 164, 5), (94, 241, 242), (255, 255, 0)),
}

TURQUOISE: Color = (59, 165, 170)


@dataclass(frozen=True)
class Item:
    """One array item: its grid cell (column, row), optotype, colour index and the
    orientation of the E (ignored for a square)."""

    cell: tuple[int, int]
    optotype: str
    color: int
    orientation: str


class ArrayGrid:
    """The array's grid: ``units`` grid units per side split into cells of ``step``
    units, drawn over ``pixels`` pixels (the array's side on the raster).

    As in DeepMind Lab, items sit at ``step/2 + k*step`` units (``k = 0 .. n-1``,
    ``n = units/step - 1``), so the array has a half-cell margin, and a cell is
    excluded when both its column and its row are 1 or 2 cells from the middle one:
    four 2x2 blocks diagonal to the centre stay empty (the middle row and column,
    the centre cell included, stay usable).
    """

    def __init__(self, units: int, step: int, pixels: int):
        self.units, self.step, self.pixels = int(units), int(step), int(pixels)
        self.positions = np.arange(step // 2, units - step, step)
        n = len(self.positions)
        mid = n // 2
        near = {mid - 2, mid - 1, mid + 1, mid + 2}
        self.n = n
        self.free_cells: tuple[tuple[int, int], ...] = tuple(
            (c, r) for r in range(n) for c in range(n) if not (c in near and r in near)
        )
        self.factor = self.pixels / self.units

    def box(self, cell: tuple[int, int]) -> tuple[int, int, int, int]:
        """Pixel box (x0, y0, x1, y1) of a cell in the array image."""
        c, r = cell
        x0, y0 = self.positions[c], self.positions[r]
        f = self.factor
        return (
            int(round(x0 * f)),
            int(round(y0 * f)),
            int(round((x0 + self.step) * f)),
            int(round((y0 + self.step) * f)),
        )

    def screen_rect(self, cell: tuple[int, int], screen_pixels: int) -> tuple[float, float, float, float]:
        """Normalised screen rectangle of a cell when the array is centred on the screen."""
        x0, y0, x1, y1 = self.box(cell)
        off = (1.0 - ARRAY_SIZE) / 2
        s = float(screen_pixels)
        return off + x0 / s, off + y0 / s, off + x1 / s, off + y1 / s


def optotype_mask(optotype: str, orientation: str, height: int, width: int) -> np.ndarray:
    """Boolean (height, width) mask of an item: a full square, or an "E" made of the
    square with two notches cut at 20-40 % and 60-80 % across, 60 % deep, on the side
    the E opens to (DeepMind Lab's construction)."""
    mask = np.ones((height, width), bool)
    if optotype == "square":
        return mask
    if optotype != "E":
        raise ValueError(f"unknown optotype {optotype!r}, expected one of {OPTOTYPES}")

    def cut(size: int, frac: float) -> int:
        return int(np.floor(0.5 + frac * size))

    y20, y40, y60, y80 = (cut(height, f) for f in (0.2, 0.4, 0.6, 0.8))
    x20, x40, x60, x80 = (cut(width, f) for f in (0.2, 0.4, 0.6, 0.8))
    if orientation == "right":
        mask[y20:y40, x40:] = False
        mask[y60:y80, x40:] = False
    elif orientation == "left":
        mask[y20:y40, :x60] = False
        mask[y60:y80, :x60] = False
    elif orientation == "up":
        mask[:y60, x20:x40] = False
        mask[:y60, x60:x80] = False
    elif orientation == "down":
        mask[y40:, x20:x40] = False
        mask[y40:, x60:x80] = False
    else:
        raise ValueError(f"unknown orientation {orientation!r}, expected one of {ORIENTATIONS}")
    return mask


def render_array(items: Iterable[Item], grid: ArrayGrid, colors: tuple[Color, ...], background: Color) -> np.ndarray:
    """The array image, (grid.pixels, grid.pixels, 3) uint8, at the raster's pixel size."""
    img = np.empty((grid.pixels, grid.pixels, 3), np.uint8)
    img[:] = background
    for item in items:
        x0, y0, x1, y1 = grid.box(item.cell)
        mask = optotype_mask(item.optotype, item.orientation, y1 - y0, x1 - x0)
        img[y0:y1, x0:x1][mask] = colors[item.color]
    return img


def end_study_image(pixels: int, border: int) -> np.ndarray:
    """The end-study button: a black box with a turquoise border ``border`` pixels wide."""
    img = np.zeros((pixels, pixels, 3), np.uint8)
    img[:border] = TURQUOISE
    img[-border:] = TURQUOISE
    img[:, :border] = TURQUOISE
    img[:, -border:] = TURQUOISE
    return img


def check_delays(delays: Any, name: str = "delays") -> tuple[int, ...]:
    """``delays`` as a tuple of positive ints (frames), or a ValueError saying why not."""
    if isinstance(delays, (str, bytes, dict)) or not isinstance(delays, Iterable):
        raise ValueError(f"{name} must be a non-empty sequence of positive ints (frames), got {delays!r}")
    values = list(delays)
    if not values:
        raise ValueError(f"{name} must be a non-empty sequence of positive ints (frames), got {delays!r}")
    for d in values:
        if isinstance(d, (bool, np.bool_)) or not isinstance(d, (int, np.integer)) or d < 1:
            raise ValueError(f"{name} must hold positive ints (frames); {d!r} in {delays!r} is not one")
    return tuple(int(d) for d in values)


class _ArrayComparison(PsychLabEnv):
    """Shared trial logic: study array, delay, test array, same/different buttons."""

    screen_size = 256
    background = WHITE
    #: Grid (units, step) of the array; colours; whether a translation is a change.
    grid_units: ClassVar[int] = 64
    grid_step: ClassVar[int] = 8
    allow_translation: ClassVar[bool] = False
    #: Response buttons (top-left corners).
    buttons: ClassVar[dict[str, tuple[float, float]]] = {}

    def __init__(self, *, colors: tuple[Color, ...], delays: tuple[int, ...], **kwargs: Any):
        self.colors = tuple(colors)
        self.delays = delays
        pixels = int(np.floor(ARRAY_SIZE * self.screen_size))
        self.grid = ArrayGrid(self.grid_units, self.grid_step, pixels)
        self._array_pos = ((self.screen_size - pixels) / 2 / self.screen_size,) * 2
        self._array_size = (pixels / self.screen_size,) * 2
        self.study_items: tuple[Item, ...] = ()
        self.test_items: tuple[Item, ...] = ()
        super().__init__(**kwargs)

    # -- arrays ------------------------------------------------------------------------

    def _study_array(self, set_size: int, domain: str) -> tuple[Item, ...]:
        rng = self.np_random
        n_colors = len(self.colors)
        fixed_orientation = ORIENTATIONS[int(rng.integers(len(ORIENTATIONS)))]
        fixed_color = int(rng.integers(n_colors))
        free = self.grid.free_cells
        cells = rng.choice(len(free), size=set_size, replace=False)
        items = []
        for k in cells:
            if domain == "ALL":
                optotype = OPTOTYPES[int(rng.integers(2))]
            else:
                optotype = "square" if domain == "SQUARE_COLOR" else "E"
            color = fixed_color if domain == "E_ORIENTATION" else int(rng.integers(n_colors))
            if domain == "E_COLOR":
                orientation = fixed_orientation
            else:
                orientation = ORIENTATIONS[int(rng.integers(len(ORIENTATIONS)))]
            items.append(Item(free[int(k)], optotype, color, orientation))
        return tuple(items)

    def _test_array(self, study: tuple[Item, ...], domain: str, change: bool) -> tuple[tuple[Item, ...], str, int]:
        """The test array, the kind of change (or ``"none"``) and the changed item (-1)."""
        if not change:
            return study, NO_CHANGE, -1
        rng = self.np_random
        index = int(rng.integers(len(study)))
        item = study[index]
        legal = LEGAL_CHANGES[(domain, item.optotype)]
        if self.allow_translation:
            legal = (*legal, "translation")
        kind = legal[int(rng.integers(len(legal)))]
        if kind == "color":
            others = [c for c in range(len(self.colors)) if c != item.color]
            new = replace(item, color=others[int(rng.integers(len(others)))])
        elif kind == "orientation":
            others = [o for o in ORIENTATIONS if o != item.orientation]
            new = replace(item, orientation=others[int(rng.integers(len(others)))])
        elif kind == "optotype":
            new = replace(item, optotype="square" if item.optotype == "E" else "E")
        else:  # translation to a free cell no study item uses
            used = {it.cell for it in study}
            empty = [c for c in self.grid.free_cells if c not in used]
            new = replace(item, cell=empty[int(rng.integers(len(empty)))])
        test = list(study)
        test[index] = new
        return tuple(test), kind, index

    def _show_array(self, items: tuple[Item, ...]) -> None:
        image = render_array(items, self.grid, self.colors, self.background)
        self.screen.add("array", self._array_pos, self._array_size, image=image)

    # -- trial -------------------------------------------------------------------------

    def _set_size(self) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _begin_trial(self) -> None:
        """Draws the whole trial and puts its ground truth in ``self.truth``."""
        rng = self.np_random
        set_size = self._set_size()
        domain = DOMAINS[int(rng.integers(len(DOMAINS)))]
        delay = self.delays[int(rng.integers(len(self.delays)))]
        change = bool(rng.random() < 0.5)
        self.study_items = self._study_array(set_size, domain)
        self.test_items, kind, index = self._test_array(self.study_items, domain, change)
        self.truth.update(
            correct_answer=DIFFERENT if change else SAME,
            set_size=set_size,
            delay=delay,
            change=kind,
            changed_item=index,
            domain=domain,
        )
        self._show_array(self.study_items)

    def _blank(self) -> None:
        """The delay: the study array (and end-study button) go, the screen is blank."""
        self.screen.remove("array", "end_study")
        self.oracle_target = None

    def _show_test(self) -> None:
        self._show_array(self.test_items)

    def _show_buttons(self, on_answer: Callable[[str, bool], None] | None = None) -> None:
        self._add_buttons(dict(self.buttons), self.truth["correct_answer"], color=BLACK, on_answer=on_answer)


class SequentialComparison(_ArrayComparison):
    """PsychLab sequential comparison (visual working memory, self-paced study).

    ## Description
    The agent faces a 256-pixel white screen and looks at the red fixation cross to
    start a trial. A study array (the centred 75 % of the screen, a 64-unit grid of
    8-unit cells: 7x7 item positions, items 24 pixels) shows K items, squares or "E"
    optotypes (4 orientations) in 7 colours, drawn from one domain per trial:
    ``E_ALL`` (Es, any colour and orientation), ``E_COLOR`` (Es of one orientation),
    ``E_ORIENTATION`` (Es of one colour), ``SQUARE_COLOR`` (squares) or ``ALL``
    (squares and Es). Study is self-paced: an end-study button (a 24-pixel black box
    with a turquoise border, 9.375 % of the screen) sits at one of 4 spots near the
    centre; looking at it fills it turquoise, looking away from it ends the study.
    A blank delay of 8, 16, 32, 64, 128 or 256 frames (uniform) follows, then the
    test array: the same with probability 0.5, otherwise one item (uniform) changed
    in one way its domain allows (colour, orientation, or square <-> E in ``ALL``;
    uniform among those), with two black buttons (10 %) at the middle of the left
    (``different``) and right (``same``) edges. Looking at a button colours it
    (bright green if right, bright red if wrong); looking away answers.

    Staircase: the set size K starts at 1 and is kept for blocks of K trials; after
    a block with all K correct K grows by one, with at most ``floor(K/2)`` correct it
    shrinks by one (not below 1), otherwise it stays.

    ## Action Space
    ``Discrete(11)`` look actions (or ``Box(-1, 1, (2,))``), see :class:`PsychLabEnv`.

    ## Observation Space
    ``Box(0, 255, (64, 64, 3), uint8)``, the first-person view of the screen.

    ## Rewards
    +1 for a correct answer, 0 otherwise, paid when the gaze leaves the button; 0 for
    fixating and for ending the study.

    ## Starting State
    The view faces the screen with a yaw uniform in +-22.5 degrees (``spawn_yaw_range``)
    and pitch 0; the red fixation cross is shown; the set size K is 1.

    ## Episode End
    ``truncated`` at 18000 frames (4500 steps), ``terminated`` at 60 trials; no
    off-screen rule (-1).

    ## Arguments
    ``delays`` (``(8, 16, 32, 64, 128, 256)``): the delay frames, drawn uniformly per
    trial; plus those of :class:`PsychLabEnv`.

    ``info``: ``correct_answer`` (``"same"``/``"different"``), ``set_size`` (K),
    ``delay`` (frames), ``change`` (``"none"``, ``"color"``, ``"orientation"``,
    ``"optotype"``), ``changed_item`` (index or -1), ``domain``, ``end_study_spot``
    (0-3), set when the trial starts. ``env.study_items`` / ``env.test_items`` hold
    the arrays (:class:`Item`).

    ## Choices (where the spec is silent; DeepMind Lab's
    ``factories/psychlab/sequential_comparison_factory.lua`` where we read it)
    * Excluded cells: with positions k = 0..6 per axis, the cells whose column and
      row are both in {1, 2, 4, 5}: four 2x2 blocks diagonal to the centre (16 cells),
      which hold the end-study spots; 33 cells stay free, the centre one included.
    * End-study spots: top-left corners (x, y) in {0.3125, 0.5625}^2, as the factory
      computes them (not symmetric about the centre; each lies inside an excluded
      block); the spot is uniform per trial. The box's border is a quarter of its
      side, its inside black (the factory's zero-filled tensor).
    * The delay is counted from the frame the gaze leaves the end-study button (its
      first blank frame); the test array and the buttons appear together after it.
    * Maximum set size: the 33 free cells (the factory has no cap).
    * No probe trials (the factory's DMLab-30 staircase has none).
    * Delay, domain and change are drawn when the trial starts, so ``info`` has the
      ground truth from the study phase on.

    ## Reference scores
    DMLab-30 ``psychlab_sequential_comparison`` (spec section 3, DeepMind's IMPALA
    normalisation table): human 39.5, random 0.129 (episode return).

    ## Version History
    * v0: initial release.
    """

    default_episode_frames = 18000
    default_max_trials = 60
    default_max_frames_off_screen = -1
    human_score: float | None = 39.5
    random_score: float | None = 0.129

    grid_units = 64
    grid_step = 8
    allow_translation = False
    buttons: ClassVar[dict[str, tuple[float, float]]] = {DIFFERENT: (0.0, 0.45), SAME: (0.9, 0.45)}
    DEFAULT_DELAYS: ClassVar[tuple[int, ...]] = (8, 16, 32, 64, 128, 256)
    END_STUDY_SIZE: ClassVar[float] = 0.09375
    END_STUDY_SPOTS: ClassVar[tuple[tuple[float, float], ...]] = (
        (0.3125, 0.3125),
        (0.3125, 0.5625),
        (0.5625, 0.3125),
        (0.5625, 0.5625),
    )

    def __init__(self, *, delays: Iterable[int] = DEFAULT_DELAYS, **kwargs: Any):
        super().__init__(colors=SEQ_COLORS, delays=check_delays(delays), **kwargs)
        self.max_set_size = len(self.grid.free_cells)
        pixels = int(round(self.END_STUDY_SIZE * self.screen_size))
        self._end_study_box = end_study_image(pixels, max(1, int(round(pixels / 4))))
        self._end_study_filled = np.empty_like(self._end_study_box)
        self._end_study_filled[:] = TURQUOISE

    def _reset_task(self) -> None:
        self.set_size = 1
        self._block_trials = 0
        self._block_correct = 0

    def _set_size(self) -> int:
        return self.set_size

    def _start_trial(self) -> None:
        self._begin_trial()
        spot = int(self.np_random.integers(len(self.END_STUDY_SPOTS)))
        self.truth["end_study_spot"] = spot
        size = (self.END_STUDY_SIZE, self.END_STUDY_SIZE)
        self.screen.add(
            "end_study",
            self.END_STUDY_SPOTS[spot],
            size,
            image=self._end_study_box,
            on_hover=self._end_study_hover,
            on_hover_end=self._end_study,
        )
        self._target_widget("end_study")

    def _end_study_hover(self) -> None:
        widget = self.screen.widgets["end_study"]
        if widget.image is not self._end_study_filled:
            self.screen.add("end_study", widget.pos, widget.size, image=self._end_study_filled,
                            on_hover=self._end_study_hover, on_hover_end=self._end_study)
            self.screen.widgets["end_study"].hovering = True
            self.screen.widgets["end_study"].hover_frames = widget.hover_frames
        self.oracle_target = _AWAY

    def _end_study(self) -> None:
        self._blank()
        self.screen.after(self.truth["delay"], self._test_phase, "delay")

    def _test_phase(self) -> None:
        self._show_test()
        self._show_buttons(on_answer=self._answered)

    def _answered(self, name: str, correct: bool) -> None:
        self._block_trials += 1
        self._block_correct += int(correct)
        k = self.set_size
        if self._block_trials >= k:
            if self._block_correct == k:
                self.set_size = min(k + 1, self.max_set_size)
            elif self._block_correct <= k // 2:
                self.set_size = max(k - 1, 1)
            self._block_trials = 0
            self._block_correct = 0


class ChangeDetection(_ArrayComparison):
    """Memory Task Suite change detection (visual working memory over a delay).

    ## Description
    The agent faces a 256-pixel white screen and looks at the red fixation cross to
    start a trial. A study array (the centred 75 % of the screen, a 120-unit grid of
    20-unit cells: 5x5 item positions, items 32 pixels) shows 1-4 items (uniform per
    trial), squares or "E" optotypes in 5 colours, drawn from one domain per trial as
    in :class:`SequentialComparison`, for 25 frames. A blank delay (drawn per trial
    from ``delays``) follows, then a black disc (21 pixels) at the centre of the
    screen: looking at it shows the test array, the same with probability 0.5,
    otherwise one item (uniform) changed in colour, orientation, optotype (as the
    domain allows) or moved to an empty cell (uniform among the allowed changes). 8
    frames later two black buttons (10 %) appear at the bottom edge, ``different`` at
    x = 0.35 and ``same`` at x = 0.55. Looking at a button colours it (bright green if
    right, bright red if wrong); looking away answers.

    ## Action Space
    ``Discrete(11)`` look actions (or ``Box(-1, 1, (2,))``), see :class:`PsychLabEnv`.

    ## Observation Space
    ``Box(0, 255, (64, 64, 3), uint8)``, the first-person view of the screen.

    ## Rewards
    +1 for a correct answer, 0 otherwise, paid when the gaze leaves the button.

    ## Starting State
    The view faces the screen with a yaw uniform in +-22.5 degrees (``spawn_yaw_range``)
    and pitch 0; the red fixation cross is shown.

    ## Episode End
    ``truncated`` at 18000 frames (4500 steps); ``terminated`` at 50 trials or after
    300 consecutive frames with the gaze off the screen.

    ## Arguments
    ``stimuli``: ``"train"`` (amethyst, mallow, jade, caramel, honeydew) or
    ``"holdout"`` (violet, lime, orange, sky, yellow).

    ``delays`` (``(2, 4, 8, 64, 128)``, the train level's): delay frames, drawn
    uniformly from the entries per trial; plus those of :class:`PsychLabEnv`.

    ``info``: ``correct_answer`` (``"same"``/``"different"``), ``set_size``,
    ``delay`` (frames), ``change`` (``"none"``, ``"color"``, ``"orientation"``,
    ``"optotype"``, ``"translation"``), ``changed_item``, ``domain``, set when the
    trial starts. ``env.study_items`` / ``env.test_items`` hold the arrays.

    ## Choices (where the spec is silent; DeepMind Lab's
    ``levels/contributed/psychlab/factories/change_detection_factory.lua`` and the
    ``memory_suite_01/change_detection_*`` levels where we read them)
    * Cells: the same exclusion rule as :class:`SequentialComparison` (the factory
      applies it in every mode): with positions k = 0..4 per axis, a cell is excluded
      when its column and row are both in {0, 1, 3, 4}, so only the middle row and
      column are used (9 cells, the centre included; with at most 4 items a
      translation always finds an empty cell).
    * The disc's widget is the 21-pixel square from pixel 117 (the exact centre lies
      between pixels, so it sits half a pixel up-left); its hover zone is that square.
    * Oracle target: None during the study and the delay and for the 8 frames before
      the buttons; the disc while it shows; the correct button, then away.

    ## Reference scores
    None: the spec's reference table (section 3) lists the DMLab-30 levels only, and
    its section 2.14 leaves the Memory Task Suite's published scores unverified (not
    to be hard-coded); ``human_score`` and ``random_score`` are None.

    ## Version History
    * v0: initial release.
    """

    default_episode_frames = 18000
    default_max_trials = 50
    default_max_frames_off_screen = 300

    grid_units = 120
    grid_step = 20
    allow_translation = True
    buttons: ClassVar[dict[str, tuple[float, float]]] = {DIFFERENT: (0.35, 0.9), SAME: (0.55, 0.9)}
    DEFAULT_DELAYS: ClassVar[tuple[int, ...]] = (2, 4, 8, 64, 128)
    STIMULI: ClassVar[tuple[str, ...]] = ("train", "holdout")
    SET_SIZES: ClassVar[tuple[int, ...]] = (1, 2, 3, 4)
    STUDY_FRAMES: ClassVar[int] = 25
    PRERESPONSE_FRAMES: ClassVar[int] = 8
    DISC_PIXELS: ClassVar[int] = 21

    def __init__(self, *, stimuli: str = "train", delays: Iterable[int] = DEFAULT_DELAYS, **kwargs: Any):
        if not isinstance(stimuli, str) or stimuli not in self.STIMULI:
            raise ValueError(f"stimuli must be one of {list(self.STIMULI)}, got {stimuli!r}")
        self.stimuli = stimuli
        super().__init__(colors=CD_COLORS[stimuli], delays=check_delays(delays), **kwargs)
        self._disc_image = disc(self.DISC_PIXELS, BLACK, self.background)
        start = (self.screen_size - self.DISC_PIXELS) // 2
        self._disc_pos = (start / self.screen_size,) * 2
        self._disc_size = (self.DISC_PIXELS / self.screen_size,) * 2

    def _set_size(self) -> int:
        return self.SET_SIZES[int(self.np_random.integers(len(self.SET_SIZES)))]

    def _start_trial(self) -> None:
        self._begin_trial()
        self.screen.after(self.STUDY_FRAMES, self._delay_phase, "study")

    def _delay_phase(self) -> None:
        self._blank()
        self.screen.after(self.truth["delay"], self._show_disc, "delay")

    def _show_disc(self) -> None:
        self.screen.add("disc", self._disc_pos, self._disc_size, image=self._disc_image, on_hover=self._disc_gazed)
        self._target_widget("disc")

    def _disc_gazed(self) -> None:
        self.screen.remove("disc")
        self.oracle_target = None
        self._show_test()
        self.screen.after(self.PRERESPONSE_FRAMES, self._show_buttons, "preresponse")
