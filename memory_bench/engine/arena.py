"""The MuJoCo scene of a DMLab-style text level, built with ``mujoco.MjSpec``.

An :class:`Arena` is compiled once per env for the largest map it will show and is
re-laid-out in place at every reset by writing model arrays, as Memory Maze's world
is: which cells are walls (or closed doors), which texture every wall and floor cell
shows, where the pickups are and what they look like. Lengths in the model are metres;
the level logic works in DMLab game units (``u``, :data:`UNIT` m each, so a 100 u cell
is 3.125 m).

What is in the model:

* one box per text cell, 100 u square and ``wall_height`` tall (DMLab's text levels
  raise walls one cell high); a cell that is not solid in the current map goes to the
  hidden geom group. Walls show a texture per cell: the theme's wall texture of the
  cell's variation region, or that texture with a poster (DMLab's decals).
* one floor tile per cell, textured per variation region, one texture repeat per
  cell (DMLab scales its textures to the 100 u cell).
* the sky: labmaze's ``sky_03`` box (DMLab's open sky-box ceiling).
* ``n_items`` pickup slots: mocap bodies of ``parts`` (:data:`PARTS` by default) spheres or vertical
  cylinders each, shaped per reset into the level's objects (:data:`SHAPES`).
* optional *statics*: axis-aligned boxes of a fixed-geometry level (DMLab's ``.map``
  rooms: walls, floors, doors, platforms), each with one or more looks (a texture of
  labmaze's DMLab sets, a procedural picture or a flat colour) to switch between,
  and shown or hidden per reset (:meth:`Arena.set_static`). A level without a text
  map has a ``0 x 0`` grid.
* the agent's first-person camera on a mocap body, 90 degrees of horizontal field of
  view (the vertical one follows from the image's aspect).

The agent's body is not a MuJoCo body: DMLab moves it with Quake III's rules
(:mod:`memory_bench.engine.agents.quake`), which the level runs on the same map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import mujoco
import numpy as np
from labmaze import assets as labmaze_assets

from memory_bench.engine import assets
from memory_bench.engine.render import model_changed
from memory_bench.engine.textmap import CELL_UNITS, UNITS_PER_METRE

UNIT = 1.0 / UNITS_PER_METRE  # metres per game unit
HIDDEN_GROUP = 5
HFOV_DEGREES = 90.0
WALL_HEIGHT_UNITS = 100.0  # text levels: ceilingHeight 1 cell
PARTS = 3  # geoms per pickup slot
N_POSTERS = 6
#: Wall and floor textures of the MISHMASH-like theme (labmaze ships DMLab's texture sets).
WALL_STYLES = ("style_01", "style_02", "style_03")
FLOOR_STYLES = ("style_01", "style_03")
SKY = "sky_03"
DOOR_RGBA = (0.55, 0.35, 0.18, 1.0)

_SPHERE = mujoco.mjtGeom.mjGEOM_SPHERE
_CYLINDER = mujoco.mjtGeom.mjGEOM_CYLINDER

# A shape: up to PARTS parts (kind, radius, half height, x, z, colour slot), lengths in
# game units relative to the item's origin on the floor; colour slot 0 or 1 takes the
# object's two colours, a tuple is a fixed RGB.
Part = tuple[str, float, float, float, float, object]
SHAPES: dict[str, tuple[Part, ...]] = {
    # DMLab's apple: a red fruit with a stem and a leaf, hovering at the item height
    "apple": (("sphere", 9.0, 0.0, 0.0, 22.0, (0.80, 0.08, 0.06)),
              ("cylinder", 1.3, 3.5, 0.0, 33.0, (0.35, 0.22, 0.08)),
              ("sphere", 3.2, 0.0, 3.5, 33.0, (0.20, 0.60, 0.15))),
    # the goal: a glowing orb on a plinth, tall enough to see over the floor
    "goal": (("cylinder", 6.0, 3.0, 0.0, 3.0, (0.85, 0.85, 0.85)),
             ("cylinder", 2.0, 10.0, 0.0, 16.0, (0.85, 0.85, 0.85)),
             ("sphere", 10.0, 0.0, 0.0, 34.0, (0.95, 0.80, 0.10))),
    "lemon": (("sphere", 8.0, 0.0, 0.0, 20.0, (0.95, 0.90, 0.15)),
              ("sphere", 2.0, 0.0, 7.0, 20.0, (0.85, 0.80, 0.10)),
              ("cylinder", 1.0, 2.0, 0.0, 29.0, (0.35, 0.22, 0.08))),
    # the rooms levels' recoloured models (colour slot 0: the level's tint)
    "hat": (("cylinder", 14.0, 1.0, 0.0, 6.0, 0), ("cylinder", 8.0, 7.0, 0.0, 14.0, 0),
            ("cylinder", 8.3, 1.5, 0.0, 9.5, (0.12, 0.12, 0.12))),
    "can": (("cylinder", 7.0, 11.0, 0.0, 12.0, 0), ("cylinder", 7.3, 2.0, 0.0, 12.0, (0.85, 0.85, 0.85)),
            ("cylinder", 5.0, 0.5, 0.0, 23.5, (0.75, 0.75, 0.75))),
    "cake": (("cylinder", 13.0, 5.0, 0.0, 6.0, 0), ("cylinder", 13.3, 1.2, 0.0, 11.5, (0.97, 0.95, 0.90)),
             ("cylinder", 1.2, 4.0, 0.0, 16.0, (0.95, 0.90, 0.60))),
    "balloon": (("sphere", 10.0, 0.0, 0.0, 30.0, 0), ("cylinder", 0.6, 9.0, 0.0, 11.0, (0.9, 0.9, 0.9)),
                ("sphere", 2.0, 0.0, 0.0, 20.0, 0)),
    # keys and the goal ice lolly of keys_doors_puzzle
    "key": (("cylinder", 6.0, 1.5, 0.0, 26.0, 0), ("cylinder", 1.6, 9.0, 0.0, 15.0, 0),
            ("cylinder", 3.5, 1.5, 0.0, 8.0, 0)),
    "icelolly": (("cylinder", 6.0, 10.0, 0.0, 24.0, (0.98, 0.55, 0.10)),
                 ("sphere", 6.0, 0.0, 0.0, 34.0, (0.98, 0.55, 0.10)),
                 ("cylinder", 1.2, 6.0, 0.0, 8.0, (0.85, 0.70, 0.45))),
    # two-colour shapes for object categories
    "orb": (("sphere", 10.0, 0.0, 0.0, 22.0, 0), ("cylinder", 10.5, 1.5, 0.0, 22.0, 1)),
    "pillar": (("cylinder", 6.0, 14.0, 0.0, 16.0, 0), ("sphere", 6.5, 0.0, 0.0, 32.0, 1)),
    "snowman": (("sphere", 9.0, 0.0, 0.0, 11.0, 0), ("sphere", 6.0, 0.0, 0.0, 25.0, 1), ("sphere", 2.0, 0.0, 5.0, 26.0, 0)),
    "mushroom": (("cylinder", 3.0, 8.0, 0.0, 10.0, 1), ("cylinder", 12.0, 3.0, 0.0, 21.0, 0), ("sphere", 3.0, 0.0, 0.0, 24.0, 1)),
    "barrel": (("cylinder", 9.0, 11.0, 0.0, 13.0, 0), ("cylinder", 9.6, 2.0, 0.0, 13.0, 1)),
    "tower": (("cylinder", 10.0, 4.0, 0.0, 6.0, 0), ("cylinder", 7.0, 4.0, 0.0, 14.0, 1), ("cylinder", 4.0, 4.0, 0.0, 22.0, 0)),
    "dumbbell": (("sphere", 7.0, 0.0, -8.0, 16.0, 0), ("sphere", 7.0, 0.0, 8.0, 16.0, 0), ("cylinder", 2.5, 8.0, 0.0, 16.0, 1)),
    "lamp": (("cylinder", 8.0, 1.5, 0.0, 2.0, 1), ("cylinder", 1.5, 10.0, 0.0, 13.0, 1), ("sphere", 8.0, 0.0, 0.0, 28.0, 0)),
}
SHAPES.update({
    # four more abstract two-colour shapes: with the eight category shapes, the twelve
    # of rooms_select_nonmatching_object (DMLab's 12 fut_obj models)
    "spindle": (("sphere", 5.0, 0.0, 0.0, 8.0, 1), ("cylinder", 3.0, 10.0, 0.0, 20.0, 0), ("sphere", 5.0, 0.0, 0.0, 32.0, 1)),
    "ring": (("cylinder", 13.0, 2.0, 0.0, 20.0, 0), ("cylinder", 5.0, 2.6, 0.0, 20.0, 1), ("cylinder", 1.5, 8.0, 0.0, 9.0, 1)),
    "stack": (("sphere", 7.0, 0.0, 0.0, 8.0, 0), ("sphere", 7.0, 0.0, 0.0, 20.0, 1), ("sphere", 7.0, 0.0, 0.0, 32.0, 0)),
    "twin": (("cylinder", 4.0, 12.0, -7.0, 14.0, 0), ("cylinder", 4.0, 12.0, 7.0, 14.0, 1), ("sphere", 5.0, 0.0, 0.0, 30.0, 0)),
})
#: The 12 abstract shapes of the geometric pickups (x 3 colourings: 36 objects).
GEOMETRIC_SHAPES = ("orb", "pillar", "snowman", "mushroom", "barrel", "tower", "dumbbell", "lamp",
                    "spindle", "ring", "stack", "twin")
#: The two-colour shapes of object categories, and their colours.
CATEGORY_SHAPES = ("orb", "pillar", "snowman", "mushroom", "barrel", "tower", "dumbbell", "lamp")
CATEGORY_COLORS = np.array(
    [[0.85, 0.10, 0.10], [0.10, 0.65, 0.20], [0.15, 0.35, 0.90], [0.95, 0.85, 0.10], [0.65, 0.20, 0.80],
     [0.95, 0.50, 0.10], [0.10, 0.80, 0.85], [0.95, 0.95, 0.95], [0.15, 0.15, 0.15]]
)
#: Half width of a pickup's trigger box (Quake items: -15..15 u on each axis).
ITEM_HALF = 15.0
ITEM_Z = 15.0  # origin of a pickup dropped to the floor
TERRAIN_BASE_UNITS = 64.0  # depth of a terrain's slab under its lowest point


@lru_cache(maxsize=None)
def wall_textures() -> tuple[tuple[str, str], ...]:
    """(style, name) of every theme wall texture, in a fixed order."""
    return tuple((s, n) for s in WALL_STYLES for n in sorted(labmaze_assets.get_wall_texture_paths(s)))


@lru_cache(maxsize=None)
def floor_textures() -> tuple[tuple[str, str], ...]:
    return tuple((s, n) for s in FLOOR_STYLES for n in sorted(labmaze_assets.get_floor_texture_paths(s)))


TEXTURE_SIZE = 128  # texels a side: a 100 u cell face never spans more pixels at 96x72
SKY_FACE = 128


@lru_cache(maxsize=None)
def _theme_textures() -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The theme's wall and floor textures, decoded and scaled down once per process."""
    walls = [assets.downsample(assets.as_array(assets.decode_png(labmaze_assets.get_wall_texture_paths(s)[n])), TEXTURE_SIZE)
             for s, n in wall_textures()]
    floors = [assets.downsample(assets.as_array(assets.decode_png(labmaze_assets.get_floor_texture_paths(s)[n])), TEXTURE_SIZE)
              for s, n in floor_textures()]
    return walls, floors


@lru_cache(maxsize=None)
def _sky_texture() -> np.ndarray:
    """labmaze's sky box as MuJoCo's stacked faces (+x, -x, +y, -y, +z, -z), scaled down."""
    sky = labmaze_assets.get_sky_texture_paths(SKY)
    faces = [assets.downsample(assets.as_array(assets.decode_png(f)), SKY_FACE)
             for f in (sky.right, sky.left, sky.up, sky.down, sky.front, sky.back)]
    return np.ascontiguousarray(np.concatenate(faces, axis=0))


def vertical_fovy(height: int, width: int, hfov: float = HFOV_DEGREES) -> float:
    """The vertical field of view (degrees) of an image with horizontal field ``hfov``."""
    return math.degrees(2 * math.atan(math.tan(math.radians(hfov) / 2) * height / width))


@dataclass(frozen=True)
class Static:
    """A box of a fixed-geometry level, in DMLab units: corners ``lo`` and ``hi``,
    ``looks`` (the first is shown until :meth:`Arena.set_static` picks another; a look
    is a labmaze texture ``"wall/<style>/<name>"`` or ``"floor/<style>/<name>"``, a
    procedural picture ``"cue/<shape>"`` (:func:`memory_bench.engine.assets.cue`), or
    a flat RGB colour in 0-1), and
    ``tile``: the u a texture repeat spans on the box's two longest sides."""

    name: str
    lo: tuple[float, float, float]
    hi: tuple[float, float, float]
    looks: tuple = ((0.5, 0.5, 0.5),)
    tile: float = CELL_UNITS

    def box(self) -> tuple[float, float, float, float, float, float]:
        return (*self.lo, *self.hi)


def look_image(key: str) -> np.ndarray:
    """The ``(h, w, 3)`` uint8 picture of a texture look key."""
    kind, _, rest = key.partition("/")
    if kind == "cue":
        return assets.cue(rest)
    style, _, name = rest.partition("/")
    if kind == "wall":
        path = labmaze_assets.get_wall_texture_paths(style)[name]
    elif kind == "floor":
        path = labmaze_assets.get_floor_texture_paths(style)[name]
    else:
        raise ValueError(f"unknown look {key!r}: 'wall/<style>/<name>', 'floor/<style>/<name>' or 'cue/<shape>'")
    return assets.downsample(assets.as_array(assets.decode_png(path)), TEXTURE_SIZE)


@dataclass(frozen=True)
class ArenaConfig:
    """What fixes one compiled arena."""

    height: int  # text map rows (outer walls included)
    width: int  # text map columns
    n_items: int  # pickup slots
    image_height: int = 72
    image_width: int = 96
    wall_height: float = WALL_HEIGHT_UNITS  # u
    statics: tuple[Static, ...] = ()
    parts: int = PARTS  # geoms per pickup slot: the most parts of a shape the level shows
    floor_colors: tuple[tuple[float, float, float], ...] = ()  # flat floor colours a level may lay per cell
    #: an outdoor level's terrain: (vertices a side, u between vertices, highest point u)
    terrain: tuple[int, float, float] | None = None


def build_arena_spec(cfg: ArenaConfig) -> mujoco.MjSpec:
    spec = mujoco.MjSpec()
    spec.modelname = f"dmlab_arena_{cfg.height}x{cfg.width}"
    spec.visual.headlight.ambient = [0.45, 0.45, 0.45]
    spec.visual.headlight.diffuse = [0.55, 0.55, 0.55]
    spec.visual.headlight.specular = [0.0, 0.0, 0.0]
    spec.visual.map.znear = 0.001
    sky = _sky_texture()
    tex = spec.add_texture(name="sky", type=mujoco.mjtTexture.mjTEXTURE_SKYBOX, width=sky.shape[1],
                           height=sky.shape[0], nchannel=3)
    tex.data = sky.tobytes()
    walls, floors = _theme_textures() if cfg.height and cfg.width else ([], [])

    def add_tex(name: str, img: np.ndarray) -> None:
        h, w = img.shape[:2]
        tex = spec.add_texture(name=name, type=mujoco.mjtTexture.mjTEXTURE_2D, width=w, height=h, nchannel=3)
        tex.data = np.ascontiguousarray(img).tobytes()
        spec.add_material(name=name, textures=["", name], texrepeat=[1.0, 1.0])

    if cfg.height and cfg.width:  # the theme of text maps
        for k, wall in enumerate(walls):
            add_tex(f"wall_{k}", wall)
            for p in range(N_POSTERS):
                add_tex(f"wall_{k}_poster_{p}", assets.with_poster(wall, assets.poster(p)))
        for k, floor in enumerate(floors):
            add_tex(f"floor_{k}", floor)
    spec.add_material(name="door", rgba=list(DOOR_RGBA))
    for k, rgb in enumerate(cfg.floor_colors):
        spec.add_material(name=f"floor_color_{k}", rgba=[*map(float, rgb), 1.0])

    world = spec.worldbody
    cell = CELL_UNITS * UNIT
    wh = cfg.wall_height * UNIT
    for r in range(cfg.height):
        for c in range(cfg.width):
            x, y = (c + 0.5) * cell, (cfg.height - 1 - r + 0.5) * cell
            world.add_geom(name=f"floor_{r}_{c}", type=mujoco.mjtGeom.mjGEOM_PLANE, size=[cell / 2, cell / 2, 1.0],
                           pos=[x, y, 0.0], material="floor_0", contype=0, conaffinity=0)
    for r in range(cfg.height):
        for c in range(cfg.width):
            x, y = (c + 0.5) * cell, (cfg.height - 1 - r + 0.5) * cell
            world.add_geom(name=f"wall_{r}_{c}", type=mujoco.mjtGeom.mjGEOM_BOX, size=[cell / 2, cell / 2, wh / 2],
                           pos=[x, y, wh / 2], material="wall_0", contype=0, conaffinity=0)
    if cfg.terrain is not None:
        n, step, top = cfg.terrain
        half = (n - 1) * step * UNIT / 2
        spec.add_hfield(name="terrain", nrow=n, ncol=n, size=[half, half, top * UNIT, TERRAIN_BASE_UNITS * UNIT],
                        userdata=[0.0] * (n * n))
        world.add_geom(name="terrain", type=mujoco.mjtGeom.mjGEOM_HFIELD, hfieldname="terrain", pos=[half, half, 0.0],
                       rgba=[0.45, 0.55, 0.3, 1.0], contype=0, conaffinity=0)
    looks: dict[object, str] = {}
    for st in cfg.statics:
        lo, hi = np.asarray(st.lo, float), np.asarray(st.hi, float)
        ext = hi - lo
        if (ext <= 0).any():
            raise ValueError(f"static {st.name!r} has an empty box {st.lo} .. {st.hi}")
        # repeats on the faces' (u, v): the largest two extents, one repeat per tile
        big = np.sort(ext)[::-1][:2]
        rep = [max(1.0, float(big[0] / st.tile)), max(1.0, float(big[1] / st.tile))]
        for k, look in enumerate(st.looks):
            mat = f"static_{st.name}_{k}"
            if isinstance(look, str):
                if look not in looks:
                    looks[look] = f"look_{len(looks)}"
                    img = look_image(look)
                    t = spec.add_texture(name=looks[look], type=mujoco.mjtTexture.mjTEXTURE_2D, width=img.shape[1],
                                         height=img.shape[0], nchannel=3)
                    t.data = np.ascontiguousarray(img).tobytes()
                spec.add_material(name=mat, textures=["", looks[look]], texrepeat=rep)
            else:
                spec.add_material(name=mat, rgba=[*map(float, look), 1.0])
        world.add_geom(name=f"static_{st.name}", type=mujoco.mjtGeom.mjGEOM_BOX, size=list(ext * UNIT / 2),
                       pos=list((lo + hi) * UNIT / 2), material=f"static_{st.name}_0", contype=0, conaffinity=0)
    for i in range(cfg.n_items):
        body = world.add_body(name=f"item_{i}", mocap=True, pos=[0.0, 0.0, -10.0])
        for p in range(cfg.parts):
            # an offset from the body (not zero), so that MuJoCo keeps the geom's own
            # frame (geom_sameframe 0) and the offsets written per reset take effect
            body.add_geom(name=f"item_{i}_{p}", type=_SPHERE, size=[0.1, 0, 0], pos=[0.0, 0.0, 0.5],
                          rgba=[1, 1, 1, 0], contype=0, conaffinity=0)
    eye = world.add_body(name="eye", mocap=True, pos=[cell / 2, cell / 2, 50 * UNIT])
    eye.add_camera(name="eye", fovy=vertical_fovy(cfg.image_height, cfg.image_width))
    return spec


def view_matrix(yaw_deg: float, pitch_deg: float) -> np.ndarray:
    """The camera frame (MuJoCo's: looks along -z, y up) of a view with Quake's yaw
    (counter-clockwise from +x) and pitch (positive looks down), row-major 3x3."""
    cy, sy = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    cp, sp = math.cos(math.radians(pitch_deg)), math.sin(math.radians(pitch_deg))
    f = (cp * cy, cp * sy, -sp)  # forward
    x = (sy, -cy, 0.0)  # right
    y = (x[1] * f[2] - x[2] * f[1], x[2] * f[0] - x[0] * f[2], x[0] * f[1] - x[1] * f[0])  # up = right x forward
    return np.array([[x[0], y[0], -f[0]], [x[1], y[1], -f[1]], [x[2], y[2], -f[2]]])


class Arena:
    """Model and data of one text-level size, re-laid-out in place at every reset."""

    def __init__(self, cfg: ArenaConfig):
        self.cfg = cfg
        self.model = build_arena_spec(cfg).compile()
        self.data = mujoco.MjData(self.model)
        m = self.model
        h, w = cfg.height, cfg.width

        def gid(name: str) -> int:
            return mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_GEOM, name)

        def mid(name: str) -> int:
            return mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_MATERIAL, name)

        self.wall_geoms = np.array([[gid(f"wall_{r}_{c}") for c in range(w)] for r in range(h)], dtype=np.int64).reshape(h, w)
        self.floor_geoms = np.array([[gid(f"floor_{r}_{c}") for c in range(w)] for r in range(h)], dtype=np.int64).reshape(h, w)
        n_walls = len(wall_textures())
        self.wall_materials = np.array([mid(f"wall_{k}") for k in range(n_walls)])
        self.poster_materials = np.array([[mid(f"wall_{k}_poster_{p}") for p in range(N_POSTERS)] for k in range(n_walls)])
        self.floor_materials = np.array([mid(f"floor_{k}") for k in range(len(floor_textures()))])
        self.door_material = mid("door")
        self.floor_color_materials = np.array([mid(f"floor_color_{k}") for k in range(len(cfg.floor_colors))], dtype=np.int64)
        self.item_geoms = np.array([[gid(f"item_{i}_{p}") for p in range(cfg.parts)]
                                    for i in range(cfg.n_items)]).reshape(cfg.n_items, cfg.parts)
        self.item_mocap = np.array([m.body_mocapid[mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_BODY, f"item_{i}")]
                                    for i in range(cfg.n_items)], dtype=np.int64)
        self.eye_mocap = int(m.body_mocapid[mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_BODY, "eye")])
        self.camera = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_CAMERA, "eye")
        self._visible = 0
        self.static_geoms = {st.name: gid(f"static_{st.name}") for st in cfg.statics}
        self.static_materials = {st.name: [mid(f"static_{st.name}_{k}") for k in range(len(st.looks))]
                                 for st in cfg.statics}
        self.item_shapes: list[str | None] = [None] * cfg.n_items
        mujoco.mj_kinematics(m, self.data)

    # ------------------------------------------------------------------ layout
    def apply_map(self, solid: np.ndarray, doors: np.ndarray, wall_tex: np.ndarray, floor_tex: np.ndarray,
                  posters: np.ndarray, show_walls: bool | np.ndarray = True,
                  floor_color: np.ndarray | None = None) -> None:
        """Shows a map: ``solid`` ``(H, W)`` bool walls, ``doors`` ``(H, W)`` bool closed
        doors (drawn solid in the door colour), ``wall_tex``/``floor_tex`` ``(H, W)``
        theme texture indices per cell, ``posters`` ``(H, W)`` poster index per wall cell
        (-1: none). Maps smaller than the arena fill its top-left corner.
        ``show_walls=False`` draws no wall (DMLab's invisible ``poltergeist`` walls); an
        ``(H, W)`` bool mask draws the wall boxes of those cells instead of the solid ones
        (a level whose boxes are something else: the platform slabs of a sky maze);
        ``floor_color`` ``(H, W)`` lays flat floor colour ``k`` of the config's
        ``floor_colors`` where it is ``k >= 0`` (DMLab's customisable floors)."""
        m = self.model
        h, w = solid.shape
        H, W = self.cfg.height, self.cfg.width
        if h > H or w > W:
            raise ValueError(f"a {h}x{w} map does not fit an arena of {H}x{W}")
        show = np.zeros((H, W), dtype=bool)
        walls = show_walls if isinstance(show_walls, np.ndarray) else (solid if show_walls else False)
        show[:h, :w] = walls | doors
        floor = np.zeros((H, W), dtype=bool)
        floor[:h, :w] = ~(solid | doors)
        m.geom_group[self.wall_geoms] = np.where(show, self._visible, HIDDEN_GROUP)
        m.geom_group[self.floor_geoms] = np.where(floor, self._visible, HIDDEN_GROUP)
        mat = np.full((H, W), self.wall_materials[0])
        wt = np.asarray(wall_tex)
        mat[:h, :w] = np.where(posters >= 0, self.poster_materials[wt, np.maximum(posters, 0)], self.wall_materials[wt])
        mat[:h, :w] = np.where(doors, self.door_material, mat[:h, :w])
        m.geom_matid[self.wall_geoms] = mat
        fm = np.full((H, W), self.floor_materials[0])
        fm[:h, :w] = self.floor_materials[np.asarray(floor_tex)]
        if floor_color is not None:
            fc = np.asarray(floor_color)
            fm[:h, :w] = np.where(fc >= 0, self.floor_color_materials[np.maximum(fc, 0)] if len(self.floor_color_materials)
                                  else fm[:h, :w], fm[:h, :w])
        m.geom_matid[self.floor_geoms] = fm
        model_changed(m)

    def set_doors(self, solid: np.ndarray, doors: np.ndarray) -> None:
        """Opens and closes door cells (``doors`` True: closed) of the map shown."""
        m = self.model
        h, w = doors.shape
        shut = solid | doors
        m.geom_group[self.wall_geoms[:h, :w]] = np.where(shut, self._visible, HIDDEN_GROUP)
        m.geom_group[self.floor_geoms[:h, :w]] = np.where(shut, HIDDEN_GROUP, self._visible)
        model_changed(m)

    def set_heights(self, wall_lo: np.ndarray, wall_hi: np.ndarray, floor_z: np.ndarray) -> None:
        """Per cell: the wall box spans ``wall_lo`` .. ``wall_hi`` u in z and the floor
        tile lies at ``floor_z`` u (maps with heights: the platforms of a sky maze, each a
        slab under its own floor tile). Maps smaller than the arena set its top-left
        corner; every other cell keeps its size."""
        m = self.model
        h, w = np.shape(wall_lo)
        lo, hi = np.asarray(wall_lo, float) * UNIT, np.asarray(wall_hi, float) * UNIT
        walls, floors = self.wall_geoms[:h, :w], self.floor_geoms[:h, :w]
        m.geom_size[walls, 2] = (hi - lo) / 2
        m.geom_pos[walls, 2] = (hi + lo) / 2
        m.geom_pos[floors, 2] = np.asarray(floor_z, float) * UNIT
        mujoco.mj_kinematics(m, self.data)
        model_changed(m)

    def set_terrain(self, heights_units: np.ndarray) -> None:
        """Lays the terrain: vertex heights ``(n, n)`` in u, row ``j`` at y = ``j`` steps
        and column ``i`` at x = ``i`` steps from the origin (the config's ``terrain``),
        between 0 and its highest point."""
        m = self.model
        if self.cfg.terrain is None:
            raise ValueError("this arena has no terrain (ArenaConfig.terrain)")
        n, _step, top = self.cfg.terrain
        hz = np.asarray(heights_units, dtype=np.float64)
        if hz.shape != (n, n):
            raise ValueError(f"terrain heights of shape {hz.shape} for a terrain of {n} x {n} vertices")
        if hz.min() < 0.0 or hz.max() > top:
            raise ValueError(f"terrain heights {hz.min():.1f} .. {hz.max():.1f} u outside 0 .. {top} u")
        h = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_HFIELD, "terrain")
        adr = int(m.hfield_adr[h])
        m.hfield_data[adr: adr + n * n] = (hz / top).ravel()
        model_changed(m)

    def set_static(self, name: str, *, visible: bool | None = None, look: int | None = None,
                   lo=None, hi=None) -> None:
        """Shows or hides static ``name``, switches it to its ``look``-th look, or moves
        it to the box ``lo`` .. ``hi`` (u). Renderers re-read the model on their next frame."""
        m = self.model
        g = self.static_geoms[name]
        if visible is not None:
            m.geom_group[g] = self._visible if visible else HIDDEN_GROUP
        if look is not None:
            m.geom_matid[g] = self.static_materials[name][look]
        if lo is not None:
            lo, hi = np.asarray(lo, float), np.asarray(hi, float)
            m.geom_size[g] = (hi - lo) * UNIT / 2
            m.geom_pos[g] = (lo + hi) * UNIT / 2
            mujoco.mj_kinematics(m, self.data)
        model_changed(m)

    def set_item(self, slot: int, shape: str | None, xy_units=(0.0, 0.0), colors=None, z_units: float = 0.0) -> None:
        """Makes pickup slot ``slot`` show ``shape`` (a :data:`SHAPES` name or a tuple of
        parts; None hides it) standing at DMLab point ``xy_units``; ``colors`` ``(2, 3)`` for two-colour
        shapes; ``z_units`` lifts it onto a floor at that height. Call :meth:`commit_items`
        after the last change."""
        m = self.model
        geoms = self.item_geoms[slot]
        self.item_shapes[slot] = shape
        if shape is None:
            m.geom_rgba[geoms, 3] = 0.0
            self.data.mocap_pos[self.item_mocap[slot]] = (0.0, 0.0, -10.0)
            return
        parts = SHAPES[shape] if isinstance(shape, str) else tuple(shape)
        if len(parts) > len(geoms):
            raise ValueError(f"a shape of {len(parts)} parts in an arena of {len(geoms)} parts a pickup")
        for p, g in enumerate(geoms):
            if p >= len(parts):
                m.geom_rgba[g, 3] = 0.0
                continue
            kind, radius, half, x, z, color = parts[p]
            m.geom_type[g] = _SPHERE if kind == "sphere" else _CYLINDER
            m.geom_size[g] = (radius * UNIT, half * UNIT, 0.0)
            m.geom_pos[g] = (x * UNIT, 0.0, z * UNIT)
            rgb = np.asarray(colors[color] if isinstance(color, int) else color, dtype=np.float64)
            m.geom_rgba[g] = (*rgb, 1.0)
        self.data.mocap_pos[self.item_mocap[slot]] = (xy_units[0] * UNIT, xy_units[1] * UNIT, z_units * UNIT)

    def hide_item(self, slot: int) -> None:
        """Takes a pickup out of view (it was collected): moves it under the floor, no
        table of the renderer changes."""
        self.data.mocap_pos[self.item_mocap[slot], 2] = -10.0
        mujoco.mj_kinematics(self.model, self.data)

    def commit_items(self) -> None:
        """After item changes: poses of every body, and the renderers re-read colours."""
        mujoco.mj_kinematics(self.model, self.data)
        model_changed(self.model)

    # ------------------------------------------------------------------ view
    def set_view(self, x: float, y: float, z: float, yaw_deg: float, pitch_deg: float) -> None:
        """Puts the camera at DMLab point (x, y, z) (u) looking along (yaw, pitch).

        Writes the camera pose straight into ``data`` (and the eye body's mocap pose, so
        that a later ``mj_forward`` agrees), without a kinematics pass per step."""
        d = self.data
        pos = (x * UNIT, y * UNIT, z * UNIT)
        mat = view_matrix(yaw_deg, pitch_deg)
        d.cam_xpos[self.camera] = pos
        d.cam_xmat[self.camera] = mat.ravel()
        d.mocap_pos[self.eye_mocap] = pos
        q = np.empty(4)
        mujoco.mju_mat2Quat(q, mat.ravel())
        d.mocap_quat[self.eye_mocap] = q
