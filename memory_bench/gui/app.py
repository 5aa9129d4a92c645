"""The pygame player: play an env with the keyboard, record each episode, replay one.

The window holds the first-person view scaled to 512x512 and a side panel (target
colour, score, steps left, time, player, keys). :class:`Player` and
:class:`ReplayViewer` are driven one frame at a time: ``handle_event(event)`` for key
presses (pause, restart, quit, and taps of action keys), ``tick(pressed)`` for one env
step with the keys held, ``draw()``; :meth:`Player.run` is the real loop over pygame's
events and ``pygame.key.get_pressed()``, and takes a ``script`` that stands in for the
keyboard in tests.

Turn-based envs (symbolic Alchemy) play in :class:`TurnPlayer`, which ``Player(env_id)``
returns for them: an env class with an ``interactive()`` method is turn-based. That
method returns the controls (``AlchemyControls``): ``help`` lines, ``noop``,
``reset(obs, info)``, ``observe(obs, info, action, reward)``, ``key(name)`` (the action
to play, or None when the key only changed the selection), ``click(pos)``,
``action_name(action)``, ``describe(prev_obs, obs, action, reward, new_trial)`` and
``draw(surface, obs, info, score, ...)`` (the 512x512 view). The player then waits for
events and plays one env step per decision instead of one per frame. Its recordings
hold the symbolic ``observation`` instead of an ``image``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402
from gymnasium import spaces  # noqa: E402

import memory_bench
from memory_bench.gui.keys import CONTROL_KEYS, action_names_for, key_map_for, keys_in, noop_action, resolve_action
from memory_bench.gui.recording import (
    EpisodeRecorder,
    RecordingError,
    episode_limit,
    load_episode,
    make_env,
    probes_of,
    save_episode,
    split_observation,
)
from memory_bench.registry import ENVS

VIEW = 512
PANEL = 288
WINDOW = (VIEW + PANEL, VIEW)
BG = (24, 26, 31)
FG = (225, 228, 232)
DIM = (140, 146, 156)
ACCENT = (255, 206, 84)

#: A script stands in for the keyboard: called once per frame before the events are
#: read (it may post pygame events), it returns the keys held this frame.
Script = Callable[["_Window"], Iterable[str]]


def _fmt_time(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class _Window:
    """The window, fonts and drawing shared by the player and the replay viewer."""

    title = "memory_bench"

    def __init__(self, fps: float):
        self.fps = float(fps)
        pygame.display.init()
        pygame.font.init()
        self.screen = pygame.display.set_mode(WINDOW)
        pygame.display.set_caption(self.title)
        self.font_big = pygame.font.Font(None, 34)
        self.font = pygame.font.Font(None, 26)
        self.font_small = pygame.font.Font(None, 21)
        self.state = "playing"  # playing | summary | done
        self.paused = False
        self.frames_drawn = 0

    # ------------------------------------------------------------------ drawing helpers
    def _text(self, text: str, pos, font=None, color=FG, max_width: int | None = None) -> int:
        font = font or self.font
        surf = font.render(text, True, color)
        if max_width is not None and surf.get_width() > max_width:
            surf = surf.subsurface((0, 0, max_width, surf.get_height()))
        self.screen.blit(surf, pos)
        return surf.get_height()

    def _draw_view(self, image: np.ndarray) -> None:
        surf = pygame.surfarray.make_surface(np.ascontiguousarray(image.swapaxes(0, 1)))
        self.screen.blit(pygame.transform.scale(surf, (VIEW, VIEW)), (0, 0))

    def _heading_lines(self, text: str, w: int) -> list[tuple[str, Any]]:
        """The heading in the panel font, or wrapped in the small font at ``_``/``-``
        (long ids such as Alchemy's levels), at most 3 lines."""
        if self.font.size(text)[0] <= w:
            return [(text, self.font)]
        lines, line = [], ""
        for part in re.split(r"(?<=[_-])", text):
            if line and self.font_small.size(line + part)[0] > w:
                lines.append(line)
                line = ""
            line += part
        lines.append(line)
        return [(line, self.font_small) for line in lines[:3]]

    def _draw_panel(self, heading: str, sub: str, color, rows: list[tuple[str, str]], status: str, help_lines: list[str],
                    target: bool = True):
        x, w = VIEW + 18, PANEL - 36
        pygame.draw.rect(self.screen, BG, (VIEW, 0, PANEL, VIEW))
        y = 14
        for line, font in self._heading_lines(heading, w):
            y += self._text(line, (x, y), font, ACCENT, w) + 2
        y += self._text(sub, (x, y), self.font_small, DIM, w) + 14
        if target:
            self._text("target", (x, y), self.font_small, DIM)
            y += 18
            rect = pygame.Rect(x, y, w, 44)
            if color is None:
                pygame.draw.rect(self.screen, DIM, rect, 1)
                self._text("n/a", (x + 8, y + 12), self.font_small, DIM)
            else:
                pygame.draw.rect(self.screen, color, rect)
                pygame.draw.rect(self.screen, FG, rect, 2)
            y += 56
        for label, value in rows:
            self._text(label, (x, y), self.font, DIM)
            surf = self.font_big.render(value, True, FG)
            self.screen.blit(surf, (x + w - surf.get_width(), y - 4))
            y += 34
        if status:
            self._text(status, (x, y + 4), self.font, ACCENT, w)
        y = VIEW - 10 - 19 * len(help_lines)
        pygame.draw.line(self.screen, DIM, (x, y - 8), (x + w, y - 8))
        for line in help_lines:
            y += self._text(line, (x, y), self.font_small, DIM, w) + 2

    def _draw_caption(self, text: str) -> None:
        """A text observation (the language levels' ``INSTR``) over the bottom of the
        view, wrapped at word breaks."""
        words, lines, line = text.split(), [], ""
        for word in words:
            if line and self.font.size(f"{line} {word}")[0] > VIEW - 24:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        height = 12 + 26 * len(lines)
        band = pygame.Surface((VIEW, height), pygame.SRCALPHA)
        band.fill((0, 0, 0, 170))
        self.screen.blit(band, (0, VIEW - height))
        for k, ln in enumerate(lines):
            self._text(ln, (12, VIEW - height + 6 + 26 * k), self.font, FG, VIEW - 24)

    def _draw_summary(self, lines: list[tuple[str, Any]]) -> None:
        overlay = pygame.Surface((VIEW, VIEW), pygame.SRCALPHA)
        overlay.fill((0, 0, 0, 190))
        self.screen.blit(overlay, (0, 0))
        y = 120
        for text, style in lines:
            font = {"big": self.font_big, "small": self.font_small}.get(style, self.font)
            color = ACCENT if style == "big" else (DIM if style == "small" else FG)
            surf = font.render(text, True, color)
            if surf.get_width() > VIEW - 20:
                surf = surf.subsurface((0, 0, VIEW - 20, surf.get_height()))
            self.screen.blit(surf, ((VIEW - surf.get_width()) // 2, y))
            y += surf.get_height() + (18 if style == "big" else 10)

    # ------------------------------------------------------------------ loop
    def handle_event(self, event) -> None:
        raise NotImplementedError

    def tick(self, pressed=None) -> Any:
        raise NotImplementedError

    def draw(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pygame.display.quit()

    def run(self, script: Script | None = None) -> None:
        """The loop: events, keys held, one tick and one frame drawn, at ``fps`` while
        playing (30 Hz on the summary screen); ``fps`` 0 runs unthrottled."""
        clock = pygame.time.Clock()
        try:
            while self.state != "done":
                held = set(script(self)) if script is not None else None
                for event in pygame.event.get():
                    self.handle_event(event)
                    if self.state == "done":
                        break
                if self.state == "done":
                    break
                self.tick(held if script is not None else pygame.key.get_pressed())
                if self.state != "done":
                    self.draw()
                clock.tick(self.fps if self.state == "playing" and not self.paused else (30 if self.fps else 0))
        finally:
            self.close()


def normalize_env_id(env_id: str) -> str:
    """An env id without the ``memory_bench:`` prefix of ``gymnasium.make``."""
    return str(env_id).removeprefix("memory_bench:")


def is_turn_based(env_id: str) -> bool:
    """True when the id's env class declares ``interactive()`` (turn-based controls:
    symbolic Alchemy); found from the registry's entry point, without making the env."""
    from gymnasium.envs.registration import load_env_creator

    entry = ENVS.get(normalize_env_id(env_id))
    if entry is None or not isinstance(entry.entry_point, str):
        return False
    return callable(getattr(load_env_creator(entry.entry_point), "interactive", None))


class Player(_Window):
    """Plays an env with the keyboard and records every episode to ``out``.

    ``seed``: the first episode's seed, the next ones count up from it (random seeds
    when None). ``episodes``: complete episodes to play before quitting (None: until
    Esc). ``res``: the env's ``camera_resolution`` (None: the id's own, 64 for the
    agent's view). ``max_steps``: shorter episodes (gymnasium's ``max_episode_steps``).
    ``env_kwargs``: more keyword arguments of ``gymnasium.make`` (stored in the
    recordings as ``make_kwargs``).

    ``Player(env_id)`` of a turn-based env (see :func:`is_turn_based`) is a
    :class:`TurnPlayer`.
    """

    def __new__(cls, env_id: str = "MemoryMaze-9x9-v0", *args, **kwargs):
        if cls is Player and is_turn_based(env_id):
            cls = TurnPlayer
        return super().__new__(cls)

    def __init__(
        self,
        env_id: str = "MemoryMaze-9x9-v0",
        *,
        res: int | None = None,
        fps: float | None = None,
        seed: int | None = None,
        player: str = "anonymous",
        out: str | os.PathLike = "recordings",
        episodes: int | None = None,
        max_steps: int | None = None,
        env_kwargs: dict[str, Any] | None = None,
    ):
        env_id = normalize_env_id(env_id)
        if env_id not in ENVS:
            raise ValueError(f"unknown env id {env_id!r}; list them with: python -m memory_bench --list-only")
        self.env_id = env_id
        self.make_kwargs = dict(env_kwargs or {})
        if res is not None:
            self.make_kwargs["camera_resolution"] = int(res)
        self.max_steps = max_steps
        self.env = make_env(env_id, self.make_kwargs, max_steps)
        gui_kwargs = getattr(self.env.unwrapped, "gui_kwargs", None)
        if not isinstance(self.env.action_space, spaces.Discrete) and gui_kwargs:
            # an env with continuous actions names the discrete set a person plays with
            self.env.close()
            self.make_kwargs = {**gui_kwargs, **self.make_kwargs}
            self.env = make_env(env_id, self.make_kwargs, max_steps)
        if not isinstance(self.env.action_space, spaces.Discrete):
            raise ValueError(f"{env_id} has a {self.env.action_space} action space; the GUI plays Discrete ones")
        self.n_actions = int(self.env.action_space.n)
        self._setup_actions()
        self.limit = episode_limit(self.env)
        self.player = player
        self.out = Path(out)
        self.episodes = episodes
        self._next_seed = seed
        self.title = f"memory_bench: {env_id}"
        super().__init__(self.env.metadata.get("render_fps", 4) if fps is None else fps)
        self._setup_keys()
        self.episode = 0  # episodes started
        self.completed = 0  # episodes played to their end
        self.saved: list[Path] = []
        self.summary: dict[str, Any] = {}
        self.last_action: int | None = None
        self.start_episode()

    def _setup_actions(self) -> None:
        """Action names, key map and noop action (before the window opens)."""
        self.action_names = action_names_for(self.env)
        self.key_map = key_map_for(self.env)
        # an env without a noop action names the one to play when no key is held
        idle = getattr(self.env.unwrapped, "idle_action", None)
        self.noop = self.action_names.index(idle) if idle in self.action_names else noop_action(self.action_names)

    def _setup_keys(self) -> None:
        """Key codes and help lines (after pygame is initialised)."""
        self._codes = {name: pygame.key.key_code(name) for name in keys_in(self.key_map)}
        self._help = [
            "arrows / WASD: move, turn",
            f"Space / 0: {self.action_names[self.noop]}",
            "P pause   R restart   Esc quit",
        ]

    # ------------------------------------------------------------------ episodes
    def _new_seed(self) -> int:
        if self._next_seed is None:
            return secrets.randbelow(2**31)
        seed, self._next_seed = self._next_seed, self._next_seed + 1
        return seed

    def start_episode(self) -> None:
        self.seed = self._new_seed()
        obs, info = self.env.reset(seed=self.seed)
        self.episode += 1
        self.recorder = EpisodeRecorder(self.n_actions, self.limit)
        self._observe(obs, info)
        self.recorder.add(self.image, self.probes)
        self.score = 0.0
        self.elapsed = 0.0
        self._last = time.perf_counter()
        self._tapped: set[str] = set()
        self.paused = False
        self.state = "playing"

    def _observe(self, obs, info=None) -> None:
        self.image, _ = split_observation(obs)
        self.probes = probes_of(self.env, obs)
        text = obs.get("INSTR") if isinstance(obs, dict) else None
        self.instruction = text if isinstance(text, str) else None

    def _step(self, action: int):
        """One env step, recorded; ends the episode (summary) when it is over."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        self._observe(obs, info)
        self.recorder.add(self.image, self.probes, action, float(reward))
        self.score += float(reward)
        self.last_action = action
        return obs, reward, terminated, truncated, info

    def finish_episode(self, complete: bool) -> Path | None:
        """Saves the episode (if it has a step) and shows the summary when complete."""
        path = None
        if self.recorder.steps:
            meta = {
                "seed": self.seed,
                "env_id": self.env_id,
                "player": self.player,
                "version": memory_bench.__version__,
                "score": self.recorder.score,
                "steps": self.recorder.steps,
                "complete": bool(complete),
                "max_episode_steps": self.max_steps,
                "make_kwargs": self.make_kwargs,
                "fps": self.fps,
                "time_s": round(self.elapsed, 3),
            }
            path = save_episode(self.out, self.recorder.arrays(), meta)
            self.saved.append(path)
        if complete:
            self.completed += 1
            self.summary = {"score": self.recorder.score, "steps": self.recorder.steps, "time": self.elapsed, "path": path}
            self.state = "summary"
        return path

    def quit(self) -> None:
        if self.state == "playing":
            self.finish_episode(complete=False)
        self.state = "done"

    @property
    def last_episode(self) -> bool:
        return self.episodes is not None and self.completed >= self.episodes

    # ------------------------------------------------------------------ input
    def handle_event(self, event) -> None:
        if event.type == pygame.QUIT:
            self.quit()
            return
        if event.type != pygame.KEYDOWN:
            return
        name = pygame.key.name(event.key)
        if name == CONTROL_KEYS["quit"]:
            self.quit()
        elif self.state == "summary":
            if name in CONTROL_KEYS["next"] or name == "space":
                if self.last_episode:
                    self.state = "done"
                else:
                    self.start_episode()
        elif self.state == "playing":
            if name == CONTROL_KEYS["pause"]:
                self.paused = not self.paused
            elif name == CONTROL_KEYS["restart"]:
                self.finish_episode(complete=False)
                self.start_episode()
            elif name in self._codes and not self.paused:
                self._tapped.add(name)  # a tap between two ticks still counts

    def held_keys(self, pressed) -> set[str]:
        """Key names held: from ``pygame.key.get_pressed()``, or names/key codes given."""
        if pressed is None:
            return set()
        if isinstance(pressed, pygame.key.ScancodeWrapper):
            return {name for name, code in self._codes.items() if pressed[code]}
        return {pygame.key.name(k) if isinstance(k, int) else str(k).lower() for k in pressed}

    def tick(self, pressed=None) -> int | None:
        """One env step with the keys held (plus the keys tapped since the last tick);
        returns the action played, or None when paused or not playing."""
        now = time.perf_counter()
        dt, self._last = now - self._last, now
        if self.state != "playing" or self.paused:
            self._tapped.clear()
            return None
        self.elapsed += dt
        held = self.held_keys(pressed) | self._tapped
        self._tapped.clear()
        action = resolve_action(self.key_map, held, self.noop)
        _, _, terminated, truncated, _ = self._step(action)
        if terminated or truncated:
            self.finish_episode(complete=True)
        return action

    # ------------------------------------------------------------------ drawing
    def steps_left(self) -> str:
        return "-" if self.limit is None else str(self.limit - self.recorder.steps)

    def draw(self) -> None:
        self.screen.fill(BG)
        self._draw_view(self.image)
        if getattr(self, "instruction", None):
            self._draw_caption(self.instruction)
        color = self.probes.get("target_color")
        color = None if color is None else tuple(int(round(255 * c)) for c in np.clip(color, 0, 1))
        rows = [
            ("score", f"{self.score:g}"),
            ("steps left", self.steps_left()),
            ("time", _fmt_time(self.elapsed)),
            ("player", self.player[:14]),
        ]
        action = f"action: {self.action_names[self.last_action]}" if self.last_action is not None else ""
        status = "PAUSED (P to resume)" if self.paused else action
        sub = f"episode {self.episode}   seed {self.seed}"
        self._draw_panel(self.env_id, sub, color, rows, status, self._help)
        if self.state == "summary":
            s = self.summary
            nxt = "Enter: quit" if self.last_episode else "Enter: next episode    Esc: quit"
            self._draw_summary([
                (f"Episode {self.episode} over", "big"),
                (f"score {s['score']:g}", ""),
                (f"steps {s['steps']}", ""),
                (f"time {_fmt_time(s['time'])}", ""),
                (f"saved {s['path'].name}" if s["path"] else "not saved", "small"),
                (nxt, ""),
            ])
        pygame.display.flip()
        self.frames_drawn += 1

    def close(self) -> None:
        self.env.close()
        super().close()


class TurnPlayer(Player):
    """Plays a turn-based env (symbolic Alchemy) and records every episode to ``out``.

    The env's ``interactive()`` controls turn key presses and clicks into a selection
    (a stone, then a potion or the cauldron) and an action (Enter); the player waits for
    events and plays one env step per decision, with no frame rate. The view is the
    controls' drawing of the observation. Recordings hold ``observation`` (the symbolic
    observation) instead of ``image``, plus ``trial_number`` and ``steps_this_trial``
    (the env's info) at each frame. Same arguments as :class:`Player` (``res`` is for
    image envs and not accepted here).
    """

    def __init__(self, env_id: str, **kwargs):
        if kwargs.get("res") is not None:
            raise ValueError(f"{env_id} is turn-based with a drawn view: --res does not apply")
        super().__init__(env_id, **kwargs)

    def _setup_actions(self) -> None:
        interactive = getattr(self.env.unwrapped, "interactive", None)
        if interactive is None:
            self.env.close()
            raise ValueError(f"{self.env_id} is not turn-based (its env has no interactive()); play it with Player")
        self.controls = interactive()
        self.action_names = None
        self.key_map = {}
        self.noop = int(self.controls.noop)

    def _setup_keys(self) -> None:
        self._codes = {}
        self._help = [*self.controls.help, "P pause   R restart   Esc quit"]

    def start_episode(self) -> None:
        super().start_episode()
        self.controls.reset(self.obs, self.info)

    def _observe(self, obs, info=None) -> None:
        self.obs, self.info = obs, dict(info or {})
        self.image, self.probes = split_observation(obs)[0], {}
        for key in ("trial_number", "steps_this_trial"):
            if key in self.info:
                self.probes[key] = np.asarray(self.info[key], dtype=np.int64)

    def play(self, action: int) -> int | None:
        """Plays one decision: one env step (recorded); None when not playing."""
        self._clock()
        if self.state != "playing" or self.paused:
            return None
        obs, reward, terminated, truncated, info = self._step(int(action))
        self.controls.observe(obs, info, int(action), float(reward))
        if terminated or truncated:
            self.finish_episode(complete=True)
        return int(action)

    # ------------------------------------------------------------------ input
    def handle_event(self, event) -> None:
        playing = self.state == "playing" and not self.paused
        if event.type == pygame.MOUSEBUTTONDOWN and getattr(event, "button", 1) == 1:
            if playing:
                self.controls.click(event.pos)
            return
        if event.type == pygame.KEYDOWN and playing:
            name = pygame.key.name(event.key)
            if name not in (CONTROL_KEYS["pause"], CONTROL_KEYS["restart"], CONTROL_KEYS["quit"]):
                action = self.controls.key(name)
                if action is not None:
                    self.play(action)
                return
        super().handle_event(event)

    def _clock(self) -> None:
        now = time.perf_counter()
        dt, self._last = now - self._last, now
        if self.state == "playing" and not self.paused:
            self.elapsed += dt

    def tick(self, pressed=None) -> None:
        """Only keeps the time: a turn-based env steps on decisions (:meth:`play`)."""
        self._clock()
        return None

    def run(self, script: Script | None = None) -> None:
        """The loop: waits for events (redrawing twice a second for the clock) and plays
        one step per decision. A ``script`` is called before each round of events (it
        posts them); its return value is not used."""
        try:
            while self.state != "done":
                if script is not None:
                    script(self)
                    events = pygame.event.get()
                else:
                    events = [pygame.event.wait(500)] + pygame.event.get()
                for event in events:
                    self.handle_event(event)
                    if self.state == "done":
                        break
                if self.state != "done":
                    self.tick()
                    self.draw()
        finally:
            self.close()

    # ------------------------------------------------------------------ drawing
    def draw(self) -> None:
        self.screen.fill(BG)
        c = self.controls
        self.controls.draw(self.screen, score=self.score, selection=self.state == "playing")
        trial = int(self.info.get("trial_number", 0)) + 1
        left = c.max_steps_per_trial - int(self.info.get("steps_this_trial", 0))
        rows = [
            ("trial", f"{trial} / {c.num_trials}"),
            ("steps left", str(left)),
            ("score", f"{self.score:g}"),
            ("time", _fmt_time(self.elapsed)),
            ("player", self.player[:14]),
        ]
        action = f"last: {c.action_name(self.last_action)}" if self.last_action is not None else ""
        status = "PAUSED (P to resume)" if self.paused else action
        sub = f"episode {self.episode}   seed {self.seed}"
        self._draw_panel(self.env_id, sub, None, rows, status, self._help, target=False)
        if self.state == "summary":
            s = self.summary
            nxt = "Enter: quit" if self.last_episode else "Enter: next episode    Esc: quit"
            self._draw_summary([
                (f"Episode {self.episode} over", "big"),
                (f"score {s['score']:g}", ""),
                (f"steps {s['steps']}", ""),
                (f"time {_fmt_time(s['time'])}", ""),
                (f"saved {s['path'].name}" if s["path"] else "not saved", "small"),
                (nxt, ""),
            ])
        pygame.display.flip()
        self.frames_drawn += 1


class ReplayViewer(_Window):
    """Shows a recording in the window, frame by frame at ``fps`` (P pause, R from the
    start, Esc quit). A recording without images (turn-based envs) is drawn by its env's
    ``interactive()`` controls from the recorded observations."""

    def __init__(self, path: str | os.PathLike, fps: float | None = None):
        self.path = Path(path)
        self.arrays, self.meta = load_episode(self.path)
        self.title = f"memory_bench replay: {self.path.name}"
        entry = ENVS.get(str(self.meta["env_id"]))
        self.env_rate = float(entry.kwargs.get("control_freq", 4.0)) if entry else 4.0  # env steps per game second
        self.controls = None
        if "image" not in self.arrays:
            self.controls = self._controls_of(entry)
        super().__init__(self.env_rate if fps is None else fps)
        self.t = 0
        self.rewards = np.cumsum(self.arrays["reward"].astype(np.float64))
        self.frames = self.arrays["image"] if "image" in self.arrays else self.arrays["observation"]
        self.T = len(self.frames) - 1

    def _controls_of(self, entry):
        """The ``interactive()`` controls of the recording's env, to draw its observations."""
        if entry is None:
            raise RecordingError(f"{str(self.path)!r}: unknown env id {self.meta['env_id']!r}, cannot draw its observations")
        env = make_env(str(self.meta["env_id"]), self.meta["make_kwargs"], self.meta["max_episode_steps"])
        try:
            interactive = getattr(env.unwrapped, "interactive", None)
            if interactive is None:
                raise RecordingError(f"{str(self.path)!r} has no images and {self.meta['env_id']} no drawn view")
            return interactive()
        finally:
            env.close()

    def _draw_observation(self) -> None:
        a, t, c = self.arrays, self.t, self.controls
        info = None
        if "trial_number" in a and "steps_this_trial" in a:
            info = {"trial_number": int(a["trial_number"][t]), "steps_this_trial": int(a["steps_this_trial"][t])}
        if t == 0:
            message = "start of the episode"
        else:
            new_trial = info is not None and info["trial_number"] != int(a["trial_number"][t - 1])
            action = int(np.argmax(a["action"][t]))
            message = c.describe(self.frames[t - 1], self.frames[t], action, float(a["reward"][t]), new_trial)
        c.draw(self.screen, self.frames[t], info, float(self.rewards[t]), selection=False, message=message)

    def handle_event(self, event) -> None:
        if event.type == pygame.QUIT:
            self.state = "done"
        elif event.type == pygame.KEYDOWN:
            name = pygame.key.name(event.key)
            if name == CONTROL_KEYS["quit"] or (self.state == "summary" and name in CONTROL_KEYS["next"]):
                self.state = "done"
            elif name == CONTROL_KEYS["pause"]:
                self.paused = not self.paused
            elif name == CONTROL_KEYS["restart"]:
                self.t, self.state, self.paused = 0, "playing", False

    def tick(self, pressed=None) -> int | None:
        if self.state != "playing" or self.paused:
            return None
        if self.t >= self.T:
            self.state = "summary"
            return None
        self.t += 1
        return self.t

    def draw(self) -> None:
        a, m, t = self.arrays, self.meta, self.t
        self.screen.fill(BG)
        if self.controls is None:
            self._draw_view(a["image"][t])
        else:
            self._draw_observation()
        color = None
        if "target_color" in a:
            color = tuple(int(round(255 * c)) for c in np.clip(a["target_color"][t], 0, 1))
        rows = [
            ("score", f"{self.rewards[t]:g}"),
            ("steps left", str(self.T - t)),
            ("time", _fmt_time(t / self.env_rate)),
            ("player", str(m["player"])[:14]),
        ]
        status = "PAUSED (P to resume)" if self.paused else f"REPLAY  step {t}/{self.T}"
        sub = f"seed {m['seed']}   {str(m.get('date', ''))[:10]}"
        self._draw_panel(str(m["env_id"]), sub, color, rows, status, ["P pause   R from the start", "Esc quit"],
                         target=self.controls is None)
        if self.state == "summary":
            self._draw_summary([
                ("Replay over", "big"),
                (f"score {float(m['score']):g}", ""),
                (f"steps {int(m['steps'])}", ""),
                (f"player {m['player']}", ""),
                ("R: again    Enter / Esc: quit", ""),
            ])
        pygame.display.flip()
        self.frames_drawn += 1


# ---------------------------------------------------------------------- command line
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m memory_bench.gui",
        description="Play a memory_bench env with the keyboard and record every episode; or replay a recording.",
        epilog="Keys: arrows or WASD move (up/W forward, left/A, right/D; up+left, up+right), Space or 0 noop, "
        "P pause, R restart (new episode), Esc quit. Alchemy (turn-based): 1 2 3 or up/down choose a stone, "
        "left/right a potion, C the cauldron, Enter dips or cashes, Space noop, E ends the trial "
        "(with --env-kwarg end_trial_action=true); the mouse selects too.",
    )
    p.add_argument("--env", default="MemoryMaze-9x9-v0",
                   help="env id, with or without the memory_bench: prefix (default: %(default)s)")
    p.add_argument("--env-kwarg", metavar="KEY=VALUE", action="append", default=[],
                   help="a keyword argument of the env (VALUE read as JSON, else a string), e.g. "
                   "end_trial_action=true for Alchemy; repeatable")
    p.add_argument("--res", type=int, default=None,
                   help="render resolution of the view (camera_resolution): 64 is the agent's view, 256 sharper "
                   "(default: the id's own, 64 for the standard ids)")
    p.add_argument("--fps", type=float, default=None,
                   help="env steps per second (default: the env's render_fps, 4 for the 4 Hz ids; 0: unthrottled)")
    p.add_argument("--seed", type=int, default=None, help="seed of the first episode, then +1 per episode (default: random)")
    p.add_argument("--player", default=os.environ.get("USER", "anonymous"), help="your name, stored in the recordings")
    p.add_argument("--out", default="recordings", help="folder for the recordings (default: %(default)s)")
    p.add_argument("--replay", metavar="FILE", default=None, help="show a recording instead of playing")
    p.add_argument("--episodes", type=int, default=None, help="complete episodes to play, then quit (default: no limit)")
    p.add_argument("--max-steps", type=int, default=None, help="shorter episodes (for tests and practice)")
    return p


def main(argv: list[str] | None = None, script: Script | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.env = normalize_env_id(args.env)
    if args.env not in ENVS:
        parser.error(f"unknown env id {args.env!r}; list them with: python -m memory_bench --list-only")
    env_kwargs = {}
    for item in args.env_kwarg:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            parser.error(f"--env-kwarg wants KEY=VALUE, got {item!r}")
        try:
            env_kwargs[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            env_kwargs[key.strip()] = value
    if args.res is not None and args.replay is None and is_turn_based(args.env):
        parser.error(f"--res is for image envs; {args.env} is turn-based with a drawn view")
    if args.res is not None and not 16 <= args.res <= 1024:
        parser.error(f"--res must be between 16 and 1024 (64 is the agent's view), got {args.res}")
    if args.fps is not None and args.fps < 0:
        parser.error(f"--fps must be >= 0, got {args.fps}")
    for name in ("episodes", "max_steps"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be positive, got {value}")

    if args.replay is not None:
        try:
            viewer = ReplayViewer(args.replay, fps=args.fps)
        except RecordingError as e:
            parser.exit(2, f"{parser.prog}: error: {e}\n")
        viewer.run(script)
        return 0

    try:
        player = Player(
            args.env, res=args.res, fps=args.fps, seed=args.seed, player=args.player,
            out=args.out, episodes=args.episodes, max_steps=args.max_steps, env_kwargs=env_kwargs,
        )
    except TypeError as e:  # a keyword argument the env does not take
        if not env_kwargs:
            raise
        parser.error(f"--env-kwarg: {e}")
    player.run(script)
    if player.saved:
        print(f"{len(player.saved)} episode(s) recorded in {player.out}/ ({player.completed} complete):")
        for path in player.saved:
            print(f"  {path.name}")
        print(f"scores: python -m memory_bench.gui.scores {player.out}")
    else:
        print("no episode recorded (no step played)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
