"""PsychLab embodiment: where the agent looks, and what it sees of the screen.

Geometry (DeepMind Lab units ``u``, spec 0.1 and 0.6): the eye is at the origin,
``+x`` forward at zero yaw, ``+y`` to the right, ``+z`` up. The screen is a square of
:data:`SCREEN_SIDE` u in the plane ``x = SCREEN_DISTANCE``, centred at eye height
(``y = z = 0``); the floor is :data:`EYE_HEIGHT` below the eye. The camera is a pinhole
with a 90 degree horizontal field of view; the gaze point is where the view's centre
ray meets the screen, in normalised screen coordinates (``x`` right, ``y`` down).

Look actions are in DeepMind Lab's units, pixels per frame; one pixel per frame turns
the view by :data:`DEGREES_PER_PIXEL` degrees per frame (``0.11 * 60 / 1000`` degrees
per millisecond in the engine's source). Pitch stays within +-:data:`MAX_PITCH`.

Rendering is a small numba kernel: per output pixel one ray, a plane intersection,
and a trilinear sample of the screen raster's box-filtered mip maps (so that a
512-pixel raster seen through 45 view pixels is averaged, not aliased); outside the
screen a dark bezel, a checkered floor and a sky gradient. The kernel uses only IEEE
basic operations and square roots per pixel, and no fast-math, so frames are
bit-identical run after run.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

SCREEN_DISTANCE = 90.0
SCREEN_SIDE = 112.0
EYE_HEIGHT = 50.0
BEZEL = 4.0
HFOV_DEGREES = 90.0
DEGREES_PER_PIXEL = 0.11
MAX_PITCH = 89.0

_BEZEL_COLOR = np.array([40.0, 40.0, 44.0], np.float32)
_FLOOR_A = np.array([112.0, 108.0, 100.0], np.float32)
_FLOOR_B = np.array([92.0, 88.0, 82.0], np.float32)
_SKY_HORIZON = np.array([196.0, 214.0, 232.0], np.float32)
_SKY_ZENITH = np.array([92.0, 140.0, 206.0], np.float32)
_FLOOR_TILE = 64.0
#: Gaze cursor colour in the ``view="screen"`` observation.
CURSOR_COLOR = (0, 160, 255)


class Gaze:
    """Yaw and pitch of the view (degrees; yaw positive to the right, pitch positive up)."""

    def __init__(self, yaw: float = 0.0, pitch: float = 0.0):
        self.yaw = float(yaw)
        self.pitch = float(pitch)

    def look(self, right_px: float, up_px: float) -> None:
        """One frame of look actions, in pixels per frame."""
        self.yaw = _wrap_degrees(self.yaw + right_px * DEGREES_PER_PIXEL)
        self.pitch = min(max(self.pitch + up_px * DEGREES_PER_PIXEL, -MAX_PITCH), MAX_PITCH)

    def point(self) -> tuple[float, float] | None:
        """The gaze point on the screen, normalised (x right, y down), or None off it."""
        return gaze_point(self.yaw, self.pitch)


def _wrap_degrees(a: float) -> float:
    return (a + 180.0) % 360.0 - 180.0


def gaze_point(yaw: float, pitch: float) -> tuple[float, float] | None:
    """Where the view centre at (yaw, pitch) degrees meets the screen, or None."""
    cy, sy = math.cos(math.radians(yaw)), math.sin(math.radians(yaw))
    cp, sp = math.cos(math.radians(pitch)), math.sin(math.radians(pitch))
    fx = cp * cy
    if fx <= 0.0:
        return None
    t = SCREEN_DISTANCE / fx
    y = t * cp * sy
    z = t * sp
    half = SCREEN_SIDE / 2
    if -half <= y < half and -half < z <= half:
        return (y + half) / SCREEN_SIDE, (half - z) / SCREEN_SIDE
    return None


def angles_for(x: float, y: float) -> tuple[float, float]:
    """The (yaw, pitch) in degrees whose gaze point is (x, y) on the screen."""
    py = (x - 0.5) * SCREEN_SIDE
    pz = (0.5 - y) * SCREEN_SIDE
    yaw = math.degrees(math.atan2(py, SCREEN_DISTANCE))
    pitch = math.degrees(math.atan2(pz, math.hypot(SCREEN_DISTANCE, py)))
    return yaw, pitch


class MipChain:
    """Box-filtered mip levels of a raster (float32), rebuilt when its version changes."""

    def __init__(self):
        self.version = -1
        self.levels: list[np.ndarray] = []

    def update(self, raster: np.ndarray, version: int, max_level: int) -> list[np.ndarray]:
        if version != self.version or len(self.levels) <= max_level:
            level = raster.astype(np.float32)
            levels = [level]
            while len(levels) <= max_level and level.shape[0] >= 2 and level.shape[0] % 2 == 0:
                level = (level[0::2, 0::2] + level[1::2, 0::2] + level[0::2, 1::2] + level[1::2, 1::2]) * np.float32(0.25)
                levels.append(level)
            self.levels = levels
            self.version = version
        return self.levels


def level_of_detail(screen_pixels: int, width: int) -> float:
    """Mip level for a screen raster of ``screen_pixels`` seen at ``width`` view pixels:
    log2 of raster texels per view pixel at the screen centre (0 when magnified)."""
    view_pixel_u = 2.0 * SCREEN_DISTANCE / width  # tan(45 deg) = 1
    texel_u = SCREEN_SIDE / screen_pixels
    ratio = view_pixel_u / texel_u
    return max(0.0, math.log2(ratio)) if ratio > 1.0 else 0.0


@nb.njit(cache=True, inline="always", error_model="numpy")
def _bilinear(tex, u, v, out, i, j, w):
    """Adds ``w`` * the bilinear sample of ``tex`` at normalised (u, v) to out[i, j]."""
    n = tex.shape[0]
    x = u * n - 0.5
    y = v * n - 0.5
    x0 = int(math.floor(x))
    y0 = int(math.floor(y))
    fx = x - x0
    fy = y - y0
    x1 = x0 + 1
    y1 = y0 + 1
    if x0 < 0:
        x0 = 0
    if y0 < 0:
        y0 = 0
    if x1 > n - 1:
        x1 = n - 1
    if y1 > n - 1:
        y1 = n - 1
    if x0 > n - 1:
        x0 = n - 1
    if y0 > n - 1:
        y0 = n - 1
    for c in range(3):
        top = tex[y0, x0, c] * (1.0 - fx) + tex[y0, x1, c] * fx
        bot = tex[y1, x0, c] * (1.0 - fx) + tex[y1, x1, c] * fx
        out[i, j, c] += w * (top * (1.0 - fy) + bot * fy)


@nb.njit(cache=True, nogil=True, error_model="numpy")
def _render_view(out, acc, lo, hi, blend, cy, sy, cp, sp, bezel, floor_a, floor_b, sky_h, sky_z):
    h, w = out.shape[0], out.shape[1]
    tan_v = h / w
    fx, fy, fz = cp * cy, cp * sy, sp  # forward
    rx, ry = -sy, cy  # right (rz = 0)
    ux, uy, uz = -sp * cy, -sp * sy, cp  # up
    half = 0.5 * 112.0
    edge = half + 4.0
    for i in range(h):
        v = ((i + 0.5) * 2.0 / h - 1.0) * tan_v
        for j in range(w):
            u = (j + 0.5) * 2.0 / w - 1.0
            dx = fx + u * rx - v * ux
            dy = fy + u * ry - v * uy
            dz = fz - v * uz
            for c in range(3):
                acc[i, j, c] = 0.0
            done = False
            if dx > 0.0:
                t = 90.0 / dx
                py = t * dy
                pz = t * dz
                if -half <= py < half and -half < pz <= half:
                    su = (py + half) / 112.0
                    sv = (half - pz) / 112.0
                    _bilinear(lo, su, sv, acc, i, j, 1.0 - blend)
                    if blend > 0.0:
                        _bilinear(hi, su, sv, acc, i, j, blend)
                    done = True
                elif -edge <= py < edge and -edge < pz <= edge:
                    for c in range(3):
                        acc[i, j, c] = bezel[c]
                    done = True
            if not done:
                if dz < 0.0:
                    t = -50.0 / dz
                    gx = math.floor(t * dx / 64.0)
                    gy = math.floor(t * dy / 64.0)
                    odd = (int(gx) + int(gy)) & 1
                    for c in range(3):
                        acc[i, j, c] = floor_b[c] if odd else floor_a[c]
                else:
                    e = dz / math.sqrt(dx * dx + dy * dy + dz * dz)
                    for c in range(3):
                        acc[i, j, c] = sky_h[c] * (1.0 - e) + sky_z[c] * e
            for c in range(3):
                val = acc[i, j, c] + 0.5
                if val < 0.0:
                    val = 0.0
                if val > 255.0:
                    val = 255.0
                out[i, j, c] = np.uint8(val)


@nb.njit(cache=True, nogil=True, error_model="numpy")
def _render_flat(out, acc, lo, hi, blend):
    h, w = out.shape[0], out.shape[1]
    for i in range(h):
        v = (i + 0.5) / h
        for j in range(w):
            u = (j + 0.5) / w
            for c in range(3):
                acc[i, j, c] = 0.0
            _bilinear(lo, u, v, acc, i, j, 1.0 - blend)
            if blend > 0.0:
                _bilinear(hi, u, v, acc, i, j, blend)
            for c in range(3):
                val = acc[i, j, c] + 0.5
                if val > 255.0:
                    val = 255.0
                out[i, j, c] = np.uint8(val)


class ScreenViewer:
    """Renders what the agent sees: ``view="first_person"`` (perspective view of the
    screen) or ``view="screen"`` (the raster itself, scaled, with a gaze cursor)."""

    VIEWS = ("first_person", "screen")

    def __init__(self, screen_pixels: int, height: int, width: int, view: str = "first_person"):
        if view not in self.VIEWS:
            raise ValueError(f"view must be one of {list(self.VIEWS)}, got {view!r}")
        self.view = view
        self.height, self.width = int(height), int(width)
        span = width if view == "first_person" else width * 2.0 * SCREEN_DISTANCE / SCREEN_SIDE
        lod = level_of_detail(screen_pixels, int(round(span)))
        max_level = int(math.log2(screen_pixels)) if screen_pixels & (screen_pixels - 1) == 0 else 0
        self._lo_level = min(int(math.floor(lod)), max_level)
        self._hi_level = min(self._lo_level + 1, max_level)
        self._blend = float(lod - self._lo_level) if self._hi_level > self._lo_level else 0.0
        self._mips = MipChain()
        self._acc = np.zeros((self.height, self.width, 3), np.float64)

    def render(self, raster: np.ndarray, version: int, gaze: Gaze, out: np.ndarray | None = None) -> np.ndarray:
        if out is None:
            out = np.empty((self.height, self.width, 3), np.uint8)
        levels = self._mips.update(raster, version, self._hi_level)
        lo, hi = levels[self._lo_level], levels[self._hi_level]
        if self.view == "first_person":
            yaw, pitch = math.radians(gaze.yaw), math.radians(gaze.pitch)
            _render_view(
                out, self._acc, lo, hi, self._blend,
                math.cos(yaw), math.sin(yaw), math.cos(pitch), math.sin(pitch),
                _BEZEL_COLOR, _FLOOR_A, _FLOOR_B, _SKY_HORIZON, _SKY_ZENITH,
            )
        else:
            _render_flat(out, self._acc, lo, hi, self._blend)
            point = gaze.point()
            if point is not None:
                draw_cursor(out, point)
        return out


def draw_cursor(image: np.ndarray, point: tuple[float, float]) -> None:
    """A small cross at the normalised point (x right, y down) of ``image``."""
    h, w = image.shape[:2]
    cx = min(int(point[0] * w), w - 1)
    cy = min(int(point[1] * h), h - 1)
    arm = max(1, min(h, w) // 32)
    image[cy, max(cx - arm, 0) : cx + arm + 1] = CURSOR_COLOR
    image[max(cy - arm, 0) : cy + arm + 1, cx] = CURSOR_COLOR
