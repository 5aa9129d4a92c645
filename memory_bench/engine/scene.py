"""Builds the MuJoCo model of a Memory Maze world with ``mujoco.MjSpec``.

The model is compiled once per environment and never again: it holds a *pool* of
geoms that covers every possible layout of its maze size, and a reset only writes
model arrays (which wall cells exist, which texture each wall block and floor tile
shows, where the targets are and their colours). See :mod:`memory_bench.engine.world`.

What is in the model, with the original's numbers (dm_control's ``MazeWithTargets``
arena, ``RollingBallWithHead`` walker with the original's extra joint damping, and
``TargetSphere`` props):

* one textured box per grid cell (outer ring included), 2 m x 2 m, ``wall_height``
  tall; a box that is not a wall in the current layout is moved to the hidden geom
  group and stops colliding. Wall boxes show labmaze's ``style_01`` wall textures
  once per cell face; the original drew the same textures with one repeat per cell
  on separate texturing planes.
* one floor tile per inner cell, textured ``blue`` for corridors and
  ``blue_bright`` for rooms; an invisible collision plane under everything.
* ``n_targets`` non-colliding spheres (radius 0.6) that register contacts: MuJoCo
  reports overlaps with them as inactive contacts (see :func:`touch_only_contact`).
* the agent: a 20 kg head on x/y/z slide joints and a steering hinge, and a 0.2 m
  rolling ball under it, driven by a roll motor (gear 50) and a steer motor
  (gear 30); a first-person camera 0.3 m above the head, fovy 80.
* a top-down camera 100 m above the centre whose field of view fits the maze.
* a geomless body that sleeps for good, so that MuJoCo skips the static geoms'
  kinematics (see :func:`_enable_static_skip`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mujoco
import numpy as np
from labmaze import assets as labmaze_assets

from memory_bench.engine.assets import decode_png
from memory_bench.engine.layout import cell_to_world

CELL_SIZE = 2.0  # metres per grid cell
PHYSICS_TIMESTEP = 0.005  # seconds
TOP_CAMERA_HEIGHT = 100.0
TOP_CAMERA_PADDING = 1.1
TEXTURE_STYLE = "style_01"
FLOOR_CORRIDOR_TEXTURE = "blue"
FLOOR_ROOM_TEXTURE = "blue_bright"
HIDDEN_GROUP = 5  # geom group that no renderer shows
# Contact bits: walls and ground collide with the agent's ball (bit 0); targets only
# register touches with the agent (bit 1). The head's cylinders sit inside the ball's
# horizontal reach, so they can touch targets but never a wall or the ground, and
# MuJoCo need not test them against the maze.
SOLID_BIT = 1
TOUCH_BIT = 2
COLLIDER_GROUP = 3  # invisible collision-only geoms, as in dm_control

#: Target colours of the original, in its order (red, green, blue, purple, yellow, salmon).
TARGET_COLORS = np.array(
    [
        [170, 38, 30],
        [99, 170, 88],
        [39, 140, 217],
        [93, 105, 199],
        [220, 193, 59],
        [220, 128, 107],
    ],
    dtype=np.float64,
) / 220.0


@dataclass(frozen=True)
class SceneConfig:
    """Everything that fixes the compiled model of one maze size and variant."""

    size: int  # inner maze size N (the grid is N + 2 with the outer walls)
    n_targets: int
    wall_height: float = 1.5  # 0.4 in the good-visibility variants
    target_radius: float = 0.6
    target_z: float = 0.0  # sphere centre height: 0.0, or 1.1 in good visibility
    camera_height: float = 0.3
    ears: bool = False  # coloured spheres left/right of the head, for the top view

    @property
    def grid(self) -> int:
        return self.size + 2


@lru_cache(maxsize=None)
def wall_texture_names() -> tuple[str, ...]:
    """labmaze's wall textures of the style, in a fixed (sorted) order."""
    return tuple(sorted(labmaze_assets.get_wall_texture_paths(TEXTURE_STYLE)))


@lru_cache(maxsize=None)
def _decoded_textures() -> dict[str, tuple[int, int, bytes]]:
    """labmaze's PNG textures of the style, decoded once per process."""
    walls = labmaze_assets.get_wall_texture_paths(TEXTURE_STYLE)
    floors = labmaze_assets.get_floor_texture_paths(TEXTURE_STYLE)
    files = {f"wall_{name}": walls[name] for name in wall_texture_names()}
    files["floor_corridor"] = floors[FLOOR_CORRIDOR_TEXTURE]
    files["floor_room"] = floors[FLOOR_ROOM_TEXTURE]
    return {name: decode_png(path) for name, path in files.items()}


def _mujoco_version() -> tuple[int, ...]:
    return tuple(int(p) for p in mujoco.__version__.split(".")[:2] if p.isdigit())


def touch_only_contact(radius: float) -> dict[str, float]:
    """``margin`` and ``gap`` of a sphere that reports overlaps but never pushes.

    The original (dm_control's ``TargetSphere``) sets ``gap`` to the diameter with
    ``margin`` 0, which under MuJoCo's old contact semantics meant: detect at overlap,
    apply force only past a full diameter of penetration, that is never. MuJoCo 3.9
    redefined the two (detection at ``dist < margin + gap``, force at ``dist < margin``),
    under which those same numbers make the target a solid obstacle that is touched
    from 1.2 m away. The values returned here give the original behaviour on both.
    """
    if _mujoco_version() >= (3, 9):
        return {"margin": -2 * radius, "gap": 2 * radius}
    return {"margin": 0.0, "gap": 2 * radius}


def _quat_about(axis: tuple[float, float, float], angle: float) -> list[float]:
    half = angle / 2
    return [float(np.cos(half)), *(float(np.sin(half)) * np.asarray(axis))]


def top_camera_fovy(grid: int) -> float:
    """Vertical field of view (degrees) that fits the whole grid, as the original."""
    return float(np.degrees(2 * np.arctan2(TOP_CAMERA_PADDING * grid * CELL_SIZE / 2, TOP_CAMERA_HEIGHT)))


def build_spec(cfg: SceneConfig) -> mujoco.MjSpec:
    """The ``MjSpec`` of a maze world with a geom pool for every layout of ``cfg.size``."""
    spec = mujoco.MjSpec()
    spec.modelname = f"memory_maze_{cfg.size}x{cfg.size}"
    spec.compiler.degree = False
    spec.compiler.boundmass = 1e-5
    spec.compiler.boundinertia = 1e-11
    spec.option.timestep = PHYSICS_TIMESTEP
    spec.option.cone = mujoco.mjtCone.mjCONE_ELLIPTIC
    spec.option.noslip_iterations = 5
    spec.option.noslip_tolerance = 0.0
    spec.visual.headlight.ambient = [0.3, 0.3, 0.3]
    spec.visual.headlight.diffuse = [0.6, 0.6, 0.6]
    spec.visual.headlight.specular = [0.0, 0.0, 0.0]
    spec.visual.map.znear = 0.0005

    spec.add_texture(
        name="skybox", type=mujoco.mjtTexture.mjTEXTURE_SKYBOX, builtin=mujoco.mjtBuiltin.mjBUILTIN_GRADIENT,
        rgb1=[0.4, 0.6, 0.8], rgb2=[0.0, 0.0, 0.0], width=100, height=100,
    )
    for name, (w, h, data) in _decoded_textures().items():
        tex = spec.add_texture(name=name, type=mujoco.mjtTexture.mjTEXTURE_2D, width=w, height=h, nchannel=3)
        tex.data = data
    # One repeat per 2 m cell horizontally; the same scale vertically.
    wall_repeat = [1.0, cfg.wall_height / CELL_SIZE]
    for name in wall_texture_names():
        spec.add_material(name=f"wall_{name}", textures=["", f"wall_{name}"], texrepeat=wall_repeat)
    for name in ("floor_corridor", "floor_room"):
        spec.add_material(name=name, textures=["", name], texrepeat=[1.0, 1.0])
    spec.add_material(name="agent_shell", rgba=[0.55, 0.55, 0.55, 1.0])

    n = cfg.grid
    half_extent = n * CELL_SIZE / 2
    world = spec.worldbody
    world.add_geom(
        name="ground", type=mujoco.mjtGeom.mjGEOM_PLANE, size=[half_extent, half_extent, 1.0],
        rgba=[0, 0, 0, 0], group=COLLIDER_GROUP,
    )
    rows, cols = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    centres = cell_to_world(np.stack([rows, cols], -1), n, CELL_SIZE)
    first_wall = wall_texture_names()[0]
    for r in range(1, n - 1):
        for c in range(1, n - 1):
            x, y = centres[r, c]
            world.add_geom(
                name=f"floor_{r}_{c}", type=mujoco.mjtGeom.mjGEOM_PLANE, size=[CELL_SIZE / 2, CELL_SIZE / 2, 1.0],
                pos=[x, y, 0.0], material="floor_corridor", contype=0, conaffinity=0,
            )
    for r in range(n):
        for c in range(n):
            x, y = centres[r, c]
            world.add_geom(
                name=f"wall_{r}_{c}", type=mujoco.mjtGeom.mjGEOM_BOX,
                size=[CELL_SIZE / 2, CELL_SIZE / 2, cfg.wall_height / 2],
                pos=[x, y, cfg.wall_height / 2], material=f"wall_{first_wall}",
            )
    for i in range(cfg.n_targets):
        # Mocap bodies, so that a reset can move them (MuJoCo precomputes the bounding
        # volumes of static geoms at compile time).
        body = world.add_body(name=f"target_{i}", mocap=True, pos=[0.0, 0.0, cfg.target_z])
        body.add_geom(
            name=f"target_{i}", type=mujoco.mjtGeom.mjGEOM_SPHERE, size=[cfg.target_radius, 0, 0],
            rgba=[*TARGET_COLORS[i], 1.0], contype=TOUCH_BIT, conaffinity=0, **touch_only_contact(cfg.target_radius),
        )
    world.add_camera(
        name="top", pos=[0.0, 0.0, TOP_CAMERA_HEIGHT], fovy=top_camera_fovy(n),
    )
    _add_agent(spec, cfg)
    _enable_static_skip(spec)
    return spec


def _enable_static_skip(spec: mujoco.MjSpec) -> None:
    """Lets MuJoCo skip the world's static geoms in every substep's kinematics.

    The maze's few hundred wall boxes and floor tiles never move, yet MuJoCo recomputes
    the pose of every geom at every substep (about 14 ns each, 3 to 7 µs of a 10 to
    14 µs substep). With sleeping enabled it computes static geoms once, at
    ``mj_resetData``, and skips them afterwards, but only while some body is asleep.
    So sleeping is enabled, the agent may never sleep (its motion stays exactly as
    without sleeping), and one geomless body on a hinge starts asleep and stays so
    (nothing touches or drives it; a hinge about its own centre of mass feels no
    gravity). It comes after the agent, so the agent's qpos and qvel come first as
    before; trajectories are bit-identical to the model without it.
    """
    spec.option.enableflags |= int(mujoco.mjtEnableBit.mjENBL_SLEEP)
    spec.body("agent_root").sleep = mujoco.mjtSleepPolicy.mjSLEEP_NEVER
    sleeper = spec.worldbody.add_body(
        name="static_skip", pos=[0.0, 0.0, -1.0], mass=1.0, inertia=[1.0, 1.0, 1.0], explicitinertial=True,
    )
    sleeper.sleep = mujoco.mjtSleepPolicy.mjSLEEP_INIT
    sleeper.add_joint(name="static_skip", type=mujoco.mjtJoint.mjJNT_HINGE, axis=[0, 0, 1])


def _add_agent(spec: mujoco.MjSpec, cfg: SceneConfig) -> None:
    """The original's rolling ball with a head (dm_control's ``RollingBallWithHead``)."""
    walker_geom = dict(condim=4, friction=[0.5, 0.02, 0.02], contype=0, conaffinity=TOUCH_BIT)
    root = spec.worldbody.add_body(name="agent_root")
    for name, axis in (("root_x", [1, 0, 0]), ("root_y", [0, 1, 0]), ("root_z", [0, 0, 1])):
        root.add_joint(name=name, type=mujoco.mjtJoint.mjJNT_SLIDE, axis=axis)
    # The head's frame is turned -90 degrees about z, so its +y axis is "forward".
    head = root.add_body(
        name="head", pos=[0.0, 0.0, 0.6], quat=_quat_about((0, 0, 1), -np.pi / 2),
        mass=20.0, ipos=[0.0, 0.0, -0.08], iquat=[0.05876879, 0.70466036, -0.05876879, 0.70466036],
        inertia=[0.14683229, 0.10987294, 0.10986016], explicitinertial=True,
    )
    head.add_joint(name="steer", type=mujoco.mjtJoint.mjJNT_HINGE, axis=[0, 0, -1], damping=20.0)
    cyl = mujoco.mjtGeom.mjGEOM_CYLINDER
    head.add_geom(name="head", type=cyl, size=[0.1, 0.06, 0], pos=[0, 0, -0.07], rgba=[0.757, 0.757, 0.757, 1], **walker_geom)
    head.add_geom(
        name="face", type=cyl, size=[0.05, 0.035, 0], pos=[0, 0.1, -0.07], quat=_quat_about((1, 0, 0), -np.pi / 2),
        rgba=[0.0, 0.85, 0.5, 1], **walker_geom,
    )
    head.add_geom(name="neck", type=cyl, size=[0.07, 0.02, 0], pos=[0, 0, -0.13], rgba=[0.0, 0.85, 0.5, 1], **walker_geom)
    if cfg.ears:
        head.add_site(name="ear_right", type=mujoco.mjtGeom.mjGEOM_SPHERE, size=[0.26, 0, 0], pos=[0.22, 0, 0], rgba=[0.7, 0, 0, 1])
        head.add_site(name="ear_left", type=mujoco.mjtGeom.mjGEOM_SPHERE, size=[0.26, 0, 0], pos=[-0.22, 0, 0], rgba=[0, 0, 0.7, 1])
    # Camera body: looks along the head's +y, tilted down by atan(0.1) as the original
    # (its z axis is (0, -0.995, 0.0995) in the head frame). Its 1 kg and unit inertia
    # dominate the steering inertia, so it is kept.
    tilt = np.arctan2(0.99503719021, 0.09950371902)
    cam_body = head.add_body(
        name="egocentric_camera", pos=[0.0, 0.15, cfg.camera_height], quat=_quat_about((1, 0, 0), tilt),
        mass=1.0, inertia=[1.0, 1.0, 1.0], ipos=[0.0, 0.0, 0.0], iquat=[1.0, 0.0, 0.0, 0.0], explicitinertial=True,
    )
    cam_body.add_camera(name="egocentric", fovy=80.0)
    torso = head.add_body(name="torso", pos=[0.0, 0.0, -0.4])
    torso.add_joint(name="roll", type=mujoco.mjtJoint.mjJNT_HINGE, axis=[-1, 0, 0], damping=5.0)
    torso.add_geom(
        name="shell", type=mujoco.mjtGeom.mjGEOM_SPHERE, size=[0.2, 0, 0], mass=1.0, material="agent_shell",
        **dict(walker_geom, contype=SOLID_BIT, conaffinity=SOLID_BIT | TOUCH_BIT),
    )

    limited = mujoco.mjtLimited.mjLIMITED_TRUE
    spec.add_actuator(
        name="roll", target="roll", trntype=mujoco.mjtTrn.mjTRN_JOINT, gear=[-50, 0, 0, 0, 0, 0],
        ctrlrange=[-1, 1], ctrllimited=limited,
    )
    spec.add_actuator(
        name="steer", target="steer", trntype=mujoco.mjtTrn.mjTRN_JOINT, gear=[30, 0, 0, 0, 0, 0],
        ctrlrange=[-1, 1], ctrllimited=limited,
    )
