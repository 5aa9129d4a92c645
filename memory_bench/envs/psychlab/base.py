"""The shared PsychLab env: embodiment, frame loop, trial skeleton, actions, info.

A task is a subclass of :class:`PsychLabEnv` that sets its screen (size, background),
its episode budget and trial cap, and implements :meth:`PsychLabEnv._start_trial`
(called when the agent has fixated the cross): it draws stimuli and response buttons
with the helpers here and calls :meth:`PsychLabEnv._end_trial` with the reward. The
loop follows DeepMind Lab's PsychLab (spec ``dmlab30_and_memory_suite.md`` 0.2, 0.6):

* 60 frames per second; one env step = 4 frames (the standard action repeat), the
  frames simulated one by one so that hover events and timers shorter than a step
  are not skipped;
* a trial starts by gazing at the hidden zone (half the cross's size) in the middle
  of the red fixation cross (10 % of the screen side) for one frame;
* a hovered response button turns bright green (correct) or bright red (wrong); the
  reward is paid when the gaze leaves the button, which ends the trial; a one-frame
  inter-trial interval follows, then the cross again;
* the episode ends when the frame budget is spent (``truncated``), when the trial
  cap is reached, or, where the task has the rule, after ``max_frames_off_screen``
  consecutive frames without the gaze on the screen (``terminated``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from memory_bench.envs.psychlab.screen import (
    BLACK,
    BRIGHT_GREEN,
    BRIGHT_RED,
    RED,
    WHITE,
    Color,
    Screen,
    fixation_cross,
)
from memory_bench.envs.psychlab.view import Gaze, ScreenViewer

FRAMES_PER_STEP = 4
FRAMES_PER_SECOND = 60
#: The standard look rate of the DMLab-30 action set, pixels per frame (about 2.2
#: degrees per frame, 8.8 per step).
LOOK_RATE = 20.0

#: Discrete actions: the DMLab-30 (IMPALA) set, whose movement and fire actions do
#: nothing here as in the original PsychLab levels, plus looking up and down.
ACTION_NAMES = (
    "forward",
    "backward",
    "strafe_left",
    "strafe_right",
    "look_left",
    "look_right",
    "forward_look_left",
    "forward_look_right",
    "fire",
    "look_up",
    "look_down",
)
#: (right, up) look direction of each discrete action, in units of the look rate.
ACTION_LOOK = np.array(
    [(0, 0), (0, 0), (0, 0), (0, 0), (-1, 0), (1, 0), (-1, 0), (1, 0), (0, 0), (0, 1), (0, -1)], np.float64
)
#: Keys of the GUI player (``python -m memory_bench.gui``): arrows or WASD look.
KEY_MAP = {
    "fire": ["space", "0"],
    "look_left": ["left", "a"],
    "look_right": ["right", "d"],
    "look_up": ["up", "w"],
    "look_down": ["down", "s"],
}

FIXATION_SIZE = 0.1
BUTTON_SIZE = 0.1
#: Response buttons at the middle of each edge (top-left corners).
EDGE_BUTTONS: dict[str, tuple[float, float]] = {
    "up": (0.45, 0.0),
    "down": (0.45, 0.9),
    "left": (0.0, 0.45),
    "right": (0.9, 0.45),
}
NO_VALUE = -1


class PsychLabEnv(gym.Env):
    """Base class of the PsychLab screen tasks (see the module docstring).

    Keyword arguments common to every task:

    * ``resolution`` (64): observation size, an int (square) or ``(height, width)``.
    * ``view`` (``"first_person"``): the agent's perspective view of the screen, or
      ``"screen"``: the screen raster itself scaled to the resolution, with a blue gaze
      cursor (for fast ablations; not the original's observation).
    * ``action_type`` (``"discrete"``): ``Discrete(11)`` (:data:`ACTION_NAMES`) or
      ``"continuous"``: ``Box(-1, 1, (2,))`` = (look right, look up) as a fraction of
      ``look_rate`` pixels per frame.
    * ``look_rate`` (20): pixels per frame of a look action (DMLab-30's standard).
    * ``spawn_yaw_range`` (45): the initial yaw is uniform in +-half of it, in degrees,
      the pitch 0 (the original's "spawn angle range 45"). The spec marks +-22.5 versus
      +-45 as unverified; we read 45 as the full range, +-22.5 degrees, which is what
      DeepMind Lab's engine does with a spawn point's angle range (an offset of
      ``(u - 0.5) * range`` for ``u`` uniform in [0, 1), in ``g_client.c``).
    * ``episode_frames``, ``max_trials``, ``max_frames_off_screen``: override the
      task's values (-1 disables the off-screen rule).
    * ``render_mode``: ``"rgb_array"`` returns the observation image.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["rgb_array"], "render_fps": 15}
    action_names = ACTION_NAMES
    key_map = KEY_MAP
    #: What draws the observation (reported by the benchmark).
    renderer_name = "cpu (numba screen view)"

    # Task constants; subclasses and levels override them.
    screen_size: ClassVar[int] = 512
    background: ClassVar[Color] = WHITE
    default_episode_frames: ClassVar[int] = 18000
    default_max_trials: ClassVar[int] = 60
    default_max_frames_off_screen: ClassVar[int] = -1
    #: Published reference scores (human, random) of the level, where the spec gives
    #: them (its section 3: the DMLab-30 levels only); None otherwise.
    human_score: float | None = None
    random_score: float | None = None

    def __init__(
        self,
        *,
        resolution: int | tuple[int, int] = 64,
        view: str = "first_person",
        action_type: str = "discrete",
        look_rate: float = LOOK_RATE,
        spawn_yaw_range: float = 45.0,
        episode_frames: int | None = None,
        max_trials: int | None = None,
        max_frames_off_screen: int | None = None,
        render_mode: str | None = None,
    ):
        if isinstance(resolution, (int, np.integer)):
            height = width = int(resolution)
        else:
            try:
                height, width = (int(v) for v in resolution)
            except (TypeError, ValueError):
                raise ValueError(f"resolution must be an int or (height, width), got {resolution!r}") from None
        if not (8 <= height <= 2048 and 8 <= width <= 2048):
            raise ValueError(f"resolution must be between 8 and 2048 pixels, got {resolution!r}")
        if action_type not in ("discrete", "continuous"):
            raise ValueError(f"action_type must be 'discrete' or 'continuous', got {action_type!r}")
        if not (np.isfinite(look_rate) and look_rate > 0):
            raise ValueError(f"look_rate must be a positive number of pixels per frame, got {look_rate!r}")
        if not (0 <= spawn_yaw_range <= 360):
            raise ValueError(f"spawn_yaw_range must be in [0, 360] degrees, got {spawn_yaw_range!r}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be None or one of {self.metadata['render_modes']}, got {render_mode!r}")
        self.episode_frames = _positive(episode_frames, self.default_episode_frames, "episode_frames")
        self.max_trials = _positive(max_trials, self.default_max_trials, "max_trials")
        off = self.default_max_frames_off_screen if max_frames_off_screen is None else max_frames_off_screen
        if isinstance(off, (bool, np.bool_)) or not isinstance(off, (int, np.integer)) or (off != -1 and off < 1):
            raise ValueError(f"max_frames_off_screen must be -1 (off) or a positive int, got {max_frames_off_screen!r}")
        off = int(off)
        self.max_frames_off_screen = off
        self.view = view
        self.action_type = action_type
        self.look_rate = float(look_rate)
        self.spawn_yaw_range = float(spawn_yaw_range)
        self.render_mode = render_mode
        self.max_steps = -(-self.episode_frames // FRAMES_PER_STEP)

        self.screen = Screen(self.screen_size, self.background)
        self.viewer = ScreenViewer(self.screen_size, height, width, view)
        self.gaze = Gaze()
        self.observation_space = spaces.Box(0, 255, (height, width, 3), np.uint8)
        if action_type == "discrete":
            self.action_space = spaces.Discrete(len(ACTION_NAMES))
        else:
            self.action_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
        self._obs = np.zeros((height, width, 3), np.uint8)
        self._needs_reset = True
        self._init_state()

    # -- gymnasium API -----------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        if options:
            raise ValueError(f"{type(self).__name__}.reset takes no options, got {sorted(options)}")
        self._init_state()
        half = self.spawn_yaw_range / 2
        self.gaze = Gaze(yaw=float(self.np_random.uniform(-half, half)) if half > 0 else 0.0, pitch=0.0)
        self._reset_task()
        self._begin_fixation()
        self._needs_reset = False
        return self._render(), self._info()

    def step(self, action):
        if self._needs_reset:
            raise RuntimeError("call reset() before step(), and again after the episode has ended")
        right, up = self._look(action)
        self._reward = 0.0
        for _ in range(FRAMES_PER_STEP):
            self.gaze.look(right, up)
            point = self.gaze.point()
            self._gaze_point = point
            self.screen.frame(point)
            self.frames += 1
            if point is None:
                self.frames_off_screen += 1
            else:
                self.frames_off_screen = 0
            if self._terminated:
                break
            if self.max_frames_off_screen > 0 and self.frames_off_screen >= self.max_frames_off_screen:
                self._terminated = True
                self.end_reason = "off_screen"
                break
            if self.frames >= self.episode_frames:
                break
        self.steps += 1
        terminated = self._terminated
        truncated = not terminated and self.frames >= self.episode_frames
        if truncated:
            self.end_reason = "time"
        self._needs_reset = terminated or truncated
        self.episode_return += self._reward
        return self._render(), self._reward, terminated, truncated, self._info()

    def render(self):
        if self.render_mode == "rgb_array":
            return self._obs.copy()
        return None

    # -- internals ---------------------------------------------------------------------

    def _init_state(self) -> None:
        self.frames = 0
        self.steps = 0
        self.frames_off_screen = 0
        self.trials = 0
        self.correct_trials = 0
        self.episode_return = 0.0
        self.end_reason = ""
        self._reward = 0.0
        self._terminated = False
        self._gaze_point: tuple[float, float] | None = None
        self.truth: dict[str, Any] = {}
        self.last_trial: dict[str, Any] = {}
        #: Where the scripted oracle should look now: a screen rectangle (x0, y0, x1, y1)
        #: in normalised coordinates, or None to stay (privileged; see agents).
        self.oracle_target: tuple[float, float, float, float] | None = None

    def _look(self, action) -> tuple[float, float]:
        if self.action_type == "discrete":
            if isinstance(action, np.ndarray) and action.shape == ():
                action = action.item()
            if isinstance(action, (bool, np.bool_)) or not isinstance(action, (int, np.integer)):
                raise ValueError(f"action must be an int in [0, {len(ACTION_NAMES) - 1}], got {action!r}")
            if not 0 <= action < len(ACTION_NAMES):
                raise ValueError(f"action {action} out of range [0, {len(ACTION_NAMES) - 1}] ({', '.join(ACTION_NAMES)})")
            right, up = ACTION_LOOK[int(action)]
        else:
            a = np.asarray(action, dtype=np.float64)
            if a.shape != (2,):
                raise ValueError(f"action must have shape (2,) = (look right, look up), got shape {a.shape}")
            if not np.all(np.isfinite(a)) or np.any(np.abs(a) > 1.0):
                raise ValueError(f"action values must be finite and in [-1, 1], got {a.tolist()}")
            right, up = a
        return float(right) * self.look_rate, float(up) * self.look_rate

    def _render(self) -> np.ndarray:
        self.viewer.render(self.screen.raster, self.screen.version, self.gaze, out=self._obs)
        return self._obs.copy()

    def _info(self) -> dict[str, Any]:
        point = self._gaze_point if self.steps else self.gaze.point()
        info = {
            "trial": self.trials,
            "correct_trials": self.correct_trials,
            "frames_remaining": max(self.episode_frames - self.frames, 0),
            "gaze": np.array(point if point is not None else (np.nan, np.nan), np.float32),
            "on_screen": point is not None,
            "correct_answer": self.truth.get("correct_answer", ""),
            "set_size": int(self.truth.get("set_size", NO_VALUE)),
            "delay": int(self.truth.get("delay", NO_VALUE)),
        }
        for key, value in self.truth.items():
            info.setdefault(key, value)
        if self.end_reason:
            info["end_reason"] = self.end_reason
        return info

    # -- trial skeleton ----------------------------------------------------------------

    def _reset_task(self) -> None:
        """Per-episode task state (curricula, lists); called by reset() before the first trial."""

    def _start_trial(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _begin_fixation(self) -> None:
        """Clears the screen and shows the fixation cross; fixating it starts a trial."""
        self.screen.clear()
        self.truth = {}
        low = 0.5 - FIXATION_SIZE / 2
        pixels = max(int(round(self.screen_size * FIXATION_SIZE)), 5)
        self.screen.add("fixation", (low, low), (FIXATION_SIZE, FIXATION_SIZE), image=fixation_cross(pixels, RED, self.background))
        zone = FIXATION_SIZE / 2
        self.screen.add("fixation_zone", (0.5 - zone / 2, 0.5 - zone / 2), (zone, zone), on_hover=self._fixated)
        self._target_widget("fixation_zone")

    def _fixated(self) -> None:
        self.screen.remove("fixation", "fixation_zone")
        self.oracle_target = None
        self._start_trial()

    def _end_trial(self, reward: float, correct: bool) -> None:
        """Pays ``reward``, counts the trial and, after the inter-trial frame, shows the
        fixation cross again (or ends the episode at the trial cap)."""
        self._reward += float(reward)
        self.trials += 1
        self.correct_trials += int(bool(correct))
        self.last_trial = {**self.truth, "correct": bool(correct), "reward": float(reward)}
        self.screen.clear()
        self.oracle_target = None
        if self.trials >= self.max_trials:
            self._terminated = True
            self.end_reason = "max_trials"
            return
        self.screen.after(1, self._begin_fixation, "iti")

    def _add_buttons(
        self,
        buttons: dict[str, tuple[float, float]],
        correct: str,
        *,
        color: Color = BLACK,
        colors: dict[str, Color] | None = None,
        reveal_all: bool = False,
        size: float = BUTTON_SIZE,
        on_answer: Callable[[str, bool], None] | None = None,
    ) -> None:
        """Response buttons ``{name: top-left}`` of side ``size``; ``correct`` names the
        right one. Hovering colours the hovered button (or, with ``reveal_all``, every
        button) bright green if correct, else bright red; leaving it pays 1 or 0 and ends
        the trial (``on_answer(name, correct)`` is called first, for curricula)."""
        if correct not in buttons:
            raise ValueError(f"correct answer {correct!r} is not one of the buttons {sorted(buttons)}")
        names = list(buttons)

        def hover(name: str) -> Callable[[], None]:
            def on_hover() -> None:
                targets = names if reveal_all else [name]
                for n in targets:
                    want = BRIGHT_GREEN if n == correct else BRIGHT_RED
                    widget = self.screen.widgets.get(f"button_{n}")
                    if widget is not None and widget.color != want:
                        self.screen.set_color(f"button_{n}", want)
                if name == correct:
                    # the oracle has landed: now leave the button to be paid
                    self.oracle_target = _AWAY
            return on_hover

        def leave(name: str) -> Callable[[], None]:
            def on_hover_end() -> None:
                ok = name == correct
                if on_answer is not None:
                    on_answer(name, ok)
                self._end_trial(1.0 if ok else 0.0, ok)
            return on_hover_end

        for name, pos in buttons.items():
            fill = (colors or {}).get(name, color)
            self.screen.add(f"button_{name}", pos, (size, size), color=fill, on_hover=hover(name), on_hover_end=leave(name))
        self.truth["correct_answer"] = correct
        self._target_widget(f"button_{correct}")

    def _target_widget(self, name: str) -> None:
        w = self.screen.widgets[name]
        self.oracle_target = (w.pos[0], w.pos[1], w.pos[0] + w.size[0], w.pos[1] + w.size[1])


#: Oracle target "somewhere else": the middle of the screen, where no button is.
_AWAY = (0.46, 0.46, 0.54, 0.54)


def _positive(value: int | None, default: int, name: str) -> int:
    if value is None:
        return int(default)
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)
