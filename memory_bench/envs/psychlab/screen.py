"""The PsychLab screen: a raster, the widgets drawn on it, hover events and frame timers.

Coordinates are normalised screen coordinates as in DeepMind Lab's PsychLab: ``x`` to
the right and ``y`` down, both in ``[0, 1]``, ``(0, 0)`` the top-left corner. A widget
is an axis-aligned rectangle ``(x, y, w, h)`` with an optional image or colour fill
and optional hover callbacks. Each frame (60 per second) :meth:`Screen.frame` is given
the gaze point: every widget that contains it gets its hover counter incremented and
its ``on_hover`` called; a widget the gaze has just left gets ``on_hover_end``. Timers
count frames and fire once. The raster is composed lazily: widgets are drawn in the
order they were added over the background colour, and :attr:`Screen.version` changes
whenever the picture may have changed, so that a viewer can cache what it derives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Color = tuple[int, int, int]
Callback = Callable[[], None]

WHITE: Color = (255, 255, 255)
BLACK: Color = (0, 0, 0)
#: Fixation cross colour.
RED: Color = (255, 0, 0)
#: Standard response feedback (spec 0.6): a hovered button turns bright green when
#: it is the correct answer, bright red otherwise.
BRIGHT_GREEN: Color = (100, 255, 100)
BRIGHT_RED: Color = (255, 100, 100)


@dataclass(eq=False)
class Widget:
    """A rectangle on the screen: ``pos`` = (x, y) of its top-left corner, ``size`` =
    (w, h), both normalised. ``image`` (h, w, 3) uint8 is scaled to the rectangle;
    otherwise ``color`` fills it; neither means an invisible hover zone."""

    name: str
    pos: tuple[float, float]
    size: tuple[float, float]
    color: Color | None = None
    image: np.ndarray | None = None
    on_hover: Callback | None = None
    on_hover_end: Callback | None = None
    hover_frames: int = 0
    hovering: bool = False
    #: Pixel box on the raster (x0, y0, x1, y1), filled in by the screen.
    box: tuple[int, int, int, int] = field(default=(0, 0, 0, 0), repr=False)

    def contains(self, x: float, y: float) -> bool:
        x0, y0 = self.pos
        w, h = self.size
        return x0 <= x < x0 + w and y0 <= y < y0 + h

    @property
    def center(self) -> tuple[float, float]:
        return self.pos[0] + self.size[0] / 2, self.pos[1] + self.size[1] / 2


class Screen:
    """A square raster of ``size`` pixels with a background colour and widgets."""

    def __init__(self, size: int, background: Color = WHITE):
        if int(size) < 8:
            raise ValueError(f"screen size must be at least 8 pixels, got {size!r}")
        self.size = int(size)
        self.background: Color = background
        self.widgets: dict[str, Widget] = {}
        self._timers: list[list] = []  # [frames left, callback, name, frame armed]
        self._frame = 0
        self._raster = np.empty((self.size, self.size, 3), np.uint8)
        self._dirty = True
        self.version = 0

    # -- content ---------------------------------------------------------------------

    def clear(self, background: Color | None = None) -> None:
        """Removes every widget and timer; optionally changes the background colour."""
        if background is not None:
            self.background = background
        self.widgets.clear()
        self._timers.clear()
        self._touch()

    def add(
        self,
        name: str,
        pos: tuple[float, float],
        size: tuple[float, float],
        *,
        color: Color | None = None,
        image: np.ndarray | None = None,
        on_hover: Callback | None = None,
        on_hover_end: Callback | None = None,
    ) -> Widget:
        """Adds (or replaces) the widget ``name``; it is drawn above the earlier ones."""
        if image is not None and (image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8):
            raise ValueError(f"widget image must be (h, w, 3) uint8, got {image.shape} {image.dtype}")
        self.widgets.pop(name, None)
        widget = Widget(name, (float(pos[0]), float(pos[1])), (float(size[0]), float(size[1])), color, image, on_hover, on_hover_end)
        widget.box = self._pixel_box(widget)
        self.widgets[name] = widget
        self._touch()
        return widget

    def remove(self, *names: str) -> None:
        """Removes the named widgets (names that are not there are ignored)."""
        for name in names:
            if self.widgets.pop(name, None) is not None:
                self._touch()

    def set_color(self, name: str, color: Color) -> None:
        self.widgets[name].color = color
        self._touch()

    def after(self, frames: int, callback: Callback, name: str = "") -> None:
        """Calls ``callback`` at the end of the ``frames``-th frame after this one (1: at
        the end of the next frame), wherever it is armed: before a frame, in a hover
        callback or in another timer's callback."""
        if frames < 1:
            raise ValueError(f"a timer needs at least 1 frame, got {frames}")
        self._timers.append([int(frames), callback, name, self._frame])

    def cancel(self, name: str) -> None:
        self._timers = [t for t in self._timers if t[2] != name]

    def _touch(self) -> None:
        self._dirty = True
        self.version += 1

    def _pixel_box(self, widget: Widget) -> tuple[int, int, int, int]:
        s = self.size
        x0 = int(round(widget.pos[0] * s))
        y0 = int(round(widget.pos[1] * s))
        x1 = int(round((widget.pos[0] + widget.size[0]) * s))
        y1 = int(round((widget.pos[1] + widget.size[1]) * s))
        return max(x0, 0), max(y0, 0), min(x1, s), min(y1, s)

    @property
    def raster(self) -> np.ndarray:
        """The composed picture, (size, size, 3) uint8 (read-only view; do not modify)."""
        if self._dirty:
            r = self._raster
            r[:] = self.background
            for w in self.widgets.values():
                x0, y0, x1, y1 = w.box
                if x1 <= x0 or y1 <= y0:
                    continue
                if w.image is not None:
                    r[y0:y1, x0:x1] = scale_nearest(w.image, y1 - y0, x1 - x0)
                elif w.color is not None:
                    r[y0:y1, x0:x1] = w.color
            self._dirty = False
        return self._raster

    # -- time ------------------------------------------------------------------------

    def frame(self, gaze: tuple[float, float] | None) -> None:
        """One 60 Hz frame: hover events for the gaze point (None: off the screen),
        then timers. Callbacks may change the widgets; a widget removed by an earlier
        callback in the same frame gets no event. Timers armed during this frame start
        counting at the next one."""
        self._frame += 1
        for widget in list(self.widgets.values()):
            if self.widgets.get(widget.name) is not widget:
                continue
            inside = gaze is not None and widget.contains(gaze[0], gaze[1])
            if inside:
                widget.hovering = True
                widget.hover_frames += 1
                if widget.on_hover is not None:
                    widget.on_hover()
            elif widget.hovering:
                widget.hovering = False
                widget.hover_frames = 0
                if widget.on_hover_end is not None:
                    widget.on_hover_end()
        if self._timers:
            due = []
            for timer in self._timers:
                if timer[3] == self._frame:
                    continue  # armed by a callback of this frame
                timer[0] -= 1
                if timer[0] <= 0:
                    due.append(timer)
            if due:
                self._timers = [t for t in self._timers if t[0] > 0]
                for _, callback, _, _ in due:
                    callback()


def scale_nearest(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` resized to (height, width) by nearest-neighbour sampling (pixel centres)."""
    h, w = image.shape[:2]
    if (h, w) == (height, width):
        return image
    rows = (np.arange(height) * 2 + 1) * h // (2 * height)
    cols = (np.arange(width) * 2 + 1) * w // (2 * width)
    return image[rows[:, None], cols[None, :]]


def fixation_cross(pixels: int, color: Color = RED, background: Color = WHITE) -> np.ndarray:
    """The fixation cross image: two bars, each the middle 20 % band of the square."""
    img = np.empty((pixels, pixels, 3), np.uint8)
    img[:] = background
    lo = int(round(pixels * 0.4))
    hi = int(round(pixels * 0.6))
    img[lo:hi, :] = color
    img[:, lo:hi] = color
    return img


def disc(pixels: int, color: Color, background: Color) -> np.ndarray:
    """A filled disc of diameter ``pixels`` on a square of the background colour."""
    img = np.empty((pixels, pixels, 3), np.uint8)
    img[:] = background
    c = np.arange(pixels) * 2 + 1 - pixels  # twice the offset of pixel centres
    inside = c[:, None] ** 2 + c[None, :] ** 2 <= pixels * pixels
    img[inside] = color
    return img
