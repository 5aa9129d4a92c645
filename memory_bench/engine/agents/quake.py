"""DMLab's player movement: Quake III Arena's ``bg_pmove.c`` rules, for a box in a world
of axis-aligned solids.

DMLab moves its agent with the Quake III engine's player physics, not with a rigid-body
simulator: each frame (1/60 s of the agent's time, 16 ms of engine time) it turns the view, applies ground friction, accelerates
towards the wished direction, then slides the player's box through the world (clipping
its velocity against every surface it meets, stepping up ledges of up to 18 u, falling
under gravity). This module reimplements those rules for the solids a text level is
made of: the text map's solid cells (100 u square columns standing on the floor, each
as tall as the level says: walls, or the platforms of a sky maze), extra boxes, an
optional terrain heightfield (each of its triangles a brush, as a Quake map's terrain
is), and the floor plane ``z = 0``. Lengths are DMLab game units (u), times seconds.

What is reproduced, with Quake III's names: ``PM_Friction`` (stop speed 100, friction
6), ``PM_Accelerate`` (ground 10, air 1), ``PM_CmdScale`` (the wished speed never
exceeds 320 u/s, diagonals included), ``PM_ClipVelocity`` (overclip 1.001),
``PM_SlideMove`` (4 bumps, crease handling), ``PM_StepSlideMove`` (step 18 u),
``PM_GroundTrace`` (walkable if the normal's z >= 0.7), ``PM_CheckJump`` (270 u/s, the
key released in between), crouching (view 12 u, box top 16 u, speed x 0.25), and the
box trace's 0.125 u surface epsilon (``SURFACE_CLIP_EPSILON``), so that the player stops
0.125 u short of a wall as in the original. View angles are quantised to Quake's 16-bit
angle shorts. Not reproduced: water, ladders, slick surfaces, knockback, movers.

All of it runs in numba, one call for the frames of an agent step
(:func:`run_frames`), so that a step costs microseconds.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

FRAME_RATE = 60.0  # DMLab's frames per (external) second
#: Engine time of one frame: DMLab advances Quake's clock by whole milliseconds, 16 ms
#: a frame at 60 frames/s (its kEngineTimePerExternalTime is 0.96), so every rate below
#: is per engine second and an agent sees 0.96 of it per second of frames.
FRAME_MSEC = 16
FRAME_TIME = FRAME_MSEC / 1000.0
SPEED = 320.0  # g_speed, u/s
ACCELERATE = 10.0  # pm_accelerate
AIR_ACCELERATE = 1.0  # pm_airaccelerate
FRICTION = 6.0  # pm_friction
STOP_SPEED = 100.0  # pm_stopspeed
GRAVITY = 800.0  # g_gravity, u/s^2
JUMP_VELOCITY = 270.0  # u/s
STEP_SIZE = 18.0  # u
DUCK_SCALE = 0.25
OVERCLIP = 1.001
SURFACE_CLIP_EPSILON = 0.125
MIN_WALK_NORMAL = 0.7
PLAYER_MINS = (-15.0, -15.0, -24.0)
PLAYER_MAXS = (15.0, 15.0, 32.0)
CROUCH_MAXS_Z = 16.0
VIEW_HEIGHT = 26.0  # eye above the origin, standing
CROUCH_VIEW_HEIGHT = 12.0
PITCH_LIMIT = 16000 * 360.0 / 65536.0  # Quake clamps pitch at 16000 angle shorts (87.9 degrees)
MOVE_SCALE = 127.0  # a full key press is 127 in a usercmd
#: Degrees of view turn per "pixel" of DMLab's look actions, per frame: DMLab turns
#: 0.11 * 60 / 1000 degrees per engine millisecond per pixel, 16 ms a frame.
LOOK_DEGREES_PER_PIXEL = 0.11 * 60 / 1000 * FRAME_MSEC

# state vector layout
X, Y, Z, VX, VY, VZ, YAW, PITCH = range(8)
STATE_SIZE = 8
# flags vector layout
ON_GROUND, JUMP_HELD, DUCKED = range(3)
FLAGS_SIZE = 3

_BIG = 1e9


def view_angles(st: np.ndarray) -> tuple[float, float]:
    """The (yaw, pitch) the engine moves and draws with: the client's angles through
    Quake's angle shorts."""
    return float(_angle_short(st[YAW])), float(_angle_short(st[PITCH]))


@nb.njit(cache=True, inline="always")
def _angle_short(deg):
    """Quake's ANGLE2SHORT then SHORT2ANGLE: the angle as the engine stores it."""
    s = int(deg * (65536.0 / 360.0)) & 65535
    a = s * (360.0 / 65536.0)
    return a - 360.0 if a >= 180.0 else a


@nb.njit(cache=True, inline="always")
def _cross_plane(d1, d2, enter, leave):
    """One plane of Quake's CM_TraceThroughBrush, for a move that starts ``d1`` and
    ends ``d2`` in front of it: (missed, entering, enter, leave). ``missed``: the move
    stays in front of this plane, so it misses the brush; ``entering``: this plane
    gives the latest entry so far (its normal becomes the hit's)."""
    if d1 > 0 and (d2 >= SURFACE_CLIP_EPSILON or d2 >= d1):
        return True, False, enter, leave
    if d1 <= 0 and d2 <= 0:
        return False, False, enter, leave
    if d1 > d2:
        f = max((d1 - SURFACE_CLIP_EPSILON) / (d1 - d2), 0.0)
        if f > enter:
            return False, True, f, leave
        return False, False, enter, leave
    return False, False, enter, min(leave, (d1 + SURFACE_CLIP_EPSILON) / (d1 - d2))


@nb.njit(cache=True, inline="always")
def _end_clip(tr, startout, getout, enter, leave, n0, n1, n2):
    """The brush's verdict into ``tr``: started inside it (startsolid, allsolid if it
    never gets out), or hit earlier than what ``tr`` holds."""
    if not startout:
        tr[4] = 1.0
        if not getout:
            tr[5] = 1.0
            tr[0] = 0.0
        return
    if enter < leave and enter > -1 and enter < tr[0]:
        tr[0] = max(enter, 0.0)
        tr[1] = n0
        tr[2] = n1
        tr[3] = n2


@nb.njit(cache=True)
def _clip_box(sx, sy, sz, ex, ey, ez, lo0, lo1, lo2, hi0, hi1, hi2, mins, maxs, tr):
    """Clips the move of the player box from s to e against one solid box (Quake's
    CM_ClipBoxToBrush for an axis-aligned brush): updates ``tr`` = (fraction, nx, ny,
    nz, startsolid, allsolid) when this box is hit first."""
    enter = -1.0
    leave = 1.0
    n0 = 0.0
    n1 = 0.0
    n2 = 0.0
    startout = False
    getout = False
    s = (sx, sy, sz)
    e = (ex, ey, ez)
    lo = (lo0, lo1, lo2)
    hi = (hi0, hi1, hi2)
    for a in range(3):
        for side in range(2):
            if side == 0:  # the face at hi, normal +a; the player's mins touch it
                d1 = s[a] + mins[a] - hi[a]
                d2 = e[a] + mins[a] - hi[a]
                sign = 1.0
            else:  # the face at lo, normal -a; the player's maxs touch it
                d1 = lo[a] - (s[a] + maxs[a])
                d2 = lo[a] - (e[a] + maxs[a])
                sign = -1.0
            getout = getout or d2 > 0
            startout = startout or d1 > 0
            missed, entering, enter, leave = _cross_plane(d1, d2, enter, leave)
            if missed:
                return
            if entering:
                n0 = sign if a == 0 else 0.0
                n1 = sign if a == 1 else 0.0
                n2 = sign if a == 2 else 0.0
    _end_clip(tr, startout, getout, enter, leave, n0, n1, n2)


#: How far below its lowest corner a terrain triangle's brush reaches (u).
TERRAIN_DEPTH = 256.0


@nb.njit(cache=True, inline="always")
def _tri_plane(k, ax, ay, az, bx, by, bz, cx, cy, cz, zbot):
    """Plane ``k`` (normal, distance) of the brush under terrain triangle abc (counter-
    clockwise seen from above): 0 its top, 1-3 the vertical sides of its edges, 4-9
    the axial bevels q3map adds to every brush (x, y and z bounds)."""
    if k == 0:
        ux, uy, uz = bx - ax, by - ay, bz - az
        vx, vy, vz = cx - ax, cy - ay, cz - az
        nx, ny, nz = uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx
        inv = 1.0 / math.sqrt(nx * nx + ny * ny + nz * nz)
        nx, ny, nz = nx * inv, ny * inv, nz * inv
        return nx, ny, nz, nx * ax + ny * ay + nz * az
    if k <= 3:
        if k == 1:
            px, py, qx, qy = ax, ay, bx, by
        elif k == 2:
            px, py, qx, qy = bx, by, cx, cy
        else:
            px, py, qx, qy = cx, cy, ax, ay
        nx, ny = qy - py, px - qx
        inv = 1.0 / math.sqrt(nx * nx + ny * ny)
        nx, ny = nx * inv, ny * inv
        return nx, ny, 0.0, nx * px + ny * py
    if k == 4:
        return 1.0, 0.0, 0.0, max(ax, bx, cx)
    if k == 5:
        return -1.0, 0.0, 0.0, -min(ax, bx, cx)
    if k == 6:
        return 0.0, 1.0, 0.0, max(ay, by, cy)
    if k == 7:
        return 0.0, -1.0, 0.0, -min(ay, by, cy)
    if k == 8:
        return 0.0, 0.0, 1.0, max(az, bz, cz)
    return 0.0, 0.0, -1.0, -zbot


@nb.njit(cache=True)
def _clip_triangle(sx, sy, sz, ex, ey, ez, ax, ay, az, bx, by, bz, cx, cy, cz, mins, maxs, tr):
    """Clips the player box's move against the brush under one terrain triangle, as
    Quake's CM_TraceThroughBrush does for any convex brush: each plane is moved out by
    the box corner that leads into it (the box's offsets by the normal's signs)."""
    zbot = min(az, bz, cz) - TERRAIN_DEPTH
    enter = -1.0
    leave = 1.0
    n0 = n1 = n2 = 0.0
    startout = False
    getout = False
    for k in range(10):
        nx, ny, nz, pd = _tri_plane(k, ax, ay, az, bx, by, bz, cx, cy, cz, zbot)
        ox = maxs[0] if nx < 0 else mins[0]
        oy = maxs[1] if ny < 0 else mins[1]
        oz = maxs[2] if nz < 0 else mins[2]
        dist = pd - (nx * ox + ny * oy + nz * oz)
        d1 = nx * sx + ny * sy + nz * sz - dist
        d2 = nx * ex + ny * ey + nz * ez - dist
        getout = getout or d2 > 0
        startout = startout or d1 > 0
        missed, entering, enter, leave = _cross_plane(d1, d2, enter, leave)
        if missed:
            return
        if entering:
            n0, n1, n2 = nx, ny, nz
    _end_clip(tr, startout, getout, enter, leave, n0, n1, n2)


@nb.njit(cache=True)
def _clip_terrain(sx, sy, sz, ex, ey, ez, mins, maxs, hz, hg, tr):
    """Clips the move against the terrain heightfield ``hz`` (vertex heights, u; row
    ``j`` at y = ``hg[1] + j * hg[2]``, column ``i`` at x = ``hg[0] + i * hg[2]``), each
    cell two triangles split along its (0, 0)-(1, 1) diagonal as MuJoCo splits a
    heightfield's cells."""
    nvy, nvx = hz.shape
    x0g, y0g, cg = hg[0], hg[1], hg[2]
    lo_x = min(sx, ex) + mins[0] - 1.0
    hi_x = max(sx, ex) + maxs[0] + 1.0
    lo_y = min(sy, ey) + mins[1] - 1.0
    hi_y = max(sy, ey) + maxs[1] + 1.0
    lo_z = min(sz, ez) + mins[2] - 1.0
    i0 = max(0, int(math.floor((lo_x - x0g) / cg)))
    i1 = min(nvx - 2, int(math.floor((hi_x - x0g) / cg)))
    j0 = max(0, int(math.floor((lo_y - y0g) / cg)))
    j1 = min(nvy - 2, int(math.floor((hi_y - y0g) / cg)))
    for j in range(j0, j1 + 1):
        for i in range(i0, i1 + 1):
            z00, z10 = hz[j, i], hz[j, i + 1]
            z01, z11 = hz[j + 1, i], hz[j + 1, i + 1]
            if lo_z > max(max(z00, z10), max(z01, z11)):
                continue  # the box stays above this cell
            x = x0g + i * cg
            y = y0g + j * cg
            _clip_triangle(sx, sy, sz, ex, ey, ez, x, y, z00, x + cg, y, z10, x + cg, y + cg, z11, mins, maxs, tr)
            _clip_triangle(sx, sy, sz, ex, ey, ez, x, y, z00, x + cg, y + cg, z11, x, y + cg, z01, mins, maxs, tr)


@nb.njit(cache=True)
def trace(sx, sy, sz, ex, ey, ez, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr):
    """Sweeps the player box from s to e through the world; fills ``tr`` with the
    fraction of the move done, the normal of the surface hit, startsolid and allsolid.

    The world: the floor (everything below z = 0), each ``solid[row, col]`` cell as a
    box ``cell`` u wide from z = 0 to ``wall_top[row, col]`` (row 0 at the top, as the
    text), the ``boxes`` rows ``(x0, y0, z0, x1, y1, z1)``, and the terrain ``hz``
    laid out by ``hg`` = (x0, y0, cell) (:func:`_clip_terrain`; a ``(0, 0)`` ``hz`` for
    none)."""
    tr[0] = 1.0
    tr[1] = 0.0
    tr[2] = 0.0
    tr[3] = 0.0
    tr[4] = 0.0
    tr[5] = 0.0
    _clip_box(sx, sy, sz, ex, ey, ez, -_BIG, -_BIG, -_BIG, _BIG, _BIG, 0.0, mins, maxs, tr)
    h, w = solid.shape
    x0 = min(sx, ex) + mins[0] - 1.0
    x1 = max(sx, ex) + maxs[0] + 1.0
    y0 = min(sy, ey) + mins[1] - 1.0
    y1 = max(sy, ey) + maxs[1] + 1.0
    c0 = max(0, int(math.floor(x0 / cell)))
    c1 = min(w - 1, int(math.floor(x1 / cell)))
    r0 = max(0, h - 1 - int(math.floor(y1 / cell)))
    r1 = min(h - 1, h - 1 - int(math.floor(y0 / cell)))
    for r in range(r0, r1 + 1):
        for c in range(c0, c1 + 1):
            if solid[r, c]:
                bx = c * cell
                by = (h - 1 - r) * cell
                _clip_box(sx, sy, sz, ex, ey, ez, bx, by, 0.0, bx + cell, by + cell, wall_top[r, c], mins, maxs, tr)
    for k in range(boxes.shape[0]):
        _clip_box(sx, sy, sz, ex, ey, ez, boxes[k, 0], boxes[k, 1], boxes[k, 2], boxes[k, 3], boxes[k, 4], boxes[k, 5], mins, maxs, tr)
    if hz.shape[0] > 1:
        _clip_terrain(sx, sy, sz, ex, ey, ez, mins, maxs, hz, hg, tr)


@nb.njit(cache=True, inline="always")
def _clip_velocity(v0, v1, v2, n0, n1, n2, overbounce):
    backoff = v0 * n0 + v1 * n1 + v2 * n2
    if backoff < 0:
        backoff *= overbounce
    else:
        backoff /= overbounce
    return v0 - n0 * backoff, v1 - n1 * backoff, v2 - n2 * backoff


@nb.njit(cache=True)
def _slide_move(st, gravity, ground, gn, dt, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr):
    """PM_SlideMove: moves the box for ``dt`` seconds, sliding along what it hits;
    True if it hit something."""
    planes = np.zeros((5, 3))
    num = 0
    ev = np.empty(3)  # the velocity at the end of the frame (gravity applied)
    ev[0], ev[1], ev[2] = st[VX], st[VY], st[VZ]
    if gravity:
        ev[2] = st[VZ] - GRAVITY * dt
        st[VZ] = (st[VZ] + ev[2]) * 0.5
        if ground:  # slide along the ground plane
            st[VX], st[VY], st[VZ] = _clip_velocity(st[VX], st[VY], st[VZ], gn[0], gn[1], gn[2], OVERCLIP)
            ev[0], ev[1], ev[2] = _clip_velocity(ev[0], ev[1], ev[2], gn[0], gn[1], gn[2], OVERCLIP)
    time_left = dt
    if ground:
        planes[num, 0], planes[num, 1], planes[num, 2] = gn[0], gn[1], gn[2]
        num += 1
    speed = math.sqrt(st[VX] ** 2 + st[VY] ** 2 + st[VZ] ** 2)
    if speed > 0:
        planes[num, 0], planes[num, 1], planes[num, 2] = st[VX] / speed, st[VY] / speed, st[VZ] / speed
    else:
        planes[num, 0] = planes[num, 1] = planes[num, 2] = 0.0
    num += 1
    bump = 0
    for bump in range(4):
        ex = st[X] + time_left * st[VX]
        ey = st[Y] + time_left * st[VY]
        ez = st[Z] + time_left * st[VZ]
        trace(st[X], st[Y], st[Z], ex, ey, ez, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr)
        if tr[5] > 0:  # stuck in a solid: stop vertical motion
            st[VZ] = 0.0
            return True
        if tr[0] > 0:
            st[X] = st[X] + tr[0] * (ex - st[X])
            st[Y] = st[Y] + tr[0] * (ey - st[Y])
            st[Z] = st[Z] + tr[0] * (ez - st[Z])
        if tr[0] == 1.0:
            break
        time_left -= time_left * tr[0]
        if num >= 5:
            st[VX] = st[VY] = st[VZ] = 0.0
            return True
        n0, n1, n2 = tr[1], tr[2], tr[3]
        nudged = False
        for i in range(num):  # the same plane again: nudge off it
            if n0 * planes[i, 0] + n1 * planes[i, 1] + n2 * planes[i, 2] > 0.99:
                st[VX] += n0
                st[VY] += n1
                st[VZ] += n2
                nudged = True
                break
        if nudged:
            continue
        planes[num, 0], planes[num, 1], planes[num, 2] = n0, n1, n2
        num += 1
        for i in range(num):
            into = st[VX] * planes[i, 0] + st[VY] * planes[i, 1] + st[VZ] * planes[i, 2]
            if into >= 0.1:
                continue
            p0, p1, p2 = planes[i, 0], planes[i, 1], planes[i, 2]
            c0, c1, c2 = _clip_velocity(st[VX], st[VY], st[VZ], p0, p1, p2, OVERCLIP)
            f0, f1, f2 = _clip_velocity(ev[0], ev[1], ev[2], p0, p1, p2, OVERCLIP)
            blocked = False
            for j in range(num):
                if j == i:
                    continue
                q0, q1, q2 = planes[j, 0], planes[j, 1], planes[j, 2]
                if c0 * q0 + c1 * q1 + c2 * q2 >= 0.1:
                    continue
                c0, c1, c2 = _clip_velocity(c0, c1, c2, q0, q1, q2, OVERCLIP)
                f0, f1, f2 = _clip_velocity(f0, f1, f2, q0, q1, q2, OVERCLIP)
                if c0 * p0 + c1 * p1 + c2 * p2 >= 0:
                    continue
                # slide along the crease of planes i and j
                d0 = p1 * q2 - p2 * q1
                d1 = p2 * q0 - p0 * q2
                d2 = p0 * q1 - p1 * q0
                dn = math.sqrt(d0 * d0 + d1 * d1 + d2 * d2)
                if dn > 0:
                    d0, d1, d2 = d0 / dn, d1 / dn, d2 / dn
                dd = d0 * st[VX] + d1 * st[VY] + d2 * st[VZ]
                c0, c1, c2 = d0 * dd, d1 * dd, d2 * dd
                de = d0 * ev[0] + d1 * ev[1] + d2 * ev[2]
                f0, f1, f2 = d0 * de, d1 * de, d2 * de
                for k in range(num):
                    if k == i or k == j:
                        continue
                    if c0 * planes[k, 0] + c1 * planes[k, 1] + c2 * planes[k, 2] >= 0.1:
                        continue
                    blocked = True  # stopped dead in a corner of three planes
                    break
                if blocked:
                    break
            if blocked:
                st[VX] = st[VY] = st[VZ] = 0.0
                return True
            st[VX], st[VY], st[VZ] = c0, c1, c2
            ev[0], ev[1], ev[2] = f0, f1, f2
            break
    if gravity:
        st[VX], st[VY], st[VZ] = ev[0], ev[1], ev[2]
    return bump != 0


@nb.njit(cache=True)
def _step_slide_move(st, gravity, ground, gn, dt, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr):
    """PM_StepSlideMove: a slide move that steps up ledges of up to STEP_SIZE."""
    sx, sy, sz = st[X], st[Y], st[Z]
    svx, svy, svz = st[VX], st[VY], st[VZ]
    if not _slide_move(st, gravity, ground, gn, dt, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr):
        return
    trace(sx, sy, sz, sx, sy, sz - STEP_SIZE, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr)
    if st[VZ] > 0 and (tr[0] == 1.0 or tr[3] < MIN_WALK_NORMAL):
        return  # never step up while going up
    trace(sx, sy, sz, sx, sy, sz + STEP_SIZE, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr)
    if tr[5] > 0:
        return  # cannot step up
    step = tr[0] * STEP_SIZE
    st[X], st[Y], st[Z] = sx, sy, sz + step
    st[VX], st[VY], st[VZ] = svx, svy, svz
    _slide_move(st, gravity, ground, gn, dt, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr)
    trace(st[X], st[Y], st[Z], st[X], st[Y], st[Z] - step, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr)
    if tr[5] == 0:
        st[Z] = st[Z] - tr[0] * step
    if tr[0] < 1.0:
        st[VX], st[VY], st[VZ] = _clip_velocity(st[VX], st[VY], st[VZ], tr[1], tr[2], tr[3], OVERCLIP)


@nb.njit(cache=True)
def _ground_trace(st, fl, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr, gn):
    """PM_GroundTrace: is the player standing on walkable ground (and which)?"""
    trace(st[X], st[Y], st[Z], st[X], st[Y], st[Z] - 0.25, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr)
    if tr[0] == 1.0:
        fl[ON_GROUND] = 0
        return
    # thrown off the ground (a jump has just begun)
    if st[VZ] > 0 and st[VX] * tr[1] + st[VY] * tr[2] + st[VZ] * tr[3] > 10:
        fl[ON_GROUND] = 0
        return
    if tr[3] < MIN_WALK_NORMAL:
        fl[ON_GROUND] = 0
        return
    fl[ON_GROUND] = 1
    gn[0], gn[1], gn[2] = tr[1], tr[2], tr[3]


@nb.njit(cache=True)
def pmove_frame(st, fl, forward, right, up, dyaw, dpitch, solid, cell, wall_top, boxes, hz, hg, dt):
    """One Quake III player-movement frame (PmoveSingle) of a usercmd.

    ``forward``, ``right``, ``up`` are the usercmd's moves in [-127, 127] (``up`` > 0
    jumps, < 0 crouches); ``dyaw``, ``dpitch`` the view turn of this frame in degrees
    (yaw counter-clockwise, pitch down); ``dt`` the engine time of the frame
    (:data:`FRAME_TIME`)."""
    tr = np.empty(6)
    gn = np.array([0.0, 0.0, 1.0])
    # the client's view angles (floats, yaw in [0, 360)), then PM_UpdateViewAngles: the
    # usercmd carries them as 16-bit angle shorts, pitch clamped
    st[YAW] = (st[YAW] + dyaw) % 360.0
    pitch = st[PITCH] + dpitch
    if pitch > PITCH_LIMIT:
        pitch = PITCH_LIMIT
    elif pitch < -PITCH_LIMIT:
        pitch = -PITCH_LIMIT
    st[PITCH] = pitch
    yaw = _angle_short(st[YAW])
    if up < 10:
        fl[JUMP_HELD] = 0
    mins = (PLAYER_MINS[0], PLAYER_MINS[1], PLAYER_MINS[2])
    # PM_CheckDuck
    if up < 0:
        fl[DUCKED] = 1
    elif fl[DUCKED]:  # stand up if there is room
        trace(st[X], st[Y], st[Z], st[X], st[Y], st[Z], mins, (PLAYER_MAXS[0], PLAYER_MAXS[1], PLAYER_MAXS[2]),
              solid, cell, wall_top, boxes, hz, hg, tr)
        if tr[5] == 0:
            fl[DUCKED] = 0
    maxs = (PLAYER_MAXS[0], PLAYER_MAXS[1], CROUCH_MAXS_Z if fl[DUCKED] else PLAYER_MAXS[2])
    _ground_trace(st, fl, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr, gn)
    ry = math.radians(yaw)
    cy, sy = math.cos(ry), math.sin(ry)
    # AngleVectors with pitch and roll dropped, as the walk and air moves project them
    # onto the horizontal: forward (cy, sy), right (sy, -cy)
    fmove, smove = forward, right
    amax = max(abs(fmove), abs(smove), abs(up))
    if amax == 0:
        scale = 0.0
    else:
        scale = SPEED * amax / (MOVE_SCALE * math.sqrt(fmove * fmove + smove * smove + up * up))
    walking = fl[ON_GROUND] == 1
    if walking and up >= 10 and fl[JUMP_HELD] == 0:  # PM_CheckJump
        fl[JUMP_HELD] = 1
        fl[ON_GROUND] = 0
        st[VZ] = JUMP_VELOCITY
        walking = False
    # PM_Friction (on the ground only)
    if walking:
        speed = math.sqrt(st[VX] ** 2 + st[VY] ** 2)
        if speed < 1:
            st[VX] = 0.0
            st[VY] = 0.0
        else:
            control = STOP_SPEED if speed < STOP_SPEED else speed
            newspeed = speed - control * FRICTION * dt
            if newspeed < 0:
                newspeed = 0.0
            newspeed /= speed
            st[VX] *= newspeed
            st[VY] *= newspeed
            st[VZ] *= newspeed
    wx = cy * fmove + sy * smove
    wy = sy * fmove - cy * smove
    wn = math.sqrt(wx * wx + wy * wy)
    wishspeed = wn * scale
    if wn > 0:
        wx /= wn
        wy /= wn
    if fl[DUCKED] and wishspeed > SPEED * DUCK_SCALE:
        wishspeed = SPEED * DUCK_SCALE
    # PM_Accelerate
    accel = ACCELERATE if walking else AIR_ACCELERATE
    current = st[VX] * wx + st[VY] * wy
    add = wishspeed - current
    if add > 0:
        acc = accel * dt * wishspeed
        if acc > add:
            acc = add
        st[VX] += acc * wx
        st[VY] += acc * wy
    if walking:
        speed = math.sqrt(st[VX] ** 2 + st[VY] ** 2 + st[VZ] ** 2)
        st[VX], st[VY], st[VZ] = _clip_velocity(st[VX], st[VY], st[VZ], gn[0], gn[1], gn[2], OVERCLIP)
        n = math.sqrt(st[VX] ** 2 + st[VY] ** 2 + st[VZ] ** 2)
        if n > 0:  # turn the velocity along the ground, keeping its speed
            st[VX] *= speed / n
            st[VY] *= speed / n
            st[VZ] *= speed / n
        if st[VX] != 0.0 or st[VY] != 0.0:
            _step_slide_move(st, False, True, gn, dt, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr)
    else:
        _step_slide_move(st, True, False, gn, dt, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr)
    _ground_trace(st, fl, mins, maxs, solid, cell, wall_top, boxes, hz, hg, tr, gn)


@nb.njit(cache=True)
def run_frames(st, fl, cmd, n_frames, solid, cell, wall_top, boxes, hz, hg, items, active, touched, dt):
    """Runs up to ``n_frames`` frames of the usercmd ``cmd`` = (forward, right, up, dyaw,
    dpitch) and checks the pickups after each (Quake's touch triggers).

    ``items`` rows are ``(x, y, z, half)``: a trigger box ``half`` u either side of the
    item's origin; an item with ``active[k]`` is touched when the player's box overlaps
    its box, which sets ``touched[k]``. The run stops after the first frame with a
    touch, so that the level can act on it; returns the number of frames run."""
    for f in range(n_frames):
        pmove_frame(st, fl, cmd[0], cmd[1], cmd[2], cmd[3], cmd[4], solid, cell, wall_top, boxes, hz, hg, dt)
        top = CROUCH_MAXS_Z if fl[DUCKED] else PLAYER_MAXS[2]
        hit = False
        for k in range(items.shape[0]):
            if not active[k]:
                continue
            hw = items[k, 3]
            if (abs(items[k, 0] - st[X]) < hw + PLAYER_MAXS[0] and abs(items[k, 1] - st[Y]) < hw + PLAYER_MAXS[1]
                    and items[k, 2] - hw < st[Z] + top and items[k, 2] + hw > st[Z] + PLAYER_MINS[2]):
                touched[k] = True
                hit = True
        if hit:
            return f + 1
    return n_frames


NO_TERRAIN = np.zeros((0, 0))
NO_TERRAIN_GRID = np.array([0.0, 0.0, 1.0])


def rest_height(x: float, y: float, hz: np.ndarray, hg: np.ndarray, boxes: np.ndarray | None = None) -> float:
    """The height of the floor a player standing at (x, y) rests on: the terrain
    ``hz`` under its box (its highest point there, as the box sweeps down onto it), or a
    box of ``boxes`` it would land on, or the floor plane; u."""
    tr = np.empty(6)
    top = float(hz.max()) + 1000.0 if hz.size else 1000.0
    b = np.zeros((0, 6)) if boxes is None else boxes
    mins = PLAYER_MINS
    x, y = float(x), float(y)
    trace(x, y, top, x, y, -1000.0, mins, PLAYER_MAXS, np.zeros((0, 0), dtype=np.bool_), 1.0, np.zeros((0, 0)),
          b, hz, hg, tr)
    z = top + tr[0] * (-1000.0 - top)
    return float(z + mins[2] - SURFACE_CLIP_EPSILON)


def new_state() -> tuple[np.ndarray, np.ndarray]:
    """A zeroed movement state and flags vector."""
    return np.zeros(STATE_SIZE), np.zeros(FLAGS_SIZE, dtype=np.int64)


def spawn(st: np.ndarray, fl: np.ndarray, x: float, y: float, yaw_deg: float, floor_z: float = 0.0) -> None:
    """Puts the player at rest on the floor at (x, y) facing ``yaw_deg`` (a floor at
    height ``floor_z``: a platform's top)."""
    st[:] = 0.0
    st[X], st[Y] = x, y
    st[Z] = floor_z - PLAYER_MINS[2] + SURFACE_CLIP_EPSILON  # where a dropped player comes to rest
    st[YAW] = yaw_deg % 360.0
    fl[:] = 0
    fl[ON_GROUND] = 1
