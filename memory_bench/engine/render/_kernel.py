"""The numba kernel of the CPU ray caster (see :mod:`memory_bench.engine.render.cpu`).

One ray per pixel through a pinhole camera, in two passes. The tracing pass finds
what each pixel shows: static geoms (axis-aligned boxes and horizontal planes welded
to the world) by a 2D grid walk (DDA) over a lattice that buckets them, moving geoms
(spheres, cylinders, sphere sites) one by one where their screen rectangle says they
can show; it colours all but textured static surfaces. The shading pass samples the
textures of those. Surfaces are shaded like MuJoCo's OpenGL renderer with only its
headlight: ``colour * (ambient + diffuse * max(0, n . -forward))``; textures are
sampled trilinearly from box-filtered mip maps (texels packed one per uint32) with
the level of detail that the screen-space derivatives of the texture coordinates
give, one per 2x2 pixel quad as OpenGL takes them. The sky is an unlit lookup of the
skybox cube texture.

Encodings shared with the Python side:

* static geom kinds: 0 box, 1 plane (horizontal, facing +z); besides them at most one
  heightfield (the terrain of outdoor levels), walked cell by cell and split into two
  triangles per cell along its (0, 0)-(1, 1) diagonal, coloured per vertex
* dynamic kinds: 0 sphere, 1 cylinder (along its local z)
* ``seg``: the geom id a pixel shows, ``SITE_BASE + site id`` for a site, -1 for sky

Determinism: no fast-math, and no transcendental function decides a pixel (the
mip-level logarithm is an exponent split and a polynomial), so a frame depends only
on IEEE-754 basic operations and square roots, which every CPU rounds alike.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np
from numba.core import types
from numba.extending import intrinsic

SITE_BASE = 1_000_000
_BIG = 1e30


@nb.njit(cache=True, inline="always", error_model="numpy")
def _frac(x):
    return x - math.floor(x)


@intrinsic
def _f64_bits(typingctx, x):
    """The IEEE-754 bits of a float64 as an int64 (a register bit cast)."""
    sig = types.int64(types.float64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int64))

    return sig, codegen


@intrinsic
def _bits_f64(typingctx, x):
    """The float64 whose IEEE-754 bits are the int64 ``x``."""
    sig = types.float64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))

    return sig, codegen


@nb.njit(cache=True, inline="always", error_model="numpy")
def _log2(x):
    """log2 of a normal ``x > 0`` from an exact exponent split and a fixed polynomial
    (error < 1e-5), so that only IEEE-754 basic operations decide a pixel and every
    machine gets the same bits. The split is ``math.frexp``'s (``x = m * 2**e``, ``m``
    in [0.5, 1)), read from the bits instead of through a library call."""
    bits = _f64_bits(x)
    e = ((bits >> 52) & 0x7FF) - 1022
    m = _bits_f64((bits & 0x000FFFFFFFFFFFFF) | 0x3FE0000000000000)
    p = -1.58910376
    p = p * m + 8.54086563
    p = p * m - 19.75114365
    p = p * m + 25.7539048
    p = p * m - 21.05841689
    p = p * m + 12.13228985
    p = p * m - 4.02839962
    return e + p


@nb.njit(cache=True, inline="always", error_model="numpy")
def _taps(off, w, h, u, v):
    """The four texel indices of a bilinear sample at texture coords (u, v) in [0, 1)
    (wrapping; row 0 = v 0) of the level at ``off`` of size ``w`` x ``h``, and the
    fractional position (fx, fy) between them."""
    x = u * w - 0.5
    y = v * h - 0.5
    x0 = math.floor(x)
    y0 = math.floor(y)
    fx = x - x0
    fy = y - y0
    # wrap without integer division (u, v are in [0, 1), so x0 is in [-1, w - 1])
    ix0 = int(x0)
    iy0 = int(y0)
    if ix0 < 0:
        ix0 += w
    if iy0 < 0:
        iy0 += h
    ix1 = ix0 + 1 if ix0 + 1 < w else 0
    iy1 = iy0 + 1 if iy0 + 1 < h else 0
    row0 = off + iy0 * w
    row1 = off + iy1 * w
    return row0 + ix0, row0 + ix1, row1 + ix0, row1 + ix1, fx, fy


@nb.njit(cache=True, inline="always", error_model="numpy")
def _texel(p):
    """A packed texel (r | g << 8 | b << 16) as three floats."""
    return float(p & 255), float((p >> 8) & 255), float(p >> 16)


@nb.njit(cache=True, inline="always", error_model="numpy")
def _sample(texels, mip_off, mip_w, mip_h, mip_first, mip_count, tex, u, v, lod):
    """Trilinear sample of texture ``tex`` at level of detail ``lod`` (>= 0): the
    bilinear samples of the two levels around ``lod``, blended; one texel load per tap
    (``texels`` holds one packed texel per uint32), and the eight taps weighted in one
    sum rather than in nested blends, which keeps the chain of dependent operations
    short."""
    first = mip_first[tex]
    n = mip_count[tex]
    if lod >= n - 1:
        lod = n - 1.0
    lo = int(lod)
    t = lod - lo
    k = first + lo
    i0, i1, i2, i3, fx, fy = _taps(mip_off[k], mip_w[k], mip_h[k], u, v)
    gx = 1.0 - fx
    gy = 1.0 - fy
    r0, g0, b0 = _texel(texels[i0])
    r1, g1, b1 = _texel(texels[i1])
    r2, g2, b2 = _texel(texels[i2])
    r3, g3, b3 = _texel(texels[i3])
    if t > 0.0 and lo + 1 < n:
        j0, j1, j2, j3, ex, ey = _taps(mip_off[k + 1], mip_w[k + 1], mip_h[k + 1], u, v)
        s = 1.0 - t
        w0 = gx * gy * s
        w1 = fx * gy * s
        w2 = gx * fy * s
        w3 = fx * fy * s
        hx = 1.0 - ex
        hy = 1.0 - ey
        v0 = hx * hy * t
        v1 = ex * hy * t
        v2 = hx * ey * t
        v3 = ex * ey * t
        q0, p0, c0 = _texel(texels[j0])
        q1, p1, c1 = _texel(texels[j1])
        q2, p2, c2 = _texel(texels[j2])
        q3, p3, c3 = _texel(texels[j3])
        return (((r0 * w0 + r1 * w1) + (r2 * w2 + r3 * w3)) + ((q0 * v0 + q1 * v1) + (q2 * v2 + q3 * v3)),
                ((g0 * w0 + g1 * w1) + (g2 * w2 + g3 * w3)) + ((p0 * v0 + p1 * v1) + (p2 * v2 + p3 * v3)),
                ((b0 * w0 + b1 * w1) + (b2 * w2 + b3 * w3)) + ((c0 * v0 + c1 * v1) + (c2 * v2 + c3 * v3)))
    w0 = gx * gy
    w1 = fx * gy
    w2 = gx * fy
    w3 = fx * fy
    return ((r0 * w0 + r1 * w1) + (r2 * w2 + r3 * w3),
            (g0 * w0 + g1 * w1) + (g2 * w2 + g3 * w3),
            (b0 * w0 + b1 * w1) + (b2 * w2 + b3 * w3))


@nb.njit(cache=True, inline="always", error_model="numpy")
def _sky(texels, mip_off, mip_w, mip_h, mip_first, sky_tex, dx, dy, dz):
    """Skybox: MuJoCo's cube faces stacked (+x, -x, up, down, +y, -y), unlit; the
    direction (dx, dy, dz) need not be normalized."""
    k = mip_first[sky_tex]
    w = mip_w[k]
    face_h = mip_h[k] // 6
    ax, ay, az = abs(dx), abs(dy), abs(dz)
    if az >= ax and az >= ay:  # world up and down are MuJoCo's third and fourth faces
        face = 2 if dz > 0 else 3
        inv = 1.0 / az
        s = dx * inv
        t = (-dy if dz > 0 else dy) * inv
    elif ax >= ay:
        face = 0 if dx > 0 else 1
        inv = 1.0 / ax
        s = (-dy if dx > 0 else dy) * inv
        t = -dz * inv
    else:
        face = 4 if dy > 0 else 5
        inv = 1.0 / ay
        s = (dx if dy > 0 else -dx) * inv
        t = -dz * inv
    col = min(w - 1, max(0, int((s + 1.0) * 0.5 * w)))
    row = min(face_h - 1, max(0, int((t + 1.0) * 0.5 * face_h)))
    return _texel(texels[mip_off[k] + (face * face_h + row) * w + col])


@nb.njit(cache=True, inline="always", error_model="numpy")
def _ray_box(ox, oy, oz, ix, iy, iz, lo0, lo1, lo2, hi0, hi1, hi2, tmax):
    """Slab test with the inverse ray direction; returns (t, axis, sign) of the entry
    face, or t < 0 on a miss (or when the ray starts inside). The three axes are
    written out rather than looped over: it is the hottest function of the kernel."""
    t0 = -_BIG
    t1 = tmax
    axis = -1
    sign = 0.0
    ta = (lo0 - ox) * ix
    tb = (hi0 - ox) * ix
    if ta <= tb:
        if ta > t0:
            t0, axis, sign = ta, 0, -1.0
        t1 = min(t1, tb)
    else:
        if tb > t0:
            t0, axis, sign = tb, 0, 1.0
        t1 = min(t1, ta)
    ta = (lo1 - oy) * iy
    tb = (hi1 - oy) * iy
    if ta <= tb:
        if ta > t0:
            t0, axis, sign = ta, 1, -1.0
        t1 = min(t1, tb)
    else:
        if tb > t0:
            t0, axis, sign = tb, 1, 1.0
        t1 = min(t1, ta)
    ta = (lo2 - oz) * iz
    tb = (hi2 - oz) * iz
    if ta <= tb:
        if ta > t0:
            t0, axis, sign = ta, 2, -1.0
        t1 = min(t1, tb)
    else:
        if tb > t0:
            t0, axis, sign = tb, 2, 1.0
        t1 = min(t1, ta)
    if t0 > t1 or t0 < 0.0:
        return -1.0, -1, 0.0
    return t0, axis, sign


@nb.njit(cache=True, inline="always", error_model="numpy")
def _ray_dynamic(ox, oy, oz, dx, dy, dz, kind, d_pos, d_rot, d_size, g, tmax):
    """Ray against one moving primitive; returns (t, nx, ny, nz) with t < 0 on a miss."""
    cx = ox - d_pos[g, 0]
    cy = oy - d_pos[g, 1]
    cz = oz - d_pos[g, 2]
    # bounding-sphere cull
    r = d_size[g, 0] if kind == 0 else math.sqrt(d_size[g, 0] * d_size[g, 0] + d_size[g, 1] * d_size[g, 1])
    b = cx * dx + cy * dy + cz * dz
    c = cx * cx + cy * cy + cz * cz - r * r
    disc = b * b - c
    if disc < 0.0:
        return -1.0, 0.0, 0.0, 0.0
    sq = math.sqrt(disc)
    if -b + sq < 0.0 or -b - sq > tmax:
        return -1.0, 0.0, 0.0, 0.0
    if kind == 0:
        t = -b - sq
        if t < 0.0:
            t = -b + sq
        px = cx + t * dx
        py = cy + t * dy
        pz = cz + t * dz
        return t, px / r, py / r, pz / r
    # cylinder in its frame: columns of rot are the local axes
    lox = cx * d_rot[g, 0, 0] + cy * d_rot[g, 1, 0] + cz * d_rot[g, 2, 0]
    loy = cx * d_rot[g, 0, 1] + cy * d_rot[g, 1, 1] + cz * d_rot[g, 2, 1]
    loz = cx * d_rot[g, 0, 2] + cy * d_rot[g, 1, 2] + cz * d_rot[g, 2, 2]
    ldx = dx * d_rot[g, 0, 0] + dy * d_rot[g, 1, 0] + dz * d_rot[g, 2, 0]
    ldy = dx * d_rot[g, 0, 1] + dy * d_rot[g, 1, 1] + dz * d_rot[g, 2, 1]
    ldz = dx * d_rot[g, 0, 2] + dy * d_rot[g, 1, 2] + dz * d_rot[g, 2, 2]
    rad = d_size[g, 0]
    half = d_size[g, 1]
    best = _BIG
    nlx = 0.0
    nly = 0.0
    nlz = 0.0
    a = ldx * ldx + ldy * ldy
    if a > 1e-12:
        bb = lox * ldx + loy * ldy
        cc = lox * lox + loy * loy - rad * rad
        dd = bb * bb - a * cc
        if dd >= 0.0:
            t = (-bb - math.sqrt(dd)) / a
            if t > 0.0 and abs(loz + t * ldz) <= half:
                best = t
                nlx = (lox + t * ldx) / rad
                nly = (loy + t * ldy) / rad
                nlz = 0.0
    if abs(ldz) > 1e-12:
        for s in (-1.0, 1.0):
            t = (s * half - loz) / ldz
            if 0.0 < t < best:
                px = lox + t * ldx
                py = loy + t * ldy
                if px * px + py * py <= rad * rad:
                    best = t
                    nlx = 0.0
                    nly = 0.0
                    nlz = s
    if best >= _BIG:
        return -1.0, 0.0, 0.0, 0.0
    nx = d_rot[g, 0, 0] * nlx + d_rot[g, 0, 1] * nly + d_rot[g, 0, 2] * nlz
    ny = d_rot[g, 1, 0] * nlx + d_rot[g, 1, 1] * nly + d_rot[g, 1, 2] * nlz
    nz = d_rot[g, 2, 0] * nlx + d_rot[g, 2, 1] * nly + d_rot[g, 2, 2] * nlz
    return best, nx, ny, nz


@nb.njit(cache=True, error_model="numpy")
def _screen_rects(cam_pos, cam_mat, tan_half_fovy, h, w, d_kind, d_pos, d_size):
    """Pixel rectangles (row0, row1, col0, col1) that can show each moving geom: the
    projection of its bounding sphere's bounding cube; empty behind the camera or
    outside the view cone, the whole image when the cube straddles the camera plane."""
    n = d_kind.shape[0]
    rects = np.empty((n, 4), dtype=np.int64)
    aspect = w / h
    cos_view = 1.0 / math.sqrt(1.0 + tan_half_fovy * tan_half_fovy * (1.0 + aspect * aspect))
    view_half = math.acos(cos_view)  # half-angle of the cone around the image's corners
    for g in range(n):
        r = d_size[g, 0] if d_kind[g] == 0 else math.sqrt(d_size[g, 0] ** 2 + d_size[g, 1] ** 2)
        rx = d_pos[g, 0] - cam_pos[0]
        ry = d_pos[g, 1] - cam_pos[1]
        rz = d_pos[g, 2] - cam_pos[2]
        vx = rx * cam_mat[0, 0] + ry * cam_mat[1, 0] + rz * cam_mat[2, 0]
        vy = rx * cam_mat[0, 1] + ry * cam_mat[1, 1] + rz * cam_mat[2, 1]
        vz = rx * cam_mat[0, 2] + ry * cam_mat[1, 2] + rz * cam_mat[2, 2]
        dist = math.sqrt(vx * vx + vy * vy + vz * vz)
        rects[g, 0] = 1
        rects[g, 1] = 0
        rects[g, 2] = 1
        rects[g, 3] = 0
        if dist <= r:  # the camera is inside it
            rects[g, 0] = 0
            rects[g, 1] = h - 1
            rects[g, 2] = 0
            rects[g, 3] = w - 1
            continue
        angle = math.acos(max(-1.0, min(1.0, -vz / dist)))
        if angle - math.asin(r / dist) > view_half + 0.02:  # margin: never cull on rounding
            continue
        if vz + r >= -1e-6:  # straddles the camera plane
            rects[g, 0] = 0
            rects[g, 1] = h - 1
            rects[g, 2] = 0
            rects[g, 3] = w - 1
            continue
        i0 = 1e30
        i1 = -1e30
        j0 = 1e30
        j1 = -1e30
        for cx in (-1.0, 1.0):
            for cy in (-1.0, 1.0):
                for cz in (-1.0, 1.0):
                    px = (vx + cx * r) / (-(vz + cz * r)) / (tan_half_fovy * aspect)
                    py = (vy + cy * r) / (-(vz + cz * r)) / tan_half_fovy
                    jj = (px + 1.0) * 0.5 * w - 0.5
                    ii = (1.0 - py) * 0.5 * h - 0.5
                    i0 = min(i0, ii)
                    i1 = max(i1, ii)
                    j0 = min(j0, jj)
                    j1 = max(j1, jj)
        rects[g, 0] = max(0, int(math.floor(i0)) - 1)
        rects[g, 1] = min(h - 1, int(math.ceil(i1)) + 1)
        rects[g, 2] = max(0, int(math.floor(j0)) - 1)
        rects[g, 3] = min(w - 1, int(math.ceil(j1)) + 1)
    return rects


@nb.njit(cache=True, inline="always", error_model="numpy")
def _ray_triangle(ox, oy, oz, dx, dy, dz, ax, ay, az, bx, by, bz, cx, cy, cz):
    """Moller-Trumbore: the ray parameter of the hit on triangle abc (either side), or
    -1.0; its barycentric (u, v) of b and c."""
    e1x, e1y, e1z = bx - ax, by - ay, bz - az
    e2x, e2y, e2z = cx - ax, cy - ay, cz - az
    px = dy * e2z - dz * e2y
    py = dz * e2x - dx * e2z
    pz = dx * e2y - dy * e2x
    det = e1x * px + e1y * py + e1z * pz
    if abs(det) < 1e-18:
        return -1.0, 0.0, 0.0
    inv = 1.0 / det
    sx, sy, sz = ox - ax, oy - ay, oz - az
    u = (sx * px + sy * py + sz * pz) * inv
    if u < 0.0 or u > 1.0:
        return -1.0, 0.0, 0.0
    qx = sy * e1z - sz * e1y
    qy = sz * e1x - sx * e1z
    qz = sx * e1y - sy * e1x
    v = (dx * qx + dy * qy + dz * qz) * inv
    if v < 0.0 or u + v > 1.0:
        return -1.0, 0.0, 0.0
    return (e2x * qx + e2y * qy + e2z * qz) * inv, u, v


@nb.njit(cache=True, error_model="numpy")
def _ray_terrain(ox, oy, oz, dx, dy, dz, idx, idy, hf_origin, hf_cell, hf_z, hf_cmax, t_max):
    """The first hit of the ray on the terrain heightfield before ``t_max``: (t, nx, ny,
    nz, u, v, k) with the unit normal, barycentrics and vertex index ``k`` of the hit
    triangle's first corner (the triangle is ``k``'s cell's lower (0) or upper (1) one,
    returned as the sign of ``k``: >= 0 lower, < 0 upper, vertex ``-1 - k``); t = -1 if
    none. The grid: vertex (r, c) at ``hf_origin[:2] + (c, r) * hf_cell``, height
    ``hf_z[r, c]``, the highest ``hf_origin[2]``; each cell is split along its (0, 0)-(1, 1) diagonal. Walks the cells
    the ray crosses in 2D (DDA), testing a cell's triangles only where the ray dips to
    the cell's highest corner (``hf_cmax``)."""
    ny = hf_cmax.shape[0]
    nx = hf_cmax.shape[1]
    x0 = hf_origin[0]
    y0 = hf_origin[1]
    cw = hf_cell[0]
    ch = hf_cell[1]
    ta = (x0 - ox) * idx
    tb = (x0 + nx * cw - ox) * idx
    t_lo = max(0.0, min(ta, tb))
    t_hi = min(t_max, max(ta, tb))
    top = hf_origin[2]  # the highest vertex
    if dz >= 0.0:
        if oz > top:
            return -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0  # above the terrain, looking up
        if dz > 0.0:
            t_hi = min(t_hi, (top - oz) / dz)  # climbs above it there
    ta = (y0 - oy) * idy
    tb = (y0 + ny * ch - oy) * idy
    t_lo = max(t_lo, min(ta, tb))
    t_hi = min(t_hi, max(ta, tb))
    if t_lo >= t_hi:
        return -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0
    px = ox + dx * (t_lo + 1e-9)
    py = oy + dy * (t_lo + 1e-9)
    cx = min(nx - 1, max(0, int(math.floor((px - x0) / cw))))
    cy = min(ny - 1, max(0, int(math.floor((py - y0) / ch))))
    step_x = 1 if dx > 0 else -1
    step_y = 1 if dy > 0 else -1
    tmx = (x0 + (cx + (1 if dx > 0 else 0)) * cw - ox) * idx
    tmy = (y0 + (cy + (1 if dy > 0 else 0)) * ch - oy) * idy
    tdx = cw * abs(idx)
    tdy = ch * abs(idy)
    t_cell = t_lo
    while True:
        t_exit = min(tmx, tmy, t_hi)
        if min(oz + t_cell * dz, oz + t_exit * dz) <= hf_cmax[cy, cx]:
            ax = x0 + cx * cw
            ay = y0 + cy * ch
            z00 = hf_z[cy, cx]
            z10 = hf_z[cy, cx + 1]
            z01 = hf_z[cy + 1, cx]
            z11 = hf_z[cy + 1, cx + 1]
            best = -1.0
            bu = bv = 0.0
            upper = False
            # lower triangle (0,0) (1,0) (1,1); upper triangle (0,0) (1,1) (0,1)
            t, u, v = _ray_triangle(ox, oy, oz, dx, dy, dz, ax, ay, z00, ax + cw, ay, z10, ax + cw, ay + ch, z11)
            if t > 0.0 and t <= t_max:
                best, bu, bv = t, u, v
            t, u, v = _ray_triangle(ox, oy, oz, dx, dy, dz, ax, ay, z00, ax + cw, ay + ch, z11, ax, ay + ch, z01)
            if t > 0.0 and t <= t_max and (best < 0.0 or t < best):
                best, bu, bv = t, u, v
                upper = True
            if best > 0.0:
                # the normal of the hit triangle, facing up
                if upper:
                    nxv = -(z11 - z01) * ch
                    nyv = -(z01 - z00) * cw
                else:
                    nxv = -(z10 - z00) * ch
                    nyv = -(z11 - z10) * cw
                nzv = cw * ch
                inv = 1.0 / math.sqrt(nxv * nxv + nyv * nyv + nzv * nzv)
                k = cy * (nx + 1) + cx
                return best, nxv * inv, nyv * inv, nzv * inv, bu, bv, (-1 - k if upper else k)
        if t_exit >= t_hi:
            break
        t_cell = t_exit
        along_x = tmx < tmy
        if along_x:
            cx += step_x
            tmx += tdx
        else:
            cy += step_y
            tmy += tdy
        if cx < 0 or cx >= nx or cy < 0 or cy >= ny:
            break
    return -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0


@nb.njit(cache=True, inline="always", error_model="numpy")
def _to_u8(x):
    """Rounds a colour channel to the nearest uint8, clamped."""
    val = x + 0.5
    return np.uint8(255) if val >= 255.0 else (np.uint8(0) if val <= 0.0 else np.uint8(int(val)))


@nb.njit(cache=True, error_model="numpy", nogil=True)
def _trace_rows(
    i_start, i_stop, rects, row_geoms, row_count, sxs,
    out, seg, depth, hit_f, hit_i,
    cam_pos, cam_mat, tan_half_fovy,
    ambient, diffuse,
    grid_origin, grid_cell, grid_shape, cell_start, cell_items, cell_code,
    s_kind, s_lo, s_hi, s_id, s_rgba, s_tex, z_top,
    d_kind, d_pos, d_rot, d_size, d_id, d_rgba,
    texels, mip_off, mip_w, mip_h, mip_first, sky_tex,
    hf_origin, hf_cell, hf_z, hf_cmax, hf_rgb, hf_id, hf_far,
):
    """Traces image rows ``i_start`` to ``i_stop``: what each pixel shows (``seg``), and
    its colour unless it is a textured static surface, whose hit goes to
    ``hit_f``/``hit_i`` for the shading pass."""
    h, w = out.shape[0], out.shape[1]
    fx = cam_mat[:, 0]
    fy = cam_mat[:, 1]
    fz = cam_mat[:, 2]
    ox, oy, oz = cam_pos[0], cam_pos[1], cam_pos[2]
    # headlight: directional, along the camera's view direction (-z); (lx, ly, lz)
    # points from a surface towards the light
    lx, ly, lz = fz[0], fz[1], fz[2]
    nx_cells = grid_shape[0]
    ny_cells = grid_shape[1]
    gx0 = grid_origin[0]
    gy0 = grid_origin[1]
    cw = grid_cell[0]
    ch = grid_cell[1]
    inv_cw = 1.0 / cw
    inv_ch = 1.0 / ch
    gx1 = gx0 + nx_cells * cw
    gy1 = gy0 + ny_cells * ch
    # a camera inside the lattice, clear of cell borders, starts every walk in its own cell
    cx0 = int(math.floor((ox - gx0) * inv_cw))
    cy0 = int(math.floor((oy - gy0) * inv_ch))
    ex0 = gx0 + cx0 * cw - ox  # offsets from the camera to its cell's borders
    ex1 = gx0 + (cx0 + 1) * cw - ox
    ey0 = gy0 + cy0 * ch - oy
    ey1 = gy0 + (cy0 + 1) * ch - oy
    inside = (0 <= cx0 < nx_cells and 0 <= cy0 < ny_cells
              and min(-ex0, ex1) > 1e-6 * cw and min(-ey0, ey1) > 1e-6 * ch)
    for i in range(i_start, i_stop):
        sy = (1.0 - 2.0 * (i + 0.5) / h) * tan_half_fovy
        for j in range(w):
            sx = sxs[j]
            rx = fx[0] * sx + fy[0] * sy - fz[0]
            ry = fx[1] * sx + fy[1] * sy - fz[1]
            rz = fx[2] * sx + fy[2] * sy - fz[2]
            # the ray is o + t * (dx, dy, dz), not normalized: |r| >= 1, and t is in units of |r|
            dx = rx
            dy = ry
            dz = rz
            # inverse direction for slab tests (a huge finite value instead of inf)
            idx = 1.0 / dx if abs(dx) > 1e-12 else (1e12 if dx >= 0 else -1e12)
            idy = 1.0 / dy if abs(dy) > 1e-12 else (1e12 if dy >= 0 else -1e12)
            idz = 1.0 / dz if abs(dz) > 1e-12 else (1e12 if dz >= 0 else -1e12)
            best = _BIG
            hit_static = -1
            hit_axis = -1
            hit_sign = 0.0
            # ---- static geoms: walk the grid cells the ray crosses, from where it
            # enters the grid's xy bounds
            if inside:
                # the camera's own cell, found once per call; the walk ends when
                # it steps off the lattice
                t_lo = 0.0
                t_hi = _BIG
                cx = cx0
                cy = cy0
                tmx = (ex1 if dx > 0 else ex0) * idx
                tmy = (ey1 if dy > 0 else ey0) * idy
            else:
                ta = (gx0 - ox) * idx
                tb = (gx1 - ox) * idx
                t_lo = max(0.0, min(ta, tb))
                t_hi = max(ta, tb)
                ta = (gy0 - oy) * idy
                tb = (gy1 - oy) * idy
                t_lo = max(t_lo, min(ta, tb))
                t_hi = min(t_hi, max(ta, tb))
                px = ox + dx * (t_lo + 1e-9)
                py = oy + dy * (t_lo + 1e-9)
                cx = min(nx_cells - 1, max(0, int((px - gx0) * inv_cw)))
                cy = min(ny_cells - 1, max(0, int((py - gy0) * inv_ch)))
                tmx = (gx0 + (cx + (1 if dx > 0 else 0)) * cw - ox) * idx
                tmy = (gy0 + (cy + (1 if dy > 0 else 0)) * ch - oy) * idy
            # above every static geom and going up: nothing static to hit
            if not (dz >= 0.0 and oz > z_top) and t_lo < t_hi:
                step_x = 1 if dx > 0 else -1
                step_y = 1 if dy > 0 else -1
                tdx = cw * abs(idx)
                tdy = ch * abs(idy)
                t_cell = t_lo
                last_axis = -1
                while True:
                    t_exit = min(tmx, tmy, t_hi)
                    c = cy * nx_cells + cx
                    code = cell_code[c]
                    if code >= 0 and last_axis >= 0:
                        # a box filling the cell: entered through the side face we
                        # crossed, or from above through its top face
                        g = code
                        z_in = oz + t_cell * dz
                        if s_lo[g, 2] <= z_in <= s_hi[g, 2]:
                            best = t_cell
                            hit_static = g
                            hit_axis = last_axis
                            hit_sign = -float(step_x) if last_axis == 0 else -float(step_y)
                        elif dz < 0.0 and z_in > s_hi[g, 2]:
                            t = (s_hi[g, 2] - oz) * idz
                            if t <= t_exit:
                                best = t
                                hit_static = g
                                hit_axis = 2
                                hit_sign = 1.0
                    elif code < -1:
                        # only a floor tile filling the cell
                        g = -2 - code
                        if dz < 0.0:
                            t = (s_lo[g, 2] - oz) * idz
                            if t_cell <= t <= t_exit and t < best:
                                best = t
                                hit_static = g
                                hit_axis = 2
                                hit_sign = 1.0
                    else:
                        for k in range(cell_start[c], cell_start[c + 1]):
                            g = cell_items[k]
                            if s_kind[g] == 0:
                                t, axis, sign = _ray_box(ox, oy, oz, idx, idy, idz, s_lo[g, 0], s_lo[g, 1], s_lo[g, 2],
                                                         s_hi[g, 0], s_hi[g, 1], s_hi[g, 2], best)
                                if t >= 0.0 and t < best:
                                    best = t
                                    hit_static = g
                                    hit_axis = axis
                                    hit_sign = sign
                            elif dz < -1e-12:
                                t = (s_lo[g, 2] - oz) * idz
                                if t > 0.0 and t < best:
                                    px = ox + t * dx
                                    py = oy + t * dy
                                    if s_lo[g, 0] <= px <= s_hi[g, 0] and s_lo[g, 1] <= py <= s_hi[g, 1]:
                                        best = t
                                        hit_static = g
                                        hit_axis = 2
                                        hit_sign = 1.0
                    if best <= t_exit + 1e-9 or t_exit >= t_hi:
                        break
                    if dz >= 0.0 and oz + t_exit * dz > z_top:
                        break
                    t_cell = t_exit
                    # step to the next cell, without branches: which side comes first
                    # changes from ray to ray in no pattern a branch predictor could learn
                    along_x = tmx < tmy
                    cx = cx + step_x if along_x else cx
                    cy = cy if along_x else cy + step_y
                    tmx = tmx + tdx if along_x else tmx
                    tmy = tmy if along_x else tmy + tdy
                    last_axis = 0 if along_x else 1
                    if cx < 0 or cx >= nx_cells or cy < 0 or cy >= ny_cells:
                        break
                # ---- the terrain heightfield, if the world has one
            hit_hf = 0.0
            hu = hv = hnx = hny = hnz = 0.0
            hk = 0
            if hf_z.shape[0] > 1:
                # (no further than hf_far: beyond a haze's end every pixel is the haze)
                t, a0, a1, a2, a3, a4, a5 = _ray_terrain(ox, oy, oz, dx, dy, dz, idx, idy, hf_origin, hf_cell, hf_z,
                                                         hf_cmax, min(best, hf_far))
                if t > 0.0 and t < best:
                    best = t
                    hit_hf = 1.0
                    hit_static = -1
                    hnx, hny, hnz, hu, hv, hk = a0, a1, a2, a3, a4, a5
                # ---- moving geoms
            hit_dyn = -1
            nxh = 0.0
            nyh = 0.0
            nzh = 0.0
            norm = 0.0
            inv_norm = ux = uy = uz = 0.0
            for a in range(row_count[i]):
                g = row_geoms[i, a]
                if j < rects[g, 2] or j > rects[g, 3]:
                    continue
                if norm == 0.0:  # moving geoms are tested with the unit direction
                    norm = math.sqrt(rx * rx + ry * ry + rz * rz)
                    inv_norm = 1.0 / norm
                    ux = rx * inv_norm
                    uy = ry * inv_norm
                    uz = rz * inv_norm
                t_max = best * norm
                t, nnx, nny, nnz = _ray_dynamic(ox, oy, oz, ux, uy, uz, d_kind[g], d_pos, d_rot, d_size, g, t_max)
                if t > 0.0 and t < t_max:
                    best = t * inv_norm
                    hit_dyn = g
                    nxh = nnx
                    nyh = nny
                    nzh = nnz
            # ---- depth along the view axis (the ray's camera-space z is -1, so its
            # parameter is the depth), then colour now, or leave a textured static hit
            # to the shading pass
            depth[i, j] = best
            hit_i[i, j, 0] = -1
            if hit_dyn >= 0:
                seg[i, j] = d_id[hit_dyn]
                lam = max(0.0, nxh * lx + nyh * ly + nzh * lz)
                cr = d_rgba[hit_dyn, 0] * 255.0 * (ambient[0] + diffuse[0] * lam)
                cg = d_rgba[hit_dyn, 1] * 255.0 * (ambient[1] + diffuse[1] * lam)
                cb = d_rgba[hit_dyn, 2] * 255.0 * (ambient[2] + diffuse[2] * lam)
            elif hit_hf > 0.0:
                seg[i, j] = hf_id
                ncol = hf_z.shape[1]
                k = hk if hk >= 0 else -1 - hk
                r0 = k // ncol
                c0 = k - r0 * ncol
                w0 = 1.0 - hu - hv
                if hk >= 0:  # lower triangle: (0,0) (1,0) (1,1)
                    rb, cb_, rc, cc = r0, c0 + 1, r0 + 1, c0 + 1
                else:  # upper triangle: (0,0) (1,1) (0,1)
                    rb, cb_, rc, cc = r0 + 1, c0 + 1, r0 + 1, c0
                lam = max(0.0, hnx * lx + hny * ly + hnz * lz)
                cr = (w0 * hf_rgb[r0, c0, 0] + hu * hf_rgb[rb, cb_, 0] + hv * hf_rgb[rc, cc, 0]) * 255.0 * (ambient[0] + diffuse[0] * lam)
                cg = (w0 * hf_rgb[r0, c0, 1] + hu * hf_rgb[rb, cb_, 1] + hv * hf_rgb[rc, cc, 1]) * 255.0 * (ambient[1] + diffuse[1] * lam)
                cb = (w0 * hf_rgb[r0, c0, 2] + hu * hf_rgb[rb, cb_, 2] + hv * hf_rgb[rc, cc, 2]) * 255.0 * (ambient[2] + diffuse[2] * lam)
            elif hit_static >= 0:
                g = hit_static
                seg[i, j] = s_id[g]
                lam = max(0.0, hit_sign * (lx if hit_axis == 0 else (ly if hit_axis == 1 else lz)))
                if s_tex[g] >= 0:
                    hit_i[i, j, 0] = g
                    hit_i[i, j, 1] = 2 * hit_axis + (1 if hit_sign > 0.0 else 0)
                    hit_f[i, j, 0] = ox + best * dx
                    hit_f[i, j, 1] = oy + best * dy
                    hit_f[i, j, 2] = oz + best * dz
                    hit_f[i, j, 3] = lam
                    continue
                cr = s_rgba[g, 0] * 255.0 * (ambient[0] + diffuse[0] * lam)
                cg = s_rgba[g, 1] * 255.0 * (ambient[1] + diffuse[1] * lam)
                cb = s_rgba[g, 2] * 255.0 * (ambient[2] + diffuse[2] * lam)
            else:
                seg[i, j] = -1
                if sky_tex >= 0:
                    cr, cg, cb = _sky(texels, mip_off, mip_w, mip_h, mip_first, sky_tex, dx, dy, dz)
                else:
                    cr = 0.0
                    cg = 0.0
                    cb = 0.0
            out[i, j, 0] = _to_u8(cr)
            out[i, j, 1] = _to_u8(cg)
            out[i, j, 2] = _to_u8(cb)


@nb.njit(cache=True, inline="always", error_model="numpy")
def _pick(a, x, y, z):
    return x if a == 0 else (y if a == 1 else z)


@nb.njit(cache=True, inline="always", error_model="numpy")
def _plane_rho2(rx, ry, rz, ax, ay, az, bx, by, bz, a, c_o, au, gu, av, gv, strict):
    """Squared texel footprint of a pixel on the plane ``x[a] = o[a] + c_o``, from the
    texture-coordinate differences between where the ray ``r`` and its neighbours
    ``r + A`` (one pixel right) and ``r - B`` (one pixel down) meet the plane; u changes
    along axis ``au`` by ``gu`` texels per metre, v along ``av`` by ``gv``. Returns -1
    when ``strict`` and one of the rays meets the plane behind the camera."""
    qx = rx + ax
    qy = ry + ay
    qz = rz + az
    px = rx - bx
    py = ry - by
    pz = rz - bz
    r_n = _pick(a, rx, ry, rz)
    q_n = _pick(a, qx, qy, qz)
    p_n = _pick(a, px, py, pz)
    if abs(r_n) < 1e-12 or abs(q_n) < 1e-12 or abs(p_n) < 1e-12:
        return -1.0 if strict else 1e18
    s0 = c_o / r_n
    s1 = c_o / q_n
    s2 = c_o / p_n
    if strict and (s0 <= 0.0 or s1 <= 0.0 or s2 <= 0.0):
        return -1.0
    hu = s0 * _pick(au, rx, ry, rz)
    hv = s0 * _pick(av, rx, ry, rz)
    du = (s1 * _pick(au, qx, qy, qz) - hu) * gu
    dv = (s1 * _pick(av, qx, qy, qz) - hv) * gv
    d1 = du * du + dv * dv
    du = (s2 * _pick(au, px, py, pz) - hu) * gu
    dv = (s2 * _pick(av, px, py, pz) - hv) * gv
    d2 = du * du + dv * dv
    return d1 if d1 > d2 else d2


@nb.njit(cache=True, error_model="numpy", nogil=True)
def _shade_rows(
    i_start, i_stop, sxs, hit_f, hit_i,
    out, cam_pos, cam_mat, tan_half_fovy, ambient, diffuse,
    s_lo, s_hi, s_rgba, s_tex, s_map,
    texels, mip_off, mip_w, mip_h, mip_first, mip_count,
):
    """Textured static hits of rows ``i_start`` to ``i_stop`` (an even start): texture
    coordinates, level of detail, trilinear sample, headlight.

    The level of detail is OpenGL's: one per 2x2 pixel quad and surface, from the
    texture-coordinate differences of the quad's top-left pixel and its right and lower
    neighbours, all intersected with the surface's plane (whether or not they see it);
    a pixel whose quad's rays do not all meet the plane in front of the camera takes
    the differences at its own ray instead."""
    h, w = out.shape[0], out.shape[1]
    ox, oy, oz = cam_pos[0], cam_pos[1], cam_pos[2]
    fx0, fx1, fx2 = cam_mat[0, 0], cam_mat[1, 0], cam_mat[2, 0]
    fy0, fy1, fy2 = cam_mat[0, 1], cam_mat[1, 1], cam_mat[2, 1]
    fz0, fz1, fz2 = cam_mat[0, 2], cam_mat[1, 2], cam_mat[2, 2]
    pix = 2.0 * tan_half_fovy / h  # pixel size on the image plane at unit distance
    ax, ay, az = fx0 * pix, fx1 * pix, fx2 * pix
    bx, by, bz = fy0 * pix, fy1 * pix, fy2 * pix
    nq = (w + 1) // 2
    q_key = np.full(nq, -1, dtype=np.int64)
    q_lod = np.zeros(nq)
    for i in range(i_start, i_stop):
        i_q = i - ((i - i_start) & 1)  # the quad's top row
        if i == i_q:
            q_key[:] = -1
        sy = (1.0 - 2.0 * (i + 0.5) / h) * tan_half_fovy
        sy_q = (1.0 - 2.0 * (i_q + 0.5) / h) * tan_half_fovy
        for j in range(w):
            g = hit_i[i, j, 0]
            if g < 0:
                continue
            face = hit_i[i, j, 1]
            axis = face >> 1
            px = hit_f[i, j, 0]
            py = hit_f[i, j, 1]
            pz = hit_f[i, j, 2]
            lam = hit_f[i, j, 3]
            tex = s_tex[g]
            # u changes along axis au only and v along av only (see texture_maps)
            au = 1 if axis == 0 else 0
            av = 1 if axis == 2 else 2
            k_u = s_map[g, axis, 1]
            k_v = s_map[g, axis, 3]
            uu = (_pick(au, px, py, pz) - s_map[g, axis, 0]) * k_u
            vv = (_pick(av, px, py, pz) - s_map[g, axis, 2]) * k_v
            jq = j >> 1
            key = g * 8 + face
            if q_key[jq] == key:
                lod = q_lod[jq]
            else:
                k0 = mip_first[tex]
                gu = k_u * mip_w[k0]  # texels per metre
                gv = k_v * mip_h[k0]
                c_o = (s_hi[g, axis] if face & 1 else s_lo[g, axis]) - _pick(axis, ox, oy, oz)
                sx_q = sxs[j - (j & 1)]
                rho2 = _plane_rho2(fx0 * sx_q + fy0 * sy_q - fz0, fx1 * sx_q + fy1 * sy_q - fz1,
                                   fx2 * sx_q + fy2 * sy_q - fz2, ax, ay, az, bx, by, bz,
                                   axis, c_o, au, gu, av, gv, True)
                cache = rho2 >= 0.0
                if not cache:
                    sx = sxs[j]
                    rho2 = _plane_rho2(fx0 * sx + fy0 * sy - fz0, fx1 * sx + fy1 * sy - fz1, fx2 * sx + fy2 * sy - fz2,
                                       ax, ay, az, bx, by, bz, axis, c_o, au, gu, av, gv, False)
                lod = 0.5 * _log2(rho2) if rho2 > 1.0 else 0.0
                if cache:
                    q_key[jq] = key
                    q_lod[jq] = lod
            tr, tg, tb = _sample(texels, mip_off, mip_w, mip_h, mip_first, mip_count, tex, _frac(uu), _frac(vv), lod)
            out[i, j, 0] = _to_u8(tr * s_rgba[g, 0] * (ambient[0] + diffuse[0] * lam))
            out[i, j, 1] = _to_u8(tg * s_rgba[g, 1] * (ambient[1] + diffuse[1] * lam))
            out[i, j, 2] = _to_u8(tb * s_rgba[g, 2] * (ambient[2] + diffuse[2] * lam))


@nb.njit(cache=True, error_model="numpy")
def _gather_dynamic(geom_xpos, geom_xmat, site_xpos, site_xmat, dyn_geoms, sites):
    """Positions and rotations of the moving geoms, then of the sites."""
    n_g = dyn_geoms.shape[0]
    n = n_g + sites.shape[0]
    d_pos = np.empty((n, 3))
    d_rot = np.empty((n, 3, 3))
    for k in range(n):
        if k < n_g:
            src_pos = geom_xpos[dyn_geoms[k]]
            src_rot = geom_xmat[dyn_geoms[k]]
        else:
            src_pos = site_xpos[sites[k - n_g]]
            src_rot = site_xmat[sites[k - n_g]]
        for a in range(3):
            d_pos[k, a] = src_pos[a]
            for b in range(3):
                d_rot[k, a, b] = src_rot[3 * a + b]
    return d_pos, d_rot


@nb.njit(cache=True, error_model="numpy")
def _column_offsets(w, h, tan_half_fovy):
    """Horizontal image-plane coordinate of each column's pixel centres at unit distance."""
    aspect = w / h
    sxs = np.empty(w)
    for j in range(w):
        sxs[j] = (2.0 * (j + 0.5) / w - 1.0) * tan_half_fovy * aspect
    return sxs


@nb.njit(cache=True, error_model="numpy")
def _row_lists(rects, h):
    """For each image row, the moving geoms whose screen rectangle covers it."""
    n = rects.shape[0]
    row_geoms = np.empty((h, max(n, 1)), dtype=np.int64)
    row_count = np.zeros(h, dtype=np.int64)
    for g in range(n):
        for i in range(rects[g, 0], rects[g, 1] + 1):
            row_geoms[i, row_count[i]] = g
            row_count[i] += 1
    return row_geoms, row_count


@nb.njit(cache=True, error_model="numpy", nogil=True)
def render_kernel(
    out, seg, depth, hit_f, hit_i,
    cam_xpos, cam_xmat, camera, tan_half_fovy,
    ambient, diffuse,
    grid_origin, grid_cell, grid_shape, cell_start, cell_items, cell_code,
    s_kind, s_lo, s_hi, s_id, s_rgba, s_tex, s_map, z_top,
    geom_xpos, geom_xmat, site_xpos, site_xmat, dyn_geoms, sites, d_kind, d_size, d_id, d_rgba,
    texels, mip_off, mip_w, mip_h, mip_first, mip_count, sky_tex,
    hf_origin, hf_cell, hf_z, hf_cmax, hf_rgb, hf_id, hf_far,
):
    """Renders the whole image on the calling thread (without holding the GIL, so that
    threads can render several envs at once): a tracing pass that finds what each
    pixel shows and colours all but textured static surfaces, then a shading pass for
    those. ``hit_f`` ``(h, w, 4)`` float64 and ``hit_i`` ``(h, w, 2)`` int32 are
    scratch space between the two; ``depth`` ``(h, w)`` float64 receives each pixel's
    distance along the view axis (:data:`_BIG` for the sky)."""
    h, w = out.shape[0], out.shape[1]
    cam_pos = cam_xpos[camera]
    cam_mat = cam_xmat[camera].reshape(3, 3)
    d_pos, d_rot = _gather_dynamic(geom_xpos, geom_xmat, site_xpos, site_xmat, dyn_geoms, sites)
    rects = _screen_rects(cam_pos, cam_mat, tan_half_fovy, h, w, d_kind, d_pos, d_size)
    row_geoms, row_count = _row_lists(rects, h)
    sxs = _column_offsets(w, h, tan_half_fovy)
    _trace_rows(
            0, h, rects, row_geoms, row_count, sxs, out, seg, depth, hit_f, hit_i, cam_pos, cam_mat, tan_half_fovy, ambient, diffuse, grid_origin, grid_cell, grid_shape, cell_start, cell_items, cell_code, s_kind, s_lo, s_hi, s_id, s_rgba, s_tex, z_top, d_kind, d_pos, d_rot, d_size, d_id, d_rgba, texels, mip_off, mip_w, mip_h, mip_first, sky_tex, hf_origin, hf_cell, hf_z, hf_cmax, hf_rgb, hf_id, hf_far)
    _shade_rows(0, h, sxs, hit_f, hit_i, out, cam_pos, cam_mat, tan_half_fovy, ambient, diffuse, s_lo, s_hi, s_rgba, s_tex, s_map, texels, mip_off, mip_w, mip_h, mip_first, mip_count)


@nb.njit(cache=True, error_model="numpy", parallel=True)
def render_kernel_parallel(
    out, seg, depth, hit_f, hit_i,
    cam_xpos, cam_xmat, camera, tan_half_fovy,
    ambient, diffuse,
    grid_origin, grid_cell, grid_shape, cell_start, cell_items, cell_code,
    s_kind, s_lo, s_hi, s_id, s_rgba, s_tex, s_map, z_top,
    geom_xpos, geom_xmat, site_xpos, site_xmat, dyn_geoms, sites, d_kind, d_size, d_id, d_rgba,
    texels, mip_off, mip_w, mip_h, mip_first, mip_count, sky_tex,
    hf_origin, hf_cell, hf_z, hf_cmax, hf_rgb, hf_id, hf_far,
):
    """Renders the whole image, rows (and then pairs of rows) spread over numba's threads."""
    h, w = out.shape[0], out.shape[1]
    cam_pos = cam_xpos[camera]
    cam_mat = cam_xmat[camera].reshape(3, 3)
    d_pos, d_rot = _gather_dynamic(geom_xpos, geom_xmat, site_xpos, site_xmat, dyn_geoms, sites)
    rects = _screen_rects(cam_pos, cam_mat, tan_half_fovy, h, w, d_kind, d_pos, d_size)
    row_geoms, row_count = _row_lists(rects, h)
    sxs = _column_offsets(w, h, tan_half_fovy)
    for i in nb.prange(h):
        _trace_rows(
            i, i + 1, rects, row_geoms, row_count, sxs, out, seg, depth, hit_f, hit_i, cam_pos, cam_mat, tan_half_fovy, ambient, diffuse, grid_origin, grid_cell, grid_shape, cell_start, cell_items, cell_code, s_kind, s_lo, s_hi, s_id, s_rgba, s_tex, z_top, d_kind, d_pos, d_rot, d_size, d_id, d_rgba, texels, mip_off, mip_w, mip_h, mip_first, sky_tex, hf_origin, hf_cell, hf_z, hf_cmax, hf_rgb, hf_id, hf_far)
    for q in nb.prange((h + 1) // 2):
        _shade_rows(2 * q, min(h, 2 * q + 2), sxs, hit_f, hit_i, out, cam_pos, cam_mat, tan_half_fovy, ambient, diffuse, s_lo, s_hi, s_rgba, s_tex, s_map, texels, mip_off, mip_w, mip_h, mip_first, mip_count)
