"""Memory Maze, rebuilt on MuJoCo, labmaze and numpy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from memory_bench.engine import layout as layout_lib
from memory_bench.engine.render import DEFAULT_RENDERER, RENDERERS, make_renderer
from memory_bench.engine.scene import CELL_SIZE, PHYSICS_TIMESTEP, TARGET_COLORS, SceneConfig, wall_texture_names
from memory_bench.engine.world import MazeWorld
from memory_bench.envs import oracle
from memory_bench.envs._window import HumanWindow

#: Discrete actions as ``(roll, steer)`` motor controls: noop, forward, left, right,
#: forward + left, forward + right (the original's action set and order).
ACTIONS = np.array(
    [[0.0, 0.0], [-1.0, 0.0], [0.0, -1.0], [0.0, 1.0], [-1.0, -1.0], [-1.0, 1.0]],
    dtype=np.float64,
)
ACTION_NAMES = ("noop", "forward", "left", "right", "forward_left", "forward_right")


@dataclass(frozen=True)
class MazeSize:
    """The original's parameters of one maze size."""

    n_targets: int
    time_limit: float  # seconds of simulated time per episode
    max_rooms: int = 6
    room_min_size: int = 3
    room_max_size: int = 5


#: The four sizes of the original (9x9 and 15x15 follow DMLab-30's explore_goal_locations small and large).
SIZES: dict[int, MazeSize] = {
    9: MazeSize(n_targets=3, time_limit=250.0),
    11: MazeSize(n_targets=4, time_limit=500.0),
    13: MazeSize(n_targets=5, time_limit=750.0),
    15: MazeSize(n_targets=6, time_limit=1000.0, max_rooms=9, room_max_size=3),
}

DEFAULT_CONTROL_FREQ = 4.0  # Hz: slow control, so that an agent without hierarchy has a chance.
CAMERA_RESOLUTIONS = (64, 256)


def probe_spaces(size: int, n_targets: int, show_path: bool = False) -> dict[str, spaces.Box]:
    """Spaces of the probe keys (the ``-ExtraObs`` keys but ``image``) of a maze size."""
    # Positions lie in the maze, [0, N] cells; relative vectors are at most a diagonal long.
    reach = float(size) * np.sqrt(2.0)
    pos = lambda *shape: spaces.Box(0.0, float(size), shape, np.float64)  # noqa: E731
    rel = lambda *shape: spaces.Box(-reach, reach, shape, np.float64)  # noqa: E731
    return {
        "target_color": spaces.Box(0.0, 1.0, (3,), np.float64),
        "agent_pos": pos(2),
        "agent_dir": spaces.Box(-1.0, 1.0, (2,), np.float64),
        "targets_pos": pos(n_targets, 2),
        "targets_vec": rel(n_targets, 2),
        "target_pos": pos(2),
        "target_vec": rel(2),
        "maze_layout": spaces.Box(0, 2 if show_path else 1, (size, size), np.uint8),
    }


class MemoryMazeEnv(gym.Env):
    """Memory Maze: find the targets of a random 3D maze, again and again, from memory.

    ## Description
    The agent is a ball with a head that rolls through a random maze of
    ``size x size`` cells drawn by labmaze. Each room holds at most one coloured
    target sphere (3 to 6 of them). One target at a time is the *current* target,
    and its colour is shown as a border around the image. Touching it gives +1 and
    makes another, random target current. The layout, target positions and spawn
    stay fixed for the episode, so an agent that remembers where things are scores
    more. This is the task of Pasukonis, Lillicrap and Hafner (2022), "Evaluating
    Long-Term Memory in 3D Mazes", rebuilt on MuJoCo directly.

    ## Action Space
    ``Discrete(6)``: 0 noop, 1 forward, 2 turn left, 3 turn right, 4 forward + left,
    5 forward + right. Each action is held for one control step (0.25 s at 4 Hz, or
    0.025 s in the ``-HiFreq`` variants) of 5 ms physics substeps.

    ## Observation Space
    By default ``Box(0, 255, (64, 64, 3), uint8)``: the first-person RGB image with the
    current target's colour as a border. With ``extra_obs=True`` a ``Dict``:

    | key | shape | meaning (grid units: 1 = one cell; inner maze's bottom-left corner at 0, 0) |
    |---|---|---|
    | ``image`` | (H, W, 3) uint8 | as above |
    | ``target_color`` | (3,) float64 | RGB in [0, 1] of the current target |
    | ``agent_pos`` | (2,) float64 | agent position |
    | ``agent_dir`` | (2,) float64 | unit vector of forward motion |
    | ``targets_pos`` | (K, 2) float64 | positions of all targets |
    | ``targets_vec`` | (K, 2) float64 | targets in the agent's frame: (right, forward) |
    | ``target_pos`` | (2,) float64 | position of the current target |
    | ``target_vec`` | (2,) float64 | current target in the agent's frame |
    | ``maze_layout`` | (N, N) uint8 | 1 = floor, 0 = wall, ``[0, 0]`` the bottom-left cell |

    ## Rewards
    +1 in a step in which the agent touches the current target; 0 otherwise.

    ## Starting State
    A new layout at every reset; targets in distinct rooms; the agent at rest in a
    random room's spawn cell with a uniformly random heading.

    ## Episode End
    Truncation only, after a fixed simulated time: 1000 steps for 9x9, 2000 for 11x11,
    3000 for 13x13 and 4000 for 15x15 at 4 Hz (ten times as many at 40 Hz).
    ``terminated`` is always False.

    ## Arguments
    * ``size``: 9, 11, 13 or 15.
    * ``extra_obs``: dict observation with the probe keys above (the original's ``-ExtraObs``).
    * ``good_visibility``: low walls and floating targets (``-Vis``).
    * ``camera_resolution``: 64 or 256 pixels square (``-HD`` is 256).
    * ``top_camera``: image from a camera above the maze instead of first person (``-Top``).
    * ``show_path``: oracle aids: shortest path in ``maze_layout`` and a minimap (``-Oracle``).
    * ``control_freq``: control steps per second, 4.0 by default (``-HiFreq`` is 40).
    * ``randomize_colors``: draw the targets' colours from all six every episode (``-6CL``).
    * ``n_targets``, ``max_steps``: override the size's target count and episode length.
    * ``renderer``: ``"cpu"`` (default: the numba ray caster, identical pixels on every
      machine) or ``"mujoco"`` (MuJoCo's OpenGL, backend from ``MUJOCO_GL``).
    * ``render_threads``: let the cpu renderer spread a frame over numba's threads (for a
      single env; leave off when several envs share the cores).
    * ``render_mode``: ``"rgb_array"`` or ``"human"`` (a pygame window; needs the ``gui`` extra).

    ## Version History
    * v0: the original's rules, ids and observations (memory-maze 1.0.3), on MuJoCo >= 3.3;
      images from the cpu ray caster by default. Fixed within v0 (2026-12-06), to match
      the original as its ids promise: a step's image and probes show the state reached
      (they were one 5 ms substep old), and the camera body's mass sits where the
      original's does; every motion figure of ``python -m memory_bench.motion`` now equals
      the original's to 1e-7 (before: up to 3.5 % off in the first step from rest).
    """

    metadata = {"render_modes": ["rgb_array", "human"], "render_fps": int(DEFAULT_CONTROL_FREQ)}

    def __init__(
        self,
        size: int = 9,
        *,
        extra_obs: bool = False,
        good_visibility: bool = False,
        camera_resolution: int = 64,
        top_camera: bool = False,
        show_path: bool = False,
        control_freq: float = DEFAULT_CONTROL_FREQ,
        randomize_colors: bool = False,
        n_targets: int | None = None,
        max_steps: int | None = None,
        renderer: str = DEFAULT_RENDERER,
        render_threads: bool = False,
        render_mode: str | None = None,
    ):
        if size not in SIZES:
            raise ValueError(f"unknown maze size {size!r}; choose one of {sorted(SIZES)}")
        if not isinstance(camera_resolution, (int, np.integer)) or not 16 <= camera_resolution <= 1024:
            raise ValueError(
                f"camera_resolution={camera_resolution!r} must be an int in [16, 1024] "
                f"(the original uses {CAMERA_RESOLUTIONS[0]} and {CAMERA_RESOLUTIONS[1]})"
            )
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"unknown render_mode {render_mode!r}; choose one of {self.metadata['render_modes']} or None")
        if renderer not in RENDERERS:
            raise ValueError(f"unknown renderer {renderer!r}; choose one of {', '.join(map(repr, RENDERERS))}")
        substeps = (1.0 / control_freq) / PHYSICS_TIMESTEP if control_freq > 0 else 0.0
        if not np.isclose(substeps, round(substeps)) or round(substeps) < 1:
            raise ValueError(
                f"control_freq={control_freq!r} must divide the physics rate of {1 / PHYSICS_TIMESTEP:g} Hz "
                f"(for example 4.0 or 40.0)"
            )
        params = SIZES[size]
        n_targets = params.n_targets if n_targets is None else n_targets
        if not 1 <= n_targets <= len(TARGET_COLORS):
            raise ValueError(f"n_targets={n_targets!r} must be between 1 and {len(TARGET_COLORS)}")
        default_steps = int(round(params.time_limit * control_freq))
        if max_steps is not None and (not isinstance(max_steps, (int, np.integer)) or max_steps < 1):
            raise ValueError(f"max_steps={max_steps!r} must be a positive int")

        self.size = size
        self.n_targets = n_targets
        self.max_steps = int(max_steps) if max_steps is not None else default_steps
        self.control_freq = float(control_freq)
        self.n_substeps = int(round(substeps))
        self.extra_obs = extra_obs
        self.top_camera = top_camera
        self.show_path = show_path
        self.randomize_colors = randomize_colors
        self.render_mode = render_mode
        self.metadata = dict(self.metadata, render_fps=max(1, int(round(control_freq))))
        self._params = layout_lib.MazeParams(size, params.max_rooms, params.room_min_size, params.room_max_size)
        self._world = MazeWorld(
            SceneConfig(
                size=size,
                n_targets=n_targets,
                wall_height=0.4 if good_visibility else 1.5,
                target_z=1.1 if good_visibility else 0.0,
                ears=top_camera,
            )
        )
        self.renderer_name = renderer
        self._renderer = make_renderer(
            renderer, self._world.model, camera_resolution, camera_resolution, parallel=render_threads
        )
        self._camera = self._world.top_camera if top_camera else self._world.egocentric_camera
        self._image = np.zeros((camera_resolution, camera_resolution, 3), dtype=np.uint8)
        self._border = int(2 * np.sqrt(camera_resolution // 64)) or 1
        self._touched = np.zeros(n_targets, dtype=bool)
        self._colors = TARGET_COLORS[:n_targets].copy()
        self._target = 0
        self._steps = 0
        self._needs_reset = True
        self._window = HumanWindow(f"memory_bench: Memory Maze {self.size}x{self.size}", target=512)

        image_space = spaces.Box(0, 255, self._image.shape, np.uint8)
        self.action_space = spaces.Discrete(len(ACTIONS))
        if extra_obs:
            self.observation_space = spaces.Dict({"image": image_space, **probe_spaces(size, n_targets, show_path)})
        else:
            self.observation_space = image_space

    # ------------------------------------------------------------------ gymnasium API
    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        self._reset_state(seed, options)
        obs = self._observation()
        if self.render_mode == "human":
            self._show()
        return obs, {}

    def step(self, action):
        reward, truncated = self._advance(action)
        obs = self._observation()
        if self.render_mode == "human":
            self._show()
        return obs, reward, False, truncated, {}

    def _reset_state(self, seed: int | None = None, options: dict[str, Any] | None = None) -> None:
        """A new episode: layout, textures, targets, colours and spawn (no image yet)."""
        super().reset(seed=seed)
        if options:
            raise ValueError(f"MemoryMazeEnv.reset takes no options; got {sorted(options)}")
        rng = self.np_random
        lay = layout_lib.generate(self._params, rng, self.n_targets)
        if self.randomize_colors:
            self._colors = TARGET_COLORS[rng.permutation(len(TARGET_COLORS))[: self.n_targets]]
        target_cells = lay.object_cells[rng.permutation(len(lay.object_cells))[: self.n_targets]]
        block_textures = rng.integers(len(wall_texture_names()), size=layout_lib.TEXTURE_BLOCKS**2)
        self._world.apply_layout(lay, block_textures, target_cells, self._colors)
        # the original draws the border as the colour * 255 * 0.7, truncated to uint8
        self._border_colors = (self._colors * 255 * 0.7).astype(np.uint8)
        spawn = lay.spawn_cells[rng.integers(len(lay.spawn_cells))]
        self._world.spawn(spawn, float(rng.uniform(0.0, 2 * np.pi)))
        self._maze_layout = lay.maze_layout()
        self._target = int(rng.integers(self.n_targets))
        self._steps = 0
        self._needs_reset = False

    def _advance(self, action) -> tuple[float, bool]:
        """Physics and task rules of one step (no image yet): returns (reward, truncated)."""
        if self._needs_reset:
            raise RuntimeError("call reset() before step(), and again after an episode is truncated")
        if not (type(action) is int and 0 <= action < len(ACTIONS)) and not self.action_space.contains(action):
            raise ValueError(f"invalid action {action!r}; expected an int in [0, {len(ACTIONS) - 1}]: {', '.join(ACTION_NAMES)}")
        touched = self._touched
        touched[:] = False
        self._world.step(ACTIONS[int(action)], self.n_substeps, touched)
        reward = 0.0
        if touched[self._target]:
            reward = 1.0
            choices = np.flatnonzero(~touched)
            if choices.size == 0:  # touching every target at once: anything but the current one
                choices = np.flatnonzero(np.arange(self.n_targets) != self._target)
            if choices.size:
                self._target = int(choices[self.np_random.integers(choices.size)])
        self._steps += 1
        truncated = self._steps >= self.max_steps
        self._needs_reset = truncated
        return reward, truncated

    def render(self):
        if self.render_mode == "rgb_array":
            return self._image.copy()
        if self.render_mode == "human":
            self._show()
        return None

    def close(self):
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        self._window.close()

    # ------------------------------------------------------------------ state for users and tests
    @property
    def world(self) -> MazeWorld:
        """The MuJoCo world (model, data, layout) behind this env."""
        return self._world

    @property
    def target_index(self) -> int:
        """Index of the current target."""
        return self._target

    @property
    def target_colors(self) -> np.ndarray:
        """``(n_targets, 3)`` RGB colours of the targets this episode."""
        return self._colors

    # ------------------------------------------------------------------ internals
    def _render_frame(self) -> dict[str, np.ndarray] | None:
        """Draws the image into ``self._image`` (border and oracle aids included) and
        returns the probe values when the env reports them, else None."""
        image = self._renderer.render(self._world.data, self._camera, self._image)
        b = self._border
        border = self._border_colors[self._target]
        image[:, :b] = border
        image[:, -b:] = border
        image[:b, :] = border
        image[-b:, :] = border
        if not (self.extra_obs or self.show_path):
            return None
        probes = self.probe_observation()
        if self.show_path:
            oracle.mark_path(probes["maze_layout"], probes["agent_pos"], probes["target_pos"])
            oracle.draw_minimap(image, probes["maze_layout"], probes["agent_pos"], probes["agent_dir"])
        return probes

    def _observation(self):
        probes = self._render_frame()
        if probes is None or not self.extra_obs:
            return self._image.copy()
        return {"image": self._image.copy(), **probes}

    def probe_observation(self) -> dict[str, np.ndarray]:
        """The original's probe values (the ``-ExtraObs`` keys but ``image``) of the
        current state, in grid units; any Memory Maze env can report them."""
        w = self._world
        head_pos, head_rot = w.head_frame()
        targets_xy = w.targets_world_xy()
        targets_world = np.column_stack([targets_xy, w.data.mocap_pos[w.target_mocap, 2]])
        targets_vec = ((targets_world - head_pos) @ head_rot)[:, :2] / CELL_SIZE
        targets_pos = layout_lib.world_to_grid(targets_xy, self.size, CELL_SIZE)
        return {
            "target_color": self._colors[self._target].copy(),
            "agent_pos": w.agent_pos(),
            "agent_dir": w.agent_dir(),
            "targets_pos": targets_pos,
            "targets_vec": targets_vec,
            "target_pos": targets_pos[self._target].copy(),
            "target_vec": targets_vec[self._target].copy(),
            "maze_layout": self._maze_layout.copy(),
        }

    def _show(self) -> None:
        self._window.show(self._image)
