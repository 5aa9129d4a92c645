"""A CPU ray caster for memory_bench worlds: no OpenGL, the same pixels on every machine.

Everything it draws comes from the compiled ``MjModel`` and the ``MjData`` of the
moment: geom types, positions, sizes, groups, materials, colours, textures
(``model.tex_data``), the skybox, the headlight and the cameras. It supports the
geoms memory_bench builds: axis-aligned boxes and horizontal planes welded to the
world (found through a grid walk), and moving spheres, cylinders and sphere sites;
any other visible geom raises ``NotImplementedError`` when the renderer is made.

When model arrays that decide what is shown change (a reset turns wall cells on and
off and swaps textures), whoever wrote them calls
:func:`memory_bench.engine.render.model_changed` (``MazeWorld.apply_layout`` does), or
:meth:`CpuRenderer.invalidate`; the next frame rebuilds the renderer's small lookup
tables. Texture mip maps are built once per process and shared by every renderer
that shows the same texture.
"""

from __future__ import annotations

import hashlib
import math
import threading

import mujoco
import numba as nb
import numpy as np

from memory_bench.engine.render import model_version
from memory_bench.engine.render._kernel import SITE_BASE, render_kernel, render_kernel_parallel

_VISIBLE_GROUPS = 3  # MuJoCo shows geom and site groups 0, 1 and 2 by default
_RGB_ROLE = int(mujoco.mjtTextureRole.mjTEXROLE_RGB)
_BOX = int(mujoco.mjtGeom.mjGEOM_BOX)
_PLANE = int(mujoco.mjtGeom.mjGEOM_PLANE)
_SPHERE = int(mujoco.mjtGeom.mjGEOM_SPHERE)
_CYLINDER = int(mujoco.mjtGeom.mjGEOM_CYLINDER)
_HFIELD = int(mujoco.mjtGeom.mjGEOM_HFIELD)
_TEX_2D = int(mujoco.mjtTexture.mjTEXTURE_2D)
_TEX_SKYBOX = int(mujoco.mjtTexture.mjTEXTURE_SKYBOX)
_DEFAULT_GEOM_RGBA = np.array([0.5, 0.5, 0.5, 1.0], dtype=np.float32)


# the kernel's terrain arguments when the world has no (visible) heightfield
_NO_TERRAIN = (np.zeros(3), np.ones(2), np.zeros((1, 1)), np.zeros((0, 0)), np.zeros((1, 1, 3)), -1)


def _pack(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB triples to one uint32 per texel (r | g << 8 | b << 16): a texel is one load."""
    rgb = rgb.reshape(-1, 3).astype(np.uint32)
    return rgb[:, 0] | (rgb[:, 1] << 8) | (rgb[:, 2] << 16)


@nb.njit(cache=True, error_model="numpy")
def _apply_fog(out, depth, start, end, rgb):
    h, w = depth.shape
    inv = 1.0 / (end - start)
    for i in range(h):
        for j in range(w):
            f = (depth[i, j] - start) * inv
            if f <= 0.0:
                continue
            if f > 1.0:
                f = 1.0
            for c in range(3):
                v = out[i, j, c] + f * (rgb[c] - out[i, j, c])
                out[i, j, c] = np.uint8(min(255.0, max(0.0, math.floor(v + 0.5))))


_PYRAMIDS: dict[tuple[str, int, int], tuple[np.ndarray, list[tuple[int, int]]]] = {}


def _pyramid(w: int, h: int, data: bytes) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Box-filtered mip levels of one RGB texture, as OpenGL builds them, packed and
    flattened level after level; built once per process for each texture content."""
    key = (hashlib.blake2b(data, digest_size=16).hexdigest(), w, h)
    if key in _PYRAMIDS:
        return _PYRAMIDS[key]
    level = np.frombuffer(data, dtype=np.uint8).reshape(h, w, 3).astype(np.float32)
    levels = [level]
    while level.shape[0] > 1 or level.shape[1] > 1:
        hh, ww = max(1, level.shape[0] // 2), max(1, level.shape[1] // 2)
        cropped = level[: hh * 2 if level.shape[0] > 1 else 1, : ww * 2 if level.shape[1] > 1 else 1]
        fy = 2 if level.shape[0] > 1 else 1
        fx = 2 if level.shape[1] > 1 else 1
        level = cropped.reshape(hh, fy, ww, fx, 3).mean(axis=(1, 3))
        levels.append(level)
    flat = np.concatenate([_pack(np.rint(lv).astype(np.uint8)) for lv in levels])
    if len(_PYRAMIDS) >= 64:
        _PYRAMIDS.pop(next(iter(_PYRAMIDS)))
    _PYRAMIDS[key] = flat, [(lv.shape[1], lv.shape[0]) for lv in levels]
    return _PYRAMIDS[key]


def _texture_maps(lo: np.ndarray, hi: np.ndarray, rep: np.ndarray) -> np.ndarray:
    """How each static geom's faces map world points to texture coordinates (with the
    material's texrepeat): ``maps[g, a]`` for the faces normal to axis ``a`` holds
    ``(o_u, k_u, o_v, k_v)`` with ``u = (p[au] - o_u) * k_u`` and ``v = (p[av] - o_v) * k_v``,
    where ``au`` is 1 for ``a == 0`` and 0 otherwise and ``av`` is 1 for ``a == 2`` and 2
    otherwise.

    MuJoCo's mapping, measured: on horizontal faces (and planes) u grows along +x and v
    along -y; on the faces normal to x, u grows along +y; on the faces normal to y, u
    grows along +x; on vertical faces v grows downwards (-z); one repeat spans the face."""
    ext = hi - lo
    with np.errstate(divide="ignore"):
        inv = np.where(ext > 0, 1.0 / np.where(ext > 0, ext, 1.0), 0.0)
    maps = np.zeros((len(lo), 3, 4))
    ru, rv = rep[:, 0], rep[:, 1]
    maps[:, 0] = np.column_stack([lo[:, 1], ru * inv[:, 1], hi[:, 2], -rv * inv[:, 2]])
    maps[:, 1] = np.column_stack([lo[:, 0], ru * inv[:, 0], hi[:, 2], -rv * inv[:, 2]])
    maps[:, 2] = np.column_stack([lo[:, 0], ru * inv[:, 0], hi[:, 1], -rv * inv[:, 1]])
    return maps


_SCRATCH = threading.local()


def _scratch(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The tracing pass's hit buffers, one pair per thread and image size, shared by
    every renderer that draws on that thread: a batch of envs rendered one after
    another then keeps one 160 KiB pair in the cache instead of one pair per env."""
    pool = getattr(_SCRATCH, "pool", None)
    if pool is None:
        pool = _SCRATCH.pool = {}
    key = (height, width)
    if key not in pool:
        pool[key] = (np.zeros((height, width, 4)), np.zeros((height, width, 2), dtype=np.int32))
    return pool[key]


class CpuRenderer:
    """Ray-casts one camera of a memory_bench world into an ``(height, width, 3)`` uint8 array."""

    def __init__(self, model: mujoco.MjModel, height: int, width: int, parallel: bool = False):
        """``parallel`` spreads image rows over numba's threads (``numba.set_num_threads``);
        leave it off when many envs already share the cores."""
        self.model = model
        self.height, self.width = height, width
        self._kernel = render_kernel_parallel if parallel else render_kernel
        m = model
        self._build_textures()
        body = m.geom_bodyid
        welded = (m.body_weldid[body] == 0) & (m.body_mocapid[body] < 0)
        self._static = np.flatnonzero(welded)
        self._dynamic = np.flatnonzero(~welded)
        supported_static = (_BOX, _PLANE, _HFIELD)
        supported_dynamic = (_SPHERE, _CYLINDER)
        for ids, kinds, what in ((self._static, supported_static, "static"), (self._dynamic, supported_dynamic, "moving")):
            for g in ids:
                if self._visible_geom(g) and int(m.geom_type[g]) not in kinds:
                    name = mujoco.mj_id2name(m, mujoco.mjtObj.mjOBJ_GEOM, int(g))
                    raise NotImplementedError(
                        f"the cpu renderer cannot draw {what} geom {name!r} of type "
                        f"{mujoco.mjtGeom(m.geom_type[g]).name}; use renderer='mujoco'"
                    )
        for s in range(m.nsite):
            if m.site_group[s] < _VISIBLE_GROUPS and m.site_rgba[s, 3] > 0 and m.site_type[s] != _SPHERE:
                raise NotImplementedError(f"the cpu renderer draws only sphere sites, not site {s}")
        self._sites = np.array(
            [s for s in range(m.nsite) if m.site_group[s] < _VISIBLE_GROUPS and m.site_rgba[s, 3] > 0], dtype=np.int64
        )
        self._version = model_version(model)
        self._seen = None  # the model version the tables were built for
        self._fovy = self._tan_half_fovy = None
        self._data = self._views = None
        self._seg = np.full((height, width), -1, dtype=np.int32)
        self._depth = np.zeros((height, width))
        self._terrain_rgb: np.ndarray | None = None
        self._fog: tuple[float, float, np.ndarray] | None = None
        # the heightfield is laid out by each _refresh (its heights and colours can change)
        self._hfields = [int(g) for g in self._static if int(m.geom_type[g]) == _HFIELD]
        self._terrain = _NO_TERRAIN
        self._layout_static()
        self._read_light()

    # ------------------------------------------------------------------ public
    @property
    def segmentation(self) -> np.ndarray:
        """Per-pixel id of the last frame: geom id, ``1_000_000 + site id``, or -1 for sky."""
        return self._seg

    @property
    def depth(self) -> np.ndarray:
        """Per-pixel depth of the last frame along the camera's view axis, in model
        length units (metres); 1e30 where the sky shows."""
        return self._depth

    def render(self, data: mujoco.MjData, camera: int, out: np.ndarray) -> np.ndarray:
        m = self.model
        if self._version[0] != self._seen:
            self._refresh()
            self._seen = self._version[0]
        fovy = m.cam_fovy[camera]
        if fovy != self._fovy:
            self._fovy, self._tan_half_fovy = fovy, float(np.tan(np.radians(fovy) / 2))
        if data is not self._data:  # MjData's arrays stay where they are: take the views once
            self._data = data
            self._views = (data.cam_xpos, data.cam_xmat, data.geom_xpos, data.geom_xmat, data.site_xpos, data.site_xmat)
        cam_xpos, cam_xmat, geom_xpos, geom_xmat, site_xpos, site_xmat = self._views
        hit_f, hit_i = _scratch(self.height, self.width)  # scratch between the two passes
        self._kernel(
            out, self._seg, self._depth, hit_f, hit_i,
            cam_xpos, cam_xmat, camera, self._tan_half_fovy,
            self._ambient, self._diffuse,
            self._grid_origin, self._grid_cell, self._grid_shape, self._cell_start, self._cell_items, self._cell_code,
            self._s_kind, self._s_lo, self._s_hi, self._s_id, self._s_rgba, self._s_tex, self._s_map, self._z_top,
            geom_xpos, geom_xmat, site_xpos, site_xmat, self._dyn_ids, self._sites,
            self._d_kind, self._d_size, self._d_id, self._d_rgba,
            self._texels, self._mip_off, self._mip_w, self._mip_h, self._mip_first, self._mip_count, self._sky_tex,
            *self._terrain, self._fog[1] if self._fog is not None else 1e30,
        )
        if self._fog is not None:
            start, end, rgb = self._fog
            _apply_fog(out, self._depth, start, end, rgb)
        return out

    def set_fog(self, start: float, end: float, rgb) -> None:
        """Linear distance fog: pixels ``start`` .. ``end`` (model length units, along the
        view axis) away blend to ``rgb`` (0..1), the sky shows ``rgb`` (a far view that
        fades into haze); ``set_fog(0, 0, None)`` turns it off. The blend is computed in
        floats and rounded once, the same on every machine."""
        if rgb is None:
            self._fog = None
            return
        if not 0.0 <= start < end:
            raise ValueError(f"fog needs 0 <= start < end; got start={start!r}, end={end!r}")
        self._fog = (float(start), float(end), np.asarray(rgb, dtype=np.float64) * 255.0)

    def set_terrain_colors(self, rgb: np.ndarray | None) -> None:
        """Per-vertex colours ``(nrow, ncol, 3)`` in 0..1 of the world's heightfield
        (None: its geom colour, shaded by height), interpolated over each triangle."""
        self._terrain_rgb = None if rgb is None else np.ascontiguousarray(rgb, dtype=np.float64)
        self.invalidate()

    def invalidate(self) -> None:
        """Makes the next frame re-read what the model shows (see :func:`model_changed`)."""
        self._seen = None

    def close(self) -> None:
        pass

    # ------------------------------------------------------------------ appearance, vectorized
    def _effective_rgba(self, ids: np.ndarray) -> np.ndarray:
        """MuJoCo's rule: a geom with a material shows the material's colour unless its
        own rgba was changed from the default."""
        m = self.model
        mat = m.geom_matid[ids]
        own = m.geom_rgba[ids]
        if m.nmat == 0:
            return own
        use_mat = (mat >= 0) & np.all(own == _DEFAULT_GEOM_RGBA, axis=1)
        return np.where(use_mat[:, None], m.mat_rgba[np.maximum(mat, 0)], own)

    def _visible(self, ids: np.ndarray) -> np.ndarray:
        return (self.model.geom_group[ids] < _VISIBLE_GROUPS) & (self._effective_rgba(ids)[:, 3] > 0)

    def _textures(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Internal texture index (-1: none) and texrepeat of each geom's material."""
        m = self.model
        mat = m.geom_matid[ids]
        if m.nmat == 0 or m.ntex == 0:
            return np.full(len(ids), -1, dtype=np.int64), np.ones((len(ids), 2))
        tex = np.where(mat >= 0, m.mat_texid[np.maximum(mat, 0), _RGB_ROLE], -1)
        is_2d = (tex >= 0) & (m.tex_type[np.maximum(tex, 0)] == _TEX_2D)
        index = np.where(is_2d, self._tex_index[np.maximum(tex, 0)], -1)
        rep = np.where((mat >= 0)[:, None], m.mat_texrepeat[np.maximum(mat, 0)], 1.0)
        return index.astype(np.int64), rep.astype(np.float64)

    def _visible_geom(self, g: int) -> bool:
        return bool(self._visible(np.array([g]))[0])

    # ------------------------------------------------------------------ tables
    def _build_textures(self) -> None:
        m = self.model
        chunks, offs, ws, hs, first, count = [], [], [], [], [], []
        self._tex_index = np.full(m.ntex, -1, dtype=np.int64)
        self._sky_tex = -1
        total = 0
        for t in range(m.ntex):
            w, h, c = int(m.tex_width[t]), int(m.tex_height[t]), int(m.tex_nchannel[t])
            if c != 3:
                continue
            adr = int(m.tex_adr[t])
            raw = m.tex_data[adr: adr + w * h * c].tobytes()
            if m.tex_type[t] == _TEX_2D:
                flat, sizes = _pyramid(w, h, raw)
            else:  # cube and skybox textures: one level, faces stacked
                flat, sizes = _pack(np.frombuffer(raw, dtype=np.uint8)), [(w, h)]
                if m.tex_type[t] == _TEX_SKYBOX:
                    self._sky_tex = len(first)
            self._tex_index[t] = len(first)
            first.append(len(offs))
            count.append(len(sizes))
            pos = 0
            for lw, lh in sizes:
                offs.append(total + pos)
                ws.append(lw)
                hs.append(lh)
                pos += lw * lh
            chunks.append(flat)
            total += flat.size
        self._texels = np.concatenate(chunks) if chunks else np.zeros(1, dtype=np.uint32)
        self._mip_off = np.array(offs, dtype=np.int64)
        self._mip_w = np.array(ws, dtype=np.int64)
        self._mip_h = np.array(hs, dtype=np.int64)
        self._mip_first = np.array(first, dtype=np.int64)
        self._mip_count = np.array(count, dtype=np.int64)

    def _layout_static(self) -> None:
        """Geometry that never moves: static geoms' bounds, the lattice, and which lattice
        cells each geom covers (and whether it fills the cell)."""
        m = self.model
        data = mujoco.MjData(m)
        mujoco.mj_kinematics(m, data)
        ids = np.array([g for g in self._static if int(m.geom_type[g]) in (_BOX, _PLANE)], dtype=np.int64)
        if not np.allclose(data.geom_xmat[ids], np.eye(3).ravel(), atol=1e-9):
            raise NotImplementedError("the cpu renderer needs the static boxes and planes to be axis-aligned")
        pos = data.geom_xpos[ids]
        size = m.geom_size[ids]
        is_box = m.geom_type[ids] == _BOX
        lo = pos - np.where(is_box[:, None], size, np.column_stack([size[:, :2], np.zeros(len(ids))]))
        hi = pos + np.where(is_box[:, None], size, np.column_stack([size[:, :2], np.zeros(len(ids))]))
        n = len(ids)
        self._s_ids_all = ids
        self._s_kind = np.where(is_box, 0, 1).astype(np.int64)
        self._s_lo, self._s_hi, self._s_id = lo, hi, ids.astype(np.int32)
        self._s_rgba = np.zeros((n, 3))
        self._s_tex = np.full(n, -1, dtype=np.int64)
        self._s_map = np.zeros((n, 3, 4))
        # the lattice: the median static footprint sets the cell size (in a maze, every
        # wall and floor tile has the same footprint: the lattice is the maze's grid);
        # smaller geoms are listed in each cell they overlap
        extent = (hi - lo)[:, :2]
        cell = np.median(extent, axis=0) if n else np.ones(2)
        origin = lo[:, :2].min(axis=0) if n else np.zeros(2)
        shape = np.maximum(1, np.ceil((hi[:, :2].max(axis=0) - origin) / cell - 1e-9).astype(np.int64)) if n else np.ones(2, np.int64)
        self._grid_origin, self._grid_cell, self._grid_shape = origin.astype(np.float64), cell.astype(np.float64), shape
        # every (geom, lattice cell it overlaps) pair, geom by geom, row by row of cells
        # (numpy, not a Python loop: levels with moving statics re-lay the lattice per reset)
        eps = 1e-6
        c0 = np.floor((lo[:, :2] - origin) / cell + eps).astype(np.int64)
        c1 = np.ceil((hi[:, :2] - origin) / cell - eps).astype(np.int64)
        start = np.maximum(0, c0)
        stop = np.minimum(shape, np.maximum(c1, c0 + 1))
        span = np.maximum(0, stop - start)  # cells covered along x and y
        count = span[:, 0] * span[:, 1]
        pair_geom = np.repeat(np.arange(n), count)
        local = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        nx = np.maximum(span[pair_geom, 0], 1)
        cx = start[pair_geom, 0] + local % nx
        cy = start[pair_geom, 1] + local // nx
        pair_cell = cy * shape[0] + cx
        cell_lo = origin + cell * np.column_stack([cx, cy])
        glo, ghi = lo[pair_geom, :2], hi[pair_geom, :2]
        pair_fills = (np.all(np.abs(glo - cell_lo) <= 1e-8 + 1e-5 * np.abs(cell_lo), axis=1)
                      & np.all(np.abs(ghi - cell_lo - cell) <= 1e-8 + 1e-5 * np.abs(cell_lo + cell), axis=1))
        order = np.argsort(np.array(pair_cell, dtype=np.int64), kind="stable")
        self._pair_geom = np.array(pair_geom, dtype=np.int64)[order]
        self._pair_cell = np.array(pair_cell, dtype=np.int64)[order]
        self._pair_fills = np.array(pair_fills, dtype=bool)[order]
        self._ncell = int(shape[0] * shape[1])
        self._laid_out = (m.geom_pos[ids].copy(), m.geom_size[ids].copy())

    def _layout_terrain(self, data: mujoco.MjData) -> None:
        """The heightfield geom (one at most), as the kernel's vertex grid: origin (and
        the highest vertex), cell size, vertex heights, per-cell highest corner, vertex colours and geom id."""
        m = self.model
        hf = [g for g in self._hfields if self._visible_geom(g)]
        if len(hf) > 1:
            raise NotImplementedError("the cpu renderer draws one heightfield geom at most")
        if not hf:
            self._terrain = _NO_TERRAIN
            return
        g = hf[0]
        if not np.allclose(data.geom_xmat[g], np.eye(3).ravel(), atol=1e-9):
            raise NotImplementedError("the cpu renderer needs the heightfield axis-aligned")
        h = int(m.geom_dataid[g])
        nrow, ncol = int(m.hfield_nrow[h]), int(m.hfield_ncol[h])
        rx, ry, top, _base = m.hfield_size[h]
        adr = int(m.hfield_adr[h])
        raw = np.asarray(m.hfield_data[adr: adr + nrow * ncol], dtype=np.float64).reshape(nrow, ncol)
        x, y, z = data.geom_xpos[g]
        z_v = z + raw * top
        cmax = np.maximum(np.maximum(z_v[:-1, :-1], z_v[1:, :-1]), np.maximum(z_v[:-1, 1:], z_v[1:, 1:]))
        rgb = self._terrain_rgb
        if rgb is None or rgb.shape != (nrow, ncol, 3):
            base = self._effective_rgba(np.array([g]))[0, :3].astype(np.float64)
            rgb = base[None, None, :] * (0.8 + 0.2 * raw)[..., None]
        origin = np.array([x - rx, y - ry, z_v.max()])  # and the highest vertex
        cell = np.array([2 * rx / (ncol - 1), 2 * ry / (nrow - 1)])
        self._terrain = (origin, cell, np.ascontiguousarray(z_v), np.ascontiguousarray(cmax), np.ascontiguousarray(rgb), int(g))

    def _read_light(self) -> None:
        m = self.model
        on = 1.0 if m.vis.headlight.active else 0.0
        self._ambient = np.asarray(m.vis.headlight.ambient, dtype=np.float64) * on
        self._diffuse = np.asarray(m.vis.headlight.diffuse, dtype=np.float64) * on

    def _refresh(self) -> None:
        """Re-reads what the model shows now: the headlight, visibility, colours and
        textures of static geoms (and the cell lists built from them), and the moving
        geoms and sites."""
        m = self.model
        self._read_light()
        ids = self._s_ids_all
        pos, size = self._laid_out
        if not (np.array_equal(m.geom_pos[ids], pos) and np.array_equal(m.geom_size[ids], size)):
            self._layout_static()  # a level moved or resized a static geom (a platform, a door)
            ids = self._s_ids_all
        if self._hfields:
            data = mujoco.MjData(m)
            mujoco.mj_kinematics(m, data)
            self._layout_terrain(data)
        visible = self._visible(ids)
        self._s_rgba = self._effective_rgba(ids)[:, :3].astype(np.float64)
        self._s_tex, rep = self._textures(ids)
        self._s_map = _texture_maps(self._s_lo, self._s_hi, rep)
        self._z_top = float(self._s_hi[visible, 2].max()) if visible.any() else 0.0
        keep = visible[self._pair_geom]
        geoms, cells, fills = self._pair_geom[keep], self._pair_cell[keep], self._pair_fills[keep]
        counts = np.bincount(cells, minlength=self._ncell)
        self._cell_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._cell_items = geoms.astype(np.int64)
        # fast paths: a cell whose only geom is a box filling it (a wall cell), or a
        # horizontal plane filling it (a floor tile)
        alone = (counts[cells] == 1) & fills
        # (cell_code: the box's index, -2 - the plane's index, or -1 for any other cell)
        self._cell_code = np.full(self._ncell, -1, dtype=np.int64)
        solid = alone & (self._s_kind[geoms] == 0)
        floor = alone & (self._s_kind[geoms] == 1)
        self._cell_code[cells[solid]] = geoms[solid]
        self._cell_code[cells[floor]] = -2 - geoms[floor]
        # moving geoms and sites
        dyn = self._dynamic[self._visible(self._dynamic)] if len(self._dynamic) else self._dynamic
        self._dyn_ids = dyn
        self._d_kind = np.concatenate([np.where(m.geom_type[dyn] == _SPHERE, 0, 1), np.zeros(len(self._sites))]).astype(np.int64)
        self._d_size = np.concatenate([m.geom_size[dyn], m.site_size[self._sites]]).astype(np.float64).reshape(-1, 3)
        self._d_id = np.concatenate([dyn, SITE_BASE + self._sites]).astype(np.int32)
        self._d_rgba = np.concatenate([self._effective_rgba(dyn)[:, :3], m.site_rgba[self._sites, :3]]).astype(np.float64)
