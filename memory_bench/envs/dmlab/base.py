"""The base env of every DMLab-style first-person level.

:class:`DMLabEnv` composes the shared engine: a text map (:mod:`memory_bench.engine.textmap`)
shown by an :class:`~memory_bench.engine.arena.Arena`, the agent moved by Quake III's
rules (:mod:`memory_bench.engine.agents.quake`), images from the renderer of
:func:`memory_bench.engine.render.make_renderer`. A level subclass only generates its
map and pickups (:meth:`DMLabEnv._new_episode`) and says what a pickup does
(:meth:`DMLabEnv._on_pickup`); everything else (actions, frames, observations, map
restarts, the episode's end) is here.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from memory_bench.engine import textmap as tm
from memory_bench.engine.agents import quake
from memory_bench.engine.arena import (
    ITEM_HALF, ITEM_Z, N_POSTERS, UNIT, Arena, ArenaConfig, floor_textures, wall_textures,
)
from memory_bench.engine.render import DEFAULT_RENDERER, RENDERERS, make_renderer
from memory_bench.envs._window import HumanWindow
from memory_bench.envs.dmlab.clock import draw_clock

#: DMLab's raw action: 7 ints (name, low, high), in DMLab's order.
RAW_ACTION_SPEC = (
    ("LOOK_LEFT_RIGHT_PIXELS_PER_FRAME", -512, 512),
    ("LOOK_DOWN_UP_PIXELS_PER_FRAME", -512, 512),
    ("STRAFE_LEFT_RIGHT", -1, 1),
    ("MOVE_BACK_FORWARD", -1, 1),
    ("FIRE", 0, 1),
    ("JUMP", 0, 1),
    ("CROUCH", 0, 1),
)
#: IMPALA's 9 actions for DMLab-30 (deepmind/scalable_agent), as raw actions.
IMPALA_ACTIONS = np.array(
    [
        [0, 0, 0, 1, 0, 0, 0],  # forward
        [0, 0, 0, -1, 0, 0, 0],  # backward
        [0, 0, -1, 0, 0, 0, 0],  # strafe left
        [0, 0, 1, 0, 0, 0, 0],  # strafe right
        [-20, 0, 0, 0, 0, 0, 0],  # look left
        [20, 0, 0, 0, 0, 0, 0],  # look right
        [-20, 0, 0, 1, 0, 0, 0],  # forward + look left
        [20, 0, 0, 1, 0, 0, 0],  # forward + look right
        [0, 0, 0, 0, 1, 0, 0],  # fire
    ],
    dtype=np.int64,
)
ACTION_NAMES = ("forward", "backward", "strafe_left", "strafe_right", "look_left", "look_right",
                "forward_look_left", "forward_look_right", "fire")
ACTION_SETS = ("impala", "raw")
OBSERVATIONS = ("RGB", "RGBD")
DEPTH_RANGE_UNITS = 1000.0  # RGBD: depth 0..255 spans 0..1000 u (10 cells), linear, clipped
EYE_Z = -quake.PLAYER_MINS[2] + quake.VIEW_HEIGHT  # eye above the floor of a standing agent: 50 u
DT = quake.FRAME_TIME  # engine time of a frame
_EMPTY_BOXES = np.zeros((0, 6))


class DMLabEnv(gym.Env):
    """A DMLab-style level (subclasses say which). See the level classes for the task;
    what every level shares:

    ## Action Space
    ``Discrete(9)`` by default, IMPALA's DMLab-30 set: forward, backward, strafe left,
    strafe right, look left, look right (20 "pixels" a frame), forward + look left,
    forward + look right, fire. ``action_set="raw"`` gives DMLab's own 7-int action as an
    int ``Box``: look left/right and down/up in [-512, 512] pixels a frame, strafe and
    move in {-1, 0, 1}, fire, jump and crouch in {0, 1}. An action is repeated for
    ``action_repeat`` frames of 1/60 s (4 by default, IMPALA's setting); as in DMLab a
    frame advances the engine's clock by 16 ms, so the agent moves at most
    320 u/s x 0.96 = 307.2 u per second of frames, and a look "pixel" turns the view
    0.1056 degrees a frame.

    ## Observation Space
    ``Box(0, 255, (height, width, 3), uint8)``, the first-person view, 72 x 96 by default
    (IMPALA's size; DMLab's own default is 240 x 320), 90 degrees of horizontal field of
    view. ``observation="RGBD"`` adds a fourth channel, depth along the view axis, 0 at
    the eye to 255 at 1000 u or beyond (linear). The countdown clock of DMLab's
    time-out decorator is drawn in the top-right corner unless ``show_clock=False``.

    ``info`` carries what probes need: ``position`` (x, y, z of the agent's origin, u),
    ``yaw`` and ``pitch`` (degrees), ``velocity`` (u/s), ``cell`` (row, col of the text
    map, on levels that have one), ``frames_remaining`` (at 60 frames/s) and ``map_restarts``; levels add theirs.

    ## Episode End
    Truncated when the episode's frames run out (``episode_seconds * 60``; a step is
    ``action_repeat`` frames); a level's map restart does not end the episode. Levels
    that end early (the rooms levels, 0.2 s after their last pickup) terminate.

    ## Arguments
    ``action_set``, ``action_repeat``, ``height``, ``width``, ``observation``,
    ``show_clock``, ``renderer`` (``"cpu"`` or ``"mujoco"``), ``render_mode``
    (``"rgb_array"`` or ``"human"``).
    """

    metadata = {"render_modes": ["rgb_array", "human"], "render_fps": 15}
    #: Map size (rows, cols) of the arena, episode length and pickup slots: set by levels.
    map_shape: tuple[int, int] = (11, 11)
    episode_seconds: float = 90.0
    n_items: int = 1
    #: Boxes of a fixed-geometry map (:class:`~memory_bench.engine.arena.Static`), if any.
    statics: tuple = ()
    #: Geoms per pickup slot, and flat floor colours the level lays (see ArenaConfig).
    item_parts: int = 3
    floor_colors: tuple = ()
    key_map = {
        "forward": ["up", "w"], "backward": ["down", "s"], "strafe_left": ["a"], "strafe_right": ["d"],
        "look_left": ["left"], "look_right": ["right"], "forward_look_left": ["up+left", "w+left"],
        "forward_look_right": ["up+right", "w+right"], "fire": ["space", "f"],
    }
    #: The action the GUI plays when no key is held: fire, which does nothing in these levels.
    idle_action = "fire"
    #: False where the level script zeroes jump and crouch (DMLab's ``modifyControl``).
    allow_jump_crouch = True

    def __init__(
        self,
        *,
        action_set: str = "impala",
        action_repeat: int = 4,
        height: int = 72,
        width: int = 96,
        observation: str = "RGB",
        show_clock: bool = True,
        renderer: str = DEFAULT_RENDERER,
        render_mode: str | None = None,
    ):
        if action_set not in ACTION_SETS:
            raise ValueError(f"unknown action_set {action_set!r}; choose one of {ACTION_SETS}")
        if not isinstance(action_repeat, (int, np.integer)) or action_repeat < 1:
            raise ValueError(f"action_repeat={action_repeat!r} must be a positive int (DMLab-30 training uses 4)")
        for name, v in (("height", height), ("width", width)):
            if not isinstance(v, (int, np.integer)) or not 8 <= v <= 1024:
                raise ValueError(f"{name}={v!r} must be an int in [8, 1024] (IMPALA uses 72 x 96, DMLab 240 x 320)")
        if observation not in OBSERVATIONS:
            raise ValueError(f"unknown observation {observation!r}; choose one of {OBSERVATIONS}")
        if renderer not in RENDERERS:
            raise ValueError(f"unknown renderer {renderer!r}; choose one of {', '.join(map(repr, RENDERERS))}")
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"unknown render_mode {render_mode!r}; choose one of {self.metadata['render_modes']} or None")
        self.action_set = action_set
        self.action_repeat = int(action_repeat)
        self.observation = observation
        self.show_clock = bool(show_clock)
        self.render_mode = render_mode
        self.metadata = dict(self.metadata, render_fps=max(1, int(round(quake.FRAME_RATE / self.action_repeat))))
        self.episode_frames = int(round(self.episode_seconds * quake.FRAME_RATE))
        self.max_steps = -(-self.episode_frames // self.action_repeat)
        self.arena = Arena(ArenaConfig(self.map_shape[0], self.map_shape[1], self.n_items, height, width,
                                       statics=tuple(self.statics), parts=self.item_parts,
                                       floor_colors=tuple(self.floor_colors), **self._arena_config_extra()))
        self.renderer_name = renderer
        self._renderer = make_renderer(renderer, self.arena.model, height, width)
        self._rgb = np.zeros((height, width, 3), dtype=np.uint8)
        channels = 4 if observation == "RGBD" else 3
        self.observation_space = spaces.Box(0, 255, (height, width, channels), np.uint8)
        if action_set == "impala":
            self.action_space = spaces.Discrete(len(IMPALA_ACTIONS))
            self.action_names = ACTION_NAMES
        else:
            self.action_space = spaces.Box(
                np.array([lo for _, lo, _ in RAW_ACTION_SPEC]), np.array([hi for _, _, hi in RAW_ACTION_SPEC]), dtype=np.int64
            )
            self.action_names = tuple(name for name, _, _ in RAW_ACTION_SPEC)
            self.key_map = None
        self._cmd_table = np.array([self._usercmd(a) for a in IMPALA_ACTIONS])
        self._state, self._flags = quake.new_state()
        self._items = np.zeros((self.n_items, 4))
        self._items[:, 2] = ITEM_Z
        self._items[:, 3] = ITEM_HALF
        self._active = np.zeros(self.n_items, dtype=bool)
        self._touched = np.zeros(self.n_items, dtype=bool)
        self._solid = np.zeros(self.map_shape, dtype=bool)
        self._boxes = _EMPTY_BOXES
        self._wall_top = np.full(self.map_shape, float(self.arena.cfg.wall_height))  # u, per cell
        self._hz, self._hg = quake.NO_TERRAIN, quake.NO_TERRAIN_GRID  # terrain heights (u) and their grid
        self._needs_reset = True
        self._window = HumanWindow(f"memory_bench: {type(self).__name__}", target=480)
        self.map: tm.TextMap | None = None

    # ------------------------------------------------------------------ level hooks
    def _new_episode(self, rng: np.random.Generator) -> None:
        """Generates the episode's map and pickups, commits them (``Arena.commit_items``)
        and spawns the agent (levels override)."""
        raise NotImplementedError

    def _on_pickup(self, slot: int) -> float:
        """The reward of collecting pickup ``slot``; may call :meth:`_restart_map`."""
        raise NotImplementedError

    def _level_info(self) -> dict[str, Any]:
        return {}

    def _arena_config_extra(self) -> dict[str, Any]:
        """More :class:`~memory_bench.engine.arena.ArenaConfig` fields of the level (a terrain)."""
        return {}

    # ------------------------------------------------------------------ helpers for levels
    def _show_map(self, text_map: tm.TextMap, rng: np.random.Generator, closed_doors: np.ndarray | None = None,
                  floor_color: np.ndarray | None = None) -> None:
        """Shows ``text_map`` with a fresh theme: one wall and one floor texture per
        variation region, and posters on 10 % of the walls that face a floor cell;
        ``floor_color`` lays the level's flat floor colours (see ``Arena.apply_map``)."""
        self.map = text_map
        h, w = text_map.shape
        if (h, w) != tuple(self.map_shape):
            raise ValueError(f"a {h}x{w} map for a level of {self.map_shape}")
        regions = text_map.rooms.max() + 1
        wall_of = rng.integers(len(wall_textures()), size=regions)
        floor_of = rng.integers(len(floor_textures()), size=regions)
        region = text_map.rooms
        doors = np.zeros((h, w), dtype=bool) if closed_doors is None else closed_doors
        walls = text_map.walls
        open_cell = ~walls
        faces_floor = np.zeros((h, w), dtype=bool)
        faces_floor[1:] |= open_cell[:-1]
        faces_floor[:-1] |= open_cell[1:]
        faces_floor[:, 1:] |= open_cell[:, :-1]
        faces_floor[:, :-1] |= open_cell[:, 1:]
        decal = walls & faces_floor & (rng.random((h, w)) < 0.1)
        posters = np.where(decal, rng.integers(N_POSTERS, size=(h, w)), -1)
        # a wall cell takes the texture of the region it borders (region 0 for corridors)
        self.arena.apply_map(walls, doors, wall_of[region], floor_of[region], posters, floor_color=floor_color)
        self._solid = walls | doors

    def _set_doors(self, closed: np.ndarray) -> None:
        self.arena.set_doors(self.map.walls, closed)
        self._solid = self.map.walls | closed

    def _spawn(self, cell, yaw_deg: float) -> None:
        x, y = tm.cell_centre(np.asarray(cell), self.map.shape[0])
        self._spawn_at(float(x), float(y), yaw_deg)

    def _spawn_at(self, x: float, y: float, yaw_deg: float, z: float = 0.0) -> None:
        """Puts the agent at rest on the floor (``z`` u high) at DMLab point (x, y)
        facing ``yaw_deg``."""
        quake.spawn(self._state, self._flags, float(x), float(y), yaw_deg, float(z))

    def _place_item(self, slot: int, shape: str | None, cell=None, colors=None) -> None:
        """Shows ``shape`` (None: an empty slot) at the centre of text-map ``cell``."""
        if shape is None:
            self._place_item_at(slot, None)
            return
        x, y = tm.cell_centre(np.asarray(cell), self.map.shape[0])
        self._place_item_at(slot, shape, (float(x), float(y)), colors)

    def _place_item_at(self, slot: int, shape: str | None, xy=(0.0, 0.0), colors=None,
                       half: float = ITEM_HALF, z: float = 0.0) -> None:
        """Shows ``shape`` standing at DMLab point ``xy`` (on a floor ``z`` u high) as a
        pickup whose trigger box reaches ``half`` u either side of its origin (None: the
        slot is emptied)."""
        self.arena.set_item(slot, shape, xy, colors, z_units=z)
        self._active[slot] = shape is not None
        if shape is not None:
            self._items[slot, :2] = xy
            self._items[slot, 2] = z + ITEM_Z
            self._items[slot, 3] = half

    def _place_trigger(self, slot: int, xy, half: float) -> None:
        """An invisible trigger in pickup slot ``slot``: a square ``2 * half`` u wide at
        DMLab point ``xy`` that calls :meth:`_on_pickup` when the agent's box enters it
        (DMLab's trigger brushes: teleport pads, platform buttons; also boxes drawn as
        statics)."""
        self.arena.set_item(slot, None)
        self._items[slot, :2] = xy
        self._items[slot, 3] = half
        self._active[slot] = True

    def _finish_after(self, seconds: float) -> None:
        """Ends the episode (terminated) ``seconds`` of frames from now, as DMLab's level
        scripts do with ``hasEpisodeFinished`` after their last event (0.2 s)."""
        end = self.frames + int(round(seconds * quake.FRAME_RATE))
        self._end_frame = end if self._end_frame is None else min(self._end_frame, end)

    def _collect(self, slot: int) -> None:
        """Removes a collected pickup for the rest of this map instance."""
        self._active[slot] = False
        self.arena.hide_item(slot)

    def _restart_map(self) -> None:
        """DMLab's map restart (the level is re-entered, the episode goes on): levels
        override :meth:`_on_restart` to respawn and re-place."""
        self.map_restarts += 1
        self._on_restart(self.np_random)

    def _on_restart(self, rng: np.random.Generator) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        super().reset(seed=seed)
        if options:
            raise ValueError(f"{type(self).__name__}.reset takes no options; got {sorted(options)}")
        self.frames = 0
        self._end_frame = None
        self.steps = 0
        self.map_restarts = 0
        self.episode_return = 0.0
        self._active[:] = False
        self._new_episode(self.np_random)  # levels commit their pickups (Arena.commit_items)
        self._needs_reset = False
        obs = self._observe()
        if self.render_mode == "human":
            self._show()
        return obs, self._info()

    def step(self, action):
        reward, terminated, truncated = self._advance(action)
        obs = self._observe()
        if self.render_mode == "human":
            self._show()
        return obs, reward, terminated, truncated, self._info()

    def _usercmd(self, raw) -> np.ndarray:
        """A raw DMLab action as the usercmd of :func:`quake.run_frames`: (forward,
        right, up, yaw turn, pitch turn)."""
        look_lr, look_du, strafe, move, _fire, jump, crouch = (int(v) for v in raw)
        up = quake.MOVE_SCALE * (jump - crouch) if self.allow_jump_crouch else 0.0  # both held cancel, as in DMLab
        return np.array([
            quake.MOVE_SCALE * move, quake.MOVE_SCALE * strafe, up,
            -look_lr * quake.LOOK_DEGREES_PER_PIXEL, look_du * quake.LOOK_DEGREES_PER_PIXEL,
        ])

    def _command(self, action) -> np.ndarray:
        if self.action_set == "impala":
            if type(action) is int and 0 <= action < len(IMPALA_ACTIONS):
                return self._cmd_table[action]
            if self.action_space.contains(action):
                return self._cmd_table[int(action)]
            raise ValueError(
                f"invalid action {action!r}; expected an int in [0, {len(IMPALA_ACTIONS) - 1}]: {', '.join(ACTION_NAMES)}"
            )
        a = np.asarray(action)
        if a.shape != (7,) or not np.issubdtype(a.dtype, np.integer) or not self.action_space.contains(a.astype(np.int64)):
            allowed = ", ".join(f"{n} in [{lo}, {hi}]" for n, lo, hi in RAW_ACTION_SPEC)
            raise ValueError(f"invalid raw action {action!r}; expected 7 ints: {allowed}")
        return self._usercmd(a)

    def _advance(self, action) -> tuple[float, bool, bool]:
        """Movement, pickups and map restarts of one step (no image): (reward,
        terminated, truncated)."""
        if self._needs_reset:
            raise RuntimeError("call reset() before step(), and again after an episode ends")
        reward = self._play_frames(action, min(self.action_repeat, self.episode_frames - self.frames))
        self.steps += 1
        self.episode_return += reward
        terminated = self._end_frame is not None and self.frames >= self._end_frame
        truncated = not terminated and self.frames >= self.episode_frames
        self._needs_reset = terminated or truncated
        return reward, terminated, truncated

    def _play_frames(self, action, left: int) -> float:
        """Plays ``left`` frames of ``action`` (fewer when the level ends early): the
        agent's movement, pickups and timed events; returns the reward (levels with other
        players override it)."""
        cmd = self._command(action)
        reward = 0.0
        touched = self._touched
        while left > 0:
            if self._end_frame is not None:
                left = min(left, self._end_frame - self.frames)
                if left <= 0:
                    break
            touched[:] = False
            n = quake.run_frames(self._state, self._flags, cmd, left, self._solid, tm.CELL_UNITS, self._wall_top,
                                 self._boxes, self._hz, self._hg, self._items, self._active, touched, DT)
            left -= n
            self.frames += n
            for slot in np.flatnonzero(touched):
                if self._active[slot]:
                    reward += self._on_pickup(int(slot))
            reward += self._after_frames()
        return reward

    def _after_frames(self) -> float:
        """Called after each run of frames (levels with timed events override): reward."""
        return 0.0

    def _observe(self) -> np.ndarray:
        st = self._state
        eye = quake.CROUCH_VIEW_HEIGHT if self._flags[quake.DUCKED] else quake.VIEW_HEIGHT
        yaw, pitch = quake.view_angles(st)
        self.arena.set_view(st[quake.X], st[quake.Y], st[quake.Z] + eye, yaw, pitch)
        rgb = self._renderer.render(self.arena.data, self.arena.camera, self._rgb)
        if self.show_clock:
            draw_clock(rgb, self.episode_frames - self.frames)
        if self.observation == "RGB":
            return rgb.copy()
        depth = getattr(self._renderer, "depth", None)
        if depth is None:
            raise NotImplementedError("observation='RGBD' needs the cpu renderer")
        d = np.minimum(depth / (DEPTH_RANGE_UNITS * UNIT), 1.0) * 255.0
        return np.concatenate([rgb, np.rint(d).astype(np.uint8)[..., None]], axis=-1)

    def _info(self) -> dict[str, Any]:
        st = self._state
        return {
            "position": st[quake.X: quake.Z + 1].copy(),
            "yaw": float(st[quake.YAW]),  # the client's view angles (degrees)
            "pitch": float(st[quake.PITCH]),
            "velocity": st[quake.VX: quake.VZ + 1].copy(),
            **({"cell": tm.world_cell(st[quake.X: quake.Y + 1], self.map.shape[0])} if self.map is not None else {}),
            "frames_remaining": int(self.episode_frames - self.frames),
            "map_restarts": int(self.map_restarts),
            **self._level_info(),
        }

    def render(self):
        if self.render_mode == "rgb_array":
            return self._rgb.copy()
        if self.render_mode == "human":
            self._show()
        return None

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        self._window.close()

    def _show(self) -> None:
        self._window.show(self._rgb)
