"""The physical world: owns ``MjModel``/``MjData``, applies layouts and actions, steps.

A :class:`MazeWorld` is compiled once. :meth:`MazeWorld.apply_layout` turns the geom
pool of the model into one concrete maze by writing model arrays only, and
:meth:`MazeWorld.step` runs the physics substeps of one control step and reports
which targets the agent touched during *any* of them (the original checks contacts
after every substep too, so a touch in the middle of a control step counts).
"""

from __future__ import annotations

import math

import mujoco
import numpy as np

from memory_bench.engine.layout import MazeLayout, cell_to_world, world_to_grid
from memory_bench.engine.render import model_changed
from memory_bench.engine.scene import (
    CELL_SIZE,
    COLLIDER_GROUP,
    HIDDEN_GROUP,
    SceneConfig,
    build_spec,
    wall_texture_names,
)


class MazeWorld:
    """MuJoCo model and data of one maze size, re-laid-out in place at every reset."""

    def __init__(self, cfg: SceneConfig):
        self.cfg = cfg
        self.model = build_spec(cfg).compile()
        self.data = mujoco.MjData(self.model)
        m = self.model
        n = cfg.grid

        def gid(name: str) -> int:
            return mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_GEOM, name)

        def mid(name: str) -> int:
            return mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_MATERIAL, name)

        self.wall_geoms = np.array([[gid(f"wall_{r}_{c}") for c in range(n)] for r in range(n)])
        self.floor_geoms = np.array([[gid(f"floor_{r}_{c}") for c in range(1, n - 1)] for r in range(1, n - 1)])
        self.target_geoms = np.array([gid(f"target_{i}") for i in range(cfg.n_targets)])
        self._target_lo, self._target_hi = int(self.target_geoms[0]), int(self.target_geoms[-1]) + 1
        assert np.array_equal(self.target_geoms, np.arange(self._target_lo, self._target_hi))
        self.target_mocap = m.body_mocapid[m.geom_bodyid[self.target_geoms]]
        self._target_xy = np.zeros((cfg.n_targets, 2))
        agent_root = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_BODY, "agent_root")
        agent_geoms = np.flatnonzero(np.isin(m.geom_bodyid, np.flatnonzero(m.body_rootid == agent_root)))
        self._agent_lo, self._agent_hi = int(agent_geoms[0]), int(agent_geoms[-1]) + 1
        assert np.array_equal(agent_geoms, np.arange(self._agent_lo, self._agent_hi))
        self.wall_materials = np.array([mid(f"wall_{name}") for name in wall_texture_names()])
        self.floor_materials = np.array([mid("floor_corridor"), mid("floor_room")])
        self.head_body = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_BODY, "head")
        self.egocentric_camera = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_CAMERA, "egocentric")
        self.top_camera = mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_CAMERA, "top")
        jnt = {name: m.jnt_qposadr[mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_JOINT, name)] for name in ("root_x", "root_y", "root_z", "steer")}
        self._qpos_x, self._qpos_y, self._qpos_steer = jnt["root_x"], jnt["root_y"], jnt["steer"]
        self._visible_group = int(m.geom_group[self.wall_geoms[0, 0]])
        # How close to a target the head must come for any agent geom to touch it.
        mujoco.mj_forward(m, self.data)
        head_xy = self.data.xpos[self.head_body, :2]
        reach = max(
            float(np.linalg.norm(self.data.geom_xpos[g, :2] - head_xy) + m.geom_rbound[g])
            for g in range(self._agent_lo, self._agent_hi)
        )
        self._touch_distance = reach + float(m.geom_rbound[self.target_geoms].max())
        self._root_dofs = [int(m.jnt_dofadr[mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_JOINT, n)]) for n in ("root_x", "root_y")]
        self._target_list: list[list[float]] = []
        self.layout: MazeLayout | None = None

    # ------------------------------------------------------------------ layout
    def apply_layout(self, layout: MazeLayout, block_textures: np.ndarray, target_cells: np.ndarray,
                     target_colors: np.ndarray) -> None:
        """Makes the model show ``layout``.

        Args:
            layout: the maze; its grid must match this world's size.
            block_textures: ``(9,)`` indices into :func:`wall_texture_names`, one per texture block.
            target_cells: ``(n_targets, 2)`` ``(row, col)`` cells of the targets.
            target_colors: ``(n_targets, 3)`` RGB in ``[0, 1]``.
        """
        m = self.model
        if layout.shape != (self.cfg.grid, self.cfg.grid):
            raise ValueError(f"layout of shape {layout.shape} does not fit a world of grid {self.cfg.grid}")
        walls = layout.walls
        wall_ids = self.wall_geoms
        m.geom_contype[wall_ids] = walls
        m.geom_conaffinity[wall_ids] = walls
        m.geom_group[wall_ids] = np.where(walls, self._visible_group, HIDDEN_GROUP)
        m.geom_matid[wall_ids] = self.wall_materials[np.asarray(block_textures)[layout.wall_block]]
        inner_walls = walls[1:-1, 1:-1]
        m.geom_group[self.floor_geoms] = np.where(inner_walls, HIDDEN_GROUP, self._visible_group)
        m.geom_matid[self.floor_geoms] = self.floor_materials[(layout.rooms[1:-1, 1:-1] > 0).astype(np.int64)]
        self._target_xy[:] = cell_to_world(target_cells, self.cfg.grid, CELL_SIZE)
        self._target_list = self._target_xy.tolist()
        m.geom_rgba[self.target_geoms, :3] = target_colors
        model_changed(m)  # renderers re-read visibility, materials and colours
        self.layout = layout

    def spawn(self, cell: np.ndarray, heading: float) -> None:
        """Resets the dynamics and puts the agent at rest on ``cell`` facing ``heading``
        (radians, counter-clockwise from world +x)."""
        m, d = self.model, self.data
        mujoco.mj_resetData(m, d)
        x, y = cell_to_world(np.asarray(cell), self.cfg.grid, CELL_SIZE)
        d.qpos[self._qpos_x] = x
        d.qpos[self._qpos_y] = y
        # The steer hinge turns about -z on top of the head's -90 degree frame, whose
        # forward axis is +y: forward points at angle -steer.
        d.qpos[self._qpos_steer] = -heading
        d.mocap_pos[self.target_mocap, :2] = self._target_xy
        mujoco.mj_forward(m, d)

    # ------------------------------------------------------------------ dynamics
    def step(self, ctrl: np.ndarray, n_substeps: int, touched: np.ndarray) -> None:
        """Runs ``n_substeps`` physics steps with ``ctrl`` and ORs into ``touched``
        (bool, one per target) every target in contact with the agent after any substep.

        ``mj_step`` computes positions and contacts at the *start* of a substep and then
        integrates, so after it ``data``'s poses and contacts are one substep old. The
        original (dm_control's stepping, which ends each substep with ``mj_step1``) sees
        the state *after* each substep, both in its contact checks and in the image and
        probes of a control step. So a step here ends with ``mj_fwdPosition``
        (kinematics, collision, constraints; the trajectory is untouched, as the next
        ``mj_step`` recomputes them): the frame, the probes and the last contact check
        are of the state reached, and each substep's contacts are read from the next
        substep's ``mj_step``, which computed them at the start of that substep.

        The substeps run in as few ``mj_step(model, data, k)`` calls in C as the
        distance to the nearest target allows: the agent cannot move more than
        ``MAX_SPEED * timestep`` per substep, so while it is ``g`` metres short of
        touching distance, the next ``g / (MAX_SPEED * timestep)`` substeps cannot touch
        anything (one substep less is taken, as the pose read is a substep old). Only
        when a touch is possible within one substep are the contacts checked after every
        substep; so no touch between control steps is missed, and far from targets a
        whole control step is one call.
        """
        m, d = self.model, self.data
        d.ctrl[:] = ctrl
        left = n_substeps
        first = True
        while left:
            k = min(left, self._safe_substeps())
            mujoco.mj_step(m, d, k)
            left -= k
            # after a single substep, d.contact holds the contacts of the state the
            # substep started from: the previous substep's end (skipped for the first
            # substep, whose start is the previous control step's end, already checked)
            if k == 1 and not first:
                self._check_touches(touched)
            first = False
        mujoco.mj_fwdPosition(m, d)
        self._check_touches(touched)

    def _check_touches(self, touched: np.ndarray) -> None:
        d = self.data
        if d.ncon > 1:  # the ball always touches the ground
            geom = d.contact.geom
            is_target = (geom >= self._target_lo) & (geom < self._target_hi)
            is_agent = (geom >= self._agent_lo) & (geom < self._agent_hi)
            pairs = is_target & is_agent[:, ::-1]
            if pairs.any():
                touched[geom[pairs] - self._target_lo] = True

    #: The agent's top speed is 2.0 m/s (0.25 cells per 0.25 s step, the roll motor's
    #: limit against the joint damping); the bound leaves a quarter more.
    MAX_SPEED = 2.5

    def _safe_substeps(self) -> int:
        """How many substeps from now surely touch no target (at least 1)."""
        d = self.data
        qvel = d.qvel
        per_substep = max(math.hypot(qvel[self._root_dofs[0]], qvel[self._root_dofs[1]]), self.MAX_SPEED)
        per_substep *= self.model.opt.timestep
        x, y = d.xpos[self.head_body, :2].tolist()
        gap = min(math.hypot(tx - x, ty - y) for tx, ty in self._target_list) - self._touch_distance
        return max(1, int(gap / per_substep) - 1) if gap > 0 else 1

    # ------------------------------------------------------------------ state in grid units
    def agent_pos(self) -> np.ndarray:
        """Agent position in the original's grid units."""
        return world_to_grid(self.data.xpos[self.head_body, :2], self.cfg.size, CELL_SIZE)

    def agent_dir(self) -> np.ndarray:
        """Unit vector of the agent's forward direction (the head frame's +y axis)."""
        xmat = self.data.xmat[self.head_body]
        return np.array([xmat[1], xmat[4]])

    def head_frame(self) -> tuple[np.ndarray, np.ndarray]:
        """World position and rotation matrix of the head (the original's walker root body)."""
        return self.data.xpos[self.head_body], self.data.xmat[self.head_body].reshape(3, 3)

    def targets_world_xy(self) -> np.ndarray:
        return self._target_xy


__all__ = ["MazeWorld", "COLLIDER_GROUP"]
