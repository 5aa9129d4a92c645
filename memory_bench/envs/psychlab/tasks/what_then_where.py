"""What then where: remember a digit, see where it is, then look at that side.

Spec ``dmlab30_and_memory_suite.md`` 2.12 (Memory Task Suite ``what_then_where``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from memory_bench.envs.psychlab.base import EDGE_BUTTONS, PsychLabEnv
from memory_bench.envs.psychlab.screen import BLACK, WHITE, disc

SCREEN_PIXELS = 256
#: Digit categories used (the level files' ``CATEGORIES = {0, 1, 2, 3, 4}``).
DIGITS = (0, 1, 2, 3, 4)
STIMULI = ("train", "holdout")
DEFAULT_DELAYS = (4, 8, 32, 128)
#: Frames the "what" digit and the "where" array are shown.
STUDY_FRAMES = 25
SIDES = tuple(EDGE_BUTTONS)  # up, down, left, right

# Geometry in screen pixels (exact fractions of the 256-pixel screen).
#: The "what" digit: 25 % of the screen, centred.
WHAT_PIXELS = SCREEN_PIXELS // 4
WHAT_POS = (SCREEN_PIXELS - WHAT_PIXELS) // 2
#: The "where" array: 95 % of the screen (243 pixels), centred; each digit 25 % of
#: it (60 pixels), at the middle of the array's top, bottom, left and right edges.
ARRAY_PIXELS = int(0.95 * SCREEN_PIXELS)
ARRAY_POS = (SCREEN_PIXELS - ARRAY_PIXELS) // 2
ITEM_PIXELS = int(0.25 * ARRAY_PIXELS)
_MID = ARRAY_POS + (ARRAY_PIXELS - ITEM_PIXELS) // 2
_FAR = ARRAY_POS + ARRAY_PIXELS - ITEM_PIXELS
#: Top-left pixel of the "where" digit on each side.
WHERE_POS: dict[str, tuple[int, int]] = {
    "up": (_MID, ARRAY_POS),
    "down": (_MID, _FAR),
    "left": (ARRAY_POS, _MID),
    "right": (_FAR, _MID),
}
#: The white disc to gaze at before the response: 21 pixels, centred (top-left pixel 117).
DISC_PIXELS = 21
DISC_POS = (SCREEN_PIXELS - DISC_PIXELS) // 2


@lru_cache(maxsize=64)
def digit_picture(digit: int, split: str, pixels: int) -> np.ndarray:
    """The digit exemplar of a split as an RGB picture of ``pixels`` square (bilinear,
    pixel centres aligned), read-only."""
    from memory_bench.envs.psychlab.stimuli import digit_image

    grey = digit_image(int(digit), split).astype(np.float64)
    img = _resize_bilinear(grey, pixels, pixels)
    rgb = np.repeat(np.clip(np.rint(img), 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)
    rgb.flags.writeable = False
    return rgb


def _resize_bilinear(img: np.ndarray, height: int, width: int) -> np.ndarray:
    h, w = img.shape

    def axis(n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        x = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        i0 = np.floor(x).astype(np.int64)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, x - i0

    r0, r1, fy = axis(height, h)
    c0, c1, fx = axis(width, w)
    top = img[r0][:, c0] * (1 - fx) + img[r0][:, c1] * fx
    bottom = img[r1][:, c0] * (1 - fx) + img[r1][:, c1] * fx
    return top * (1 - fy[:, None]) + bottom * fy[:, None]


def _norm(pixels: float) -> float:
    return pixels / SCREEN_PIXELS


class WhatThenWhere(PsychLabEnv):
    """PsychLab what then where (binding object identity to location over two delays).

    ## Description
    The agent faces a 256-pixel BLACK screen and looks at the red fixation cross to
    start a trial. A trial then runs:

    1. "what": one digit (an MNIST-like 28x28 grey exemplar from
       :func:`memory_bench.envs.psychlab.stimuli.digit_image`, grey to RGB, scaled
       bilinearly to 64 pixels = 25 % of the screen) in the centre, for 25 frames;
    2. delay 1: a blank screen for ``delay`` frames;
    3. "where": an array filling 95 % of the screen (243 pixels, centred) with four
       digits, each 25 % of the array (60 pixels), at the middle of its top, bottom,
       left and right edges: the cued digit on a uniformly drawn side and, on the
       other three, three other digit categories, distinct, drawn without
       replacement from the remaining four; for 25 frames;
    4. delay 2: a blank screen for ``delay2`` frames;
    5. a white 21-pixel disc at the centre (top-left pixel (117, 117)); the trial
       waits until the gaze lands on it;
    6. four white response squares (10 % of the screen) at the edge midpoints
       (``up``, ``down``, ``left``, ``right``). Looking at one colours it bright
       green (the side where the cued digit was) or bright red; looking away pays
       the reward and ends the trial.

    Digits 0-4 only; the cued digit is uniform over them. Both delays are drawn
    independently and uniformly per trial from ``delays``. Every draw of a trial is
    made when it starts.

    Our choices where the spec is silent: one fixed exemplar per digit and split (the
    package's synthetic digits stand in for the level files' fixed MNIST images; the
    held-out exemplars are a different handwriting style); pixel geometry snapped to
    whole pixels of the 256 screen (digit positions from DeepMind Lab's factory: the
    array is ``int(0.95 * 256)`` = 243 pixels, items ``int(0.25 * 243)`` = 60); the
    disc's hover zone is its 21-pixel square. Phase durations are counted in frames
    from the frame in which the cross is fixated: the digit is on the screen at the
    end of exactly 25 frames, each delay lasts exactly its number of frames (a
    per-frame ticker against the frame counter, so that the timing does not depend
    on whether a screen timer armed in a hover callback counts that frame). The
    digit widgets are ``what`` and ``where_<side>``; the trial's digits are in
    :attr:`cue_digit` and :attr:`where_digits` (side -> digit), the current phase in
    :attr:`phase` and ``info["phase"]``.

    ## Action Space
    ``Discrete(11)`` look actions (or ``Box(-1, 1, (2,))``), see :class:`PsychLabEnv`.

    ## Observation Space
    ``Box(0, 255, (64, 64, 3), uint8)``, the first-person view of the screen.

    ## Rewards
    +1 for a correct answer, 0 otherwise, paid when the gaze leaves the button.

    ## Starting State
    The view faces the screen with a yaw uniform in +-22.5 degrees (``spawn_yaw_range``)
    and pitch 0; the red fixation cross is shown on the black screen.

    ## Episode End
    36000 frames (600 s, 9000 steps: ``truncated``), 50 trials, or 300 consecutive
    frames with the gaze off the screen (both ``terminated``).

    ## Arguments
    ``stimuli``: ``"train"`` or ``"holdout"`` digit exemplars; ``delays``: the delay
    set in frames, a non-empty sequence of positive ints (default ``(4, 8, 32,
    128)``, the training level; holdout_interpolate uses ``(16, 64)``, and
    holdout_extrapolate ``(256, 512)``, our choice: DeepMind Lab has no such level
    file and the spec leaves it unverified, 2.12); plus those of :class:`PsychLabEnv`.

    ``info``: ``correct_answer`` (the side of the cued digit: ``"up"``, ``"down"``,
    ``"left"`` or ``"right"``, set when the trial starts), ``delay`` (delay 1),
    ``delay2``, ``cue_digit``, ``phase`` (``"fixation"``, ``"what"``, ``"delay1"``, ``"where"``,
    ``"delay2"``, ``"disc"``, ``"response"``), and the common keys.

    ## Reference scores
    None: the spec's reference table (section 3) lists the DMLab-30 levels only, and
    its section 2.14 leaves the Memory Task Suite's published scores unverified (not
    to be hard-coded); ``human_score`` and ``random_score`` are None.

    ## Version History
    * v0: initial release.
    """

    screen_size = SCREEN_PIXELS
    background = BLACK
    default_episode_frames = 36000
    default_max_trials = 50
    default_max_frames_off_screen = 300

    def __init__(self, *, stimuli: str = "train", delays: tuple[int, ...] = DEFAULT_DELAYS, **kwargs: Any):
        if stimuli not in STIMULI:
            raise ValueError(f"stimuli must be one of {list(STIMULI)}, got {stimuli!r}")
        self.stimuli = stimuli
        self.delays = _check_delays(delays)
        self.cue_digit = -1
        self.where_digits: dict[str, int] = {}
        self.phase = ""
        self._schedule: list[tuple[int, Callable[[], None]]] = []
        super().__init__(**kwargs)

    def _reset_task(self) -> None:
        self.cue_digit = -1
        self.where_digits = {}
        self.phase = ""
        self._schedule = []

    def _begin_fixation(self) -> None:
        super()._begin_fixation()
        self._schedule = []
        self._set_phase("fixation")

    # -- trial -------------------------------------------------------------------------

    def _start_trial(self) -> None:
        rng = self.np_random
        cue = DIGITS[int(rng.integers(len(DIGITS)))]
        delay1 = self.delays[int(rng.integers(len(self.delays)))]
        delay2 = self.delays[int(rng.integers(len(self.delays)))]
        side = SIDES[int(rng.integers(len(SIDES)))]
        others = [d for d in DIGITS if d != cue]
        others = [others[i] for i in rng.permutation(len(others))[: len(SIDES) - 1]]
        where = {}
        for s in SIDES:
            where[s] = cue if s == side else others.pop(0)
        self.cue_digit = cue
        self.where_digits = where
        self.truth.update(correct_answer=side, delay=delay1, delay2=delay2, cue_digit=cue)
        self._set_phase("what")
        self._add_digit("what", cue, (WHAT_POS, WHAT_POS), WHAT_PIXELS)

        # Frame numbers (1-based, as self.frames will read once this frame is counted)
        # at whose end each phase change happens.
        now = self.frames + 1
        t_what_end = now + STUDY_FRAMES
        t_where = t_what_end + delay1
        t_where_end = t_where + STUDY_FRAMES
        t_disc = t_where_end + delay2
        self._schedule = [
            (t_what_end, self._delay1),
            (t_where, self._show_where),
            (t_where_end, self._delay2),
            (t_disc, self._show_disc),
        ]
        self.screen.after(1, self._tick, "phase")

    def _tick(self) -> None:
        now = self.frames + 1
        while self._schedule and self._schedule[0][0] <= now:
            _, callback = self._schedule.pop(0)
            callback()
        if self._schedule:
            self.screen.after(1, self._tick, "phase")

    def _set_phase(self, phase: str) -> None:
        self.phase = phase
        self.truth["phase"] = phase

    def _add_digit(self, name: str, digit: int, pos: tuple[int, int], pixels: int) -> None:
        image = digit_picture(digit, self.stimuli, pixels)
        self.screen.add(name, (_norm(pos[0]), _norm(pos[1])), (_norm(pixels), _norm(pixels)), image=image)

    def _delay1(self) -> None:
        self.screen.remove("what")
        self._set_phase("delay1")

    def _show_where(self) -> None:
        for s, digit in self.where_digits.items():
            self._add_digit(f"where_{s}", digit, WHERE_POS[s], ITEM_PIXELS)
        self._set_phase("where")

    def _delay2(self) -> None:
        self.screen.remove(*(f"where_{s}" for s in SIDES))
        self._set_phase("delay2")

    def _show_disc(self) -> None:
        self._set_phase("disc")
        pos = (_norm(DISC_POS), _norm(DISC_POS))
        size = (_norm(DISC_PIXELS), _norm(DISC_PIXELS))
        self.screen.add("disc", pos, size, image=disc(DISC_PIXELS, WHITE, BLACK), on_hover=self._disc_gazed)
        self._target_widget("disc")

    def _disc_gazed(self) -> None:
        self.screen.remove("disc")
        self._set_phase("response")
        self._add_buttons(dict(EDGE_BUTTONS), self.truth["correct_answer"], color=WHITE)


def _check_delays(delays: Any) -> tuple[int, ...]:
    if isinstance(delays, (str, bytes)) or not hasattr(delays, "__iter__"):
        raise ValueError(f"delays must be a non-empty sequence of positive ints (frames), got {delays!r}")
    values = list(delays)
    if not values:
        raise ValueError("delays must be a non-empty sequence of positive ints (frames), got an empty sequence")
    for v in values:
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"delays must hold positive ints (frames), got {v!r} in {delays!r}")
    return tuple(int(v) for v in values)
