"""A drawn view of symbolic Alchemy, and the turn-based controls of the GUI player.

Everything drawn comes from the symbolic observation, so the player sees what the agent
sees: each stone's three perceptual features (colour, size, roundness, spec 2.3) drawn
as a shape, its reward indicator (the observation's ``sum(c)/3``, shown as what the
cauldron pays for it), the 12 potions' colours, which items are used, plus the trial
number, the steps left in the trial and the score (from the env's ``info`` and the
rewards). Nothing of the hidden chemistry is shown.

* :func:`decode`: a symbolic observation (39 or 24 values, or the ``Dict`` observation)
  as a :class:`Board` of stones and potions.
* :func:`draw_board`: draws a board on a pygame surface (512x512 layout);
  ``AlchemyEnv(render_mode="rgb_array").render()`` returns it as an image.
* :class:`AlchemyControls`: ``AlchemyEnv.interactive()``; the GUI player's turn-based
  input (select a stone, select a potion or the cauldron, Enter to act), the board with
  the selection drawn, and one line describing each step.

pygame is imported when something is drawn (the ``gui`` extra), not on import.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: Potion colours in colour-index order (spec 2.4): name, RGB.
POTION_COLOURS: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ("red", (222, 58, 58)),
    ("green", (64, 182, 84)),
    ("orange", (243, 146, 44)),
    ("yellow", (238, 222, 64)),
    ("pink", (242, 128, 200)),
    ("turquoise", (52, 208, 198)),
)
#: Perceived stone features (spec 2.3), -1 / 0 / +1 of each axis.
STONE_COLOURS = {-1: ("purple", (168, 62, 196)), 0: ("blurple", (112, 98, 236)), 1: ("blue", (40, 150, 242))}
STONE_SIZES = {-1: ("small", 24), 0: ("medium", 34), 1: ("large", 44)}
STONE_SHAPES = {-1: ("pointy", 0.52), 0: ("somewhat pointy", 0.76), 1: ("round", 1.0)}

SIZE = 512  # the board's layout is for a 512x512 surface
CAULDRON = 12  # the target index of the cauldron (potions are 0 to 11)
BG = (24, 26, 31)
CARD = (37, 40, 47)
EDGE = (72, 76, 86)
FG = (225, 228, 232)
DIM = (140, 146, 156)
ACCENT = (255, 206, 84)
GOOD = (96, 210, 120)
BAD = (236, 96, 96)

_STONE_CARDS = [(8 + 168 * i, 66, 160, 178) for i in range(3)]
_POTION_CELLS = [(8 + 64 * (j % 6), 276 + 86 * (j // 6), 60, 82) for j in range(12)]
_CAULDRON_CELL = (400, 276, 104, 168)


@dataclass
class Board:
    """One symbolic observation, decoded.

    ``stones[i]``: ``(colour, size, roundness, sum)`` of stone slot i, the perceived
    features in {-1, 0, 1} and the reward indicator ``sum(c)`` in {-3, -1, 1, 3}, or
    None when the slot is used (cashed) or empty. ``potions[j]``: the colour index 0-5
    of potion slot j, or None when used or empty.
    """

    stones: list[tuple[int, int, int, int] | None]
    potions: list[int | None]


def decode(obs) -> Board:
    """The :class:`Board` of a symbolic observation (the 39 values, the 24 values
    without used flags, or a ``Dict`` observation with ``symbolic_obs``)."""
    vec = np.asarray(obs["symbolic_obs"] if isinstance(obs, dict) else obs, dtype=np.float64)
    if vec.shape == (39,):
        sw, pw = 5, 2
    elif vec.shape == (24,):
        sw, pw = 4, 1
    else:
        raise ValueError(f"not a symbolic Alchemy observation: shape {vec.shape} (expected 39 or 24 values)")
    stones: list[tuple[int, int, int, int] | None] = []
    for i in range(3):
        f = vec[sw * i:sw * i + 4]
        gone = np.any(f > 1.5) or (sw == 5 and vec[sw * i + 4] > 0.5)
        stones.append(None if gone else (int(round(f[0])), int(round(f[1])), int(round(f[2])), int(round(3 * f[3]))))
    potions: list[int | None] = []
    for j in range(12):
        v = vec[15 + 2 * j] if pw == 2 else vec[12 + j]
        gone = v > 0.9 or (pw == 2 and vec[16 + 2 * j] > 0.5)
        potions.append(None if gone else int(round(3 * (v + 1))))
    return Board(stones, potions)


def stone_words(stone: tuple[int, int, int, int]) -> str:
    """``"blue, large, round"``."""
    return f"{STONE_COLOURS[stone[0]][0]}, {STONE_SIZES[stone[1]][0]}, {STONE_SHAPES[stone[2]][0]}"


def default_payout(indicator: int) -> float:
    """What the cauldron pays for a stone with this reward indicator under the default
    reward weights (spec 2.2): the sum, plus the bonus 12 for the +3 stone."""
    return indicator + (12 if indicator == 3 else 0)


# ---------------------------------------------------------------------------- drawing


def _pygame():
    try:
        import pygame
    except ImportError as e:  # pragma: no cover
        raise ImportError("drawing Alchemy needs pygame: pip install 'memory_bench[gui]'") from e
    if not pygame.font.get_init():
        pygame.font.init()
    return pygame


_FONTS: dict[int, Any] = {}


def _font(size: int):
    pygame = _pygame()
    font = _FONTS.get(size)
    if font is None:
        font = _FONTS[size] = pygame.font.Font(None, size)
    return font


def _text(surface, text: str, pos, size: int = 22, color=FG, anchor: str = "topleft", max_width: int = SIZE - 20) -> None:
    surf = _font(size).render(text, True, color)
    while surf.get_width() > max_width and size > 14:  # shrink long lines to fit
        size -= 2
        surf = _font(size).render(text, True, color)
    rect = surf.get_rect(**{anchor: pos})
    surface.blit(surf, rect)


def _stone_shape(surface, centre, stone) -> None:
    pygame = _pygame()
    colour = STONE_COLOURS[stone[0]][1]
    r = STONE_SIZES[stone[1]][1]
    inner = STONE_SHAPES[stone[2]][1]
    light = tuple(min(255, c + 70) for c in colour)
    if inner >= 1.0:
        pygame.draw.circle(surface, colour, centre, r)
        pygame.draw.circle(surface, light, centre, r, 2)
        return
    n = 8
    cx, cy = centre
    pts = []
    for k in range(2 * n):
        rr = r if k % 2 == 0 else r * inner
        a = -math.pi / 2 + k * math.pi / n
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    pygame.draw.polygon(surface, colour, pts)
    pygame.draw.polygon(surface, light, pts, 2)


def _value_text(indicator: int, payout) -> tuple[str, tuple[int, int, int]]:
    if payout is None:
        return f"sum {indicator:+d}", (GOOD if indicator > 0 else BAD)
    value = payout(indicator)
    color = ACCENT if indicator == 3 else (GOOD if value > 0 else BAD)
    return f"{value:+g}", color


def _flask(surface, rect, colour) -> None:
    """A potion bottle in ``rect``: filled with ``colour``, or an empty outline (None)."""
    pygame = _pygame()
    x, y, w, h = rect
    cx, cy, r = x + w // 2, y + h - 26, 19
    neck = pygame.Rect(cx - 6, y + 22, 12, cy - r - y - 18)
    if colour is None:
        pygame.draw.circle(surface, EDGE, (cx, cy), r, 2)
        pygame.draw.rect(surface, EDGE, neck, 2)
        return
    pygame.draw.rect(surface, colour, neck)
    pygame.draw.circle(surface, colour, (cx, cy), r)
    pygame.draw.circle(surface, (255, 255, 255), (cx - 6, cy - 6), 4)
    pygame.draw.rect(surface, (150, 110, 70), (cx - 7, y + 18, 14, 6))


def draw_board(
    surface,
    board: Board,
    *,
    trial: int | None = None,
    num_trials: int | None = None,
    steps_left: int | None = None,
    score: float | None = None,
    selection: tuple[int | None, int | None] | None = None,
    lines: tuple[str, ...] = (),
    n_stones: int = 3,
    n_potions: int = 12,
    payout=default_payout,
    origin: tuple[int, int] = (0, 0),
) -> None:
    """Draws ``board`` on ``surface`` in a 512x512 area at ``origin``.

    ``trial`` is 1-based. ``selection``: (stone slot, target) highlighted, the target
    a potion slot 0-11 or :data:`CAULDRON`. ``lines``: up to two lines of text at the
    bottom. ``payout``: the value shown on a stone from its reward indicator (None
    shows the indicator itself)."""
    pygame = _pygame()
    ox, oy = origin

    def R(x, y, w, h):
        return pygame.Rect(ox + x, oy + y, w, h)

    surface.fill(BG, R(0, 0, SIZE, SIZE))
    # top bar: trial, steps left in the trial, score
    t = "-" if trial is None else f"{trial}" + ("" if num_trials is None else f" / {num_trials}")
    _text(surface, f"trial {t}", (ox + 12, oy + 10), 30, ACCENT)
    if steps_left is not None:
        _text(surface, f"steps left {steps_left}", (ox + SIZE // 2 + 10, oy + 10), 30, FG, "midtop")
    if score is not None:
        _text(surface, f"score {score:g}", (ox + SIZE - 12, oy + 10), 30, FG, "topright")
    pygame.draw.line(surface, EDGE, (ox + 8, oy + 40), (ox + SIZE - 8, oy + 40))
    sel_stone, sel_target = selection if selection is not None else (None, None)

    _text(surface, "stones  (1 2 3)", (ox + 12, oy + 46), 20, DIM)
    for i, (x, y, w, h) in enumerate(_STONE_CARDS):
        card = R(x, y, w, h)
        pygame.draw.rect(surface, CARD, card, border_radius=8)
        selected = sel_stone == i
        pygame.draw.rect(surface, ACCENT if selected else EDGE, card, 3 if selected else 1, border_radius=8)
        _text(surface, str(i + 1), (card.x + 8, card.y + 6), 26, ACCENT if selected else DIM)
        stone = board.stones[i]
        if stone is None:
            label = "cashed" if i < n_stones else "empty"
            pygame.draw.circle(surface, EDGE, (card.centerx, card.y + 84), 34, 1)
            _text(surface, label, (card.centerx, card.y + 84), 22, DIM, "center")
            continue
        text, color = _value_text(stone[3], payout)
        _text(surface, text, (card.right - 8, card.y + 6), 28, color, "topright")
        _stone_shape(surface, (card.centerx, card.y + 86), stone)
        _text(surface, f"{STONE_COLOURS[stone[0]][0]}, {STONE_SIZES[stone[1]][0]}", (card.centerx, card.bottom - 40), 20, FG, "midtop")
        _text(surface, STONE_SHAPES[stone[2]][0], (card.centerx, card.bottom - 22), 20, FG, "midtop")

    _text(surface, "potions  (left / right)", (ox + 12, oy + 254), 20, DIM)
    for j, (x, y, w, h) in enumerate(_POTION_CELLS):
        cell = R(x, y, w, h)
        selected = sel_target == j
        pygame.draw.rect(surface, CARD, cell, border_radius=6)
        if selected:
            pygame.draw.rect(surface, ACCENT, cell, 3, border_radius=6)
        _text(surface, str(j + 1), (cell.x + 5, cell.y + 3), 20, ACCENT if selected else DIM)
        colour = board.potions[j]
        if colour is None:
            _flask(surface, cell, None)
            if j < n_potions:
                _text(surface, "used", (cell.centerx, cell.bottom - 26), 18, DIM, "center")
        else:
            _flask(surface, cell, POTION_COLOURS[colour][1])

    cell = R(*_CAULDRON_CELL)
    selected = sel_target == CAULDRON
    pygame.draw.rect(surface, CARD, cell, border_radius=8)
    pygame.draw.rect(surface, ACCENT if selected else EDGE, cell, 3 if selected else 1, border_radius=8)
    _text(surface, "cauldron", (cell.centerx, cell.y + 10), 22, ACCENT if selected else FG, "midtop")
    _text(surface, "(C)", (cell.centerx, cell.y + 30), 20, DIM, "midtop")
    pot = pygame.Rect(0, 0, 76, 60)
    pot.center = (cell.centerx, cell.y + 104)
    pygame.draw.ellipse(surface, (70, 72, 80), pot)
    pygame.draw.ellipse(surface, (110, 200, 130), (pot.x + 6, pot.y - 4, pot.w - 12, 18))
    pygame.draw.ellipse(surface, (150, 154, 164), (pot.x + 2, pot.y - 6, pot.w - 4, 22), 3)
    pygame.draw.line(surface, (70, 72, 80), (pot.x + 14, pot.bottom - 4), (pot.x + 8, pot.bottom + 10), 5)
    pygame.draw.line(surface, (70, 72, 80), (pot.right - 14, pot.bottom - 4), (pot.right - 8, pot.bottom + 10), 5)

    pygame.draw.line(surface, EDGE, (ox + 8, oy + 452), (ox + SIZE - 8, oy + 452))
    for k, line in enumerate(lines[:2]):
        _text(surface, line, (ox + 12, oy + 460 + 24 * k), 23, FG if k == 0 else ACCENT)


def hit_test(pos, origin: tuple[int, int] = (0, 0)) -> tuple[str, int] | None:
    """What is under a point of a board drawn at ``origin``: ``("stone", i)``,
    ``("target", j)`` (a potion slot, or :data:`CAULDRON`), or None."""
    x, y = pos[0] - origin[0], pos[1] - origin[1]
    for i, (cx, cy, w, h) in enumerate(_STONE_CARDS):
        if cx <= x < cx + w and cy <= y < cy + h:
            return ("stone", i)
    for j, (cx, cy, w, h) in enumerate(_POTION_CELLS):
        if cx <= x < cx + w and cy <= y < cy + h:
            return ("target", j)
    cx, cy, w, h = _CAULDRON_CELL
    if cx <= x < cx + w and cy <= y < cy + h:
        return ("target", CAULDRON)
    return None


def render_rgb(env) -> np.ndarray:
    """The board of an :class:`~memory_bench.envs.alchemy.env.AlchemyEnv`'s current
    state as a (512, 512, 3) uint8 image."""
    pygame = _pygame()
    surface = pygame.Surface((SIZE, SIZE))
    controls = AlchemyControls(env)
    controls.draw(surface, env._observation(), env._info(False) if env.chemistry is not None else None, env.episode_return,
                  selection=False)
    return np.ascontiguousarray(pygame.surfarray.array3d(surface).swapaxes(0, 1))


# ---------------------------------------------------------------------------- controls


class AlchemyControls:
    """Turn-based controls of :class:`~memory_bench.envs.alchemy.env.AlchemyEnv` for the
    GUI player (``env.interactive()``).

    The player keeps a selected stone and a selected target (a potion or the cauldron)
    and calls :meth:`key` with each key pressed; it returns the action to play, or None
    (a selection changed). :meth:`reset` and :meth:`observe` give it each observation.
    Keys: ``1`` ``2`` ``3`` or up/down select a stone, left/right a potion (used ones
    skipped) or the cauldron, ``C`` the cauldron, Enter acts (dip the stone in the
    potion, or put it in the cauldron), Space no-op, ``E`` ends the trial (levels made
    with ``end_trial_action=True``). :meth:`click` selects what is under the mouse.
    """

    STONE_KEYS = {"1": 0, "2": 1, "3": 2, "[1]": 0, "[2]": 1, "[3]": 2}
    ACT_KEYS = ("return", "enter")
    NOOP_KEYS = ("space",)

    def __init__(self, env):
        base = getattr(env, "unwrapped", env)
        self.env = base
        self.end_trial = bool(base.end_trial_action)
        self.noop = int(base.noop_action)
        self.end_action = 0 if self.end_trial else None
        self.num_trials = int(base.num_trials)
        self.max_steps_per_trial = int(base.max_steps_per_trial)
        self.n_stones = int(base.num_stones)
        self.n_potions = int(base.num_potions)
        rw = base.reward_weights
        c = rw.coefficients
        if c[0] == c[1] == c[2]:
            self.payout = lambda s, w=c[0], o=rw.offset, b=rw.bonus: w * s + o + (b if s == 3 else 0.0)
        else:
            self.payout = None
        self.help = [
            "1 2 3, up/down: choose a stone",
            "left/right: potion   C: cauldron",
            "Enter: dip / cash   Space: noop",
            "E: end trial" if self.end_trial else "E: end trial (not on this level)",
            "mouse: click to choose",
        ]
        self.board = Board([None] * 3, [None] * 12)
        self.info: dict[str, Any] | None = None
        self.stone: int | None = None
        self.target: int = CAULDRON
        self.message = ""

    # ------------------------------------------------------------------ actions
    def action(self, stone: int, target: int) -> int:
        """The action that puts stone slot ``stone`` into ``target`` (a potion slot or
        :data:`CAULDRON`)."""
        return int(self.env.action_for(stone, None if target == CAULDRON else target))

    def decode_action(self, action: int) -> tuple[str, int | None, int | None]:
        """``("noop" | "end" | "cauldron" | "potion", stone, potion)``."""
        u = int(action) - (2 if self.end_trial else 1)
        if u == -2:
            return ("end", None, None)
        if u < 0:
            return ("noop", None, None)
        s, r = divmod(u, 13)
        return ("cauldron", s, None) if r == 0 else ("potion", s, r - 1)

    def action_name(self, action: int) -> str:
        kind, s, p = self.decode_action(action)
        if kind == "noop":
            return "noop"
        if kind == "end":
            return "end trial"
        if kind == "cauldron":
            return f"stone {s + 1} into the cauldron"
        return f"stone {s + 1} into potion {p + 1}"

    def describe(self, before, after, action: int, reward: float, new_trial: bool = False) -> str:
        """One line on what a step did, from the boards (or observations) before and
        after it."""
        before = before if isinstance(before, Board) else decode(before)
        after = after if isinstance(after, Board) else decode(after)
        kind, s, p = self.decode_action(action)
        if kind in ("noop", "end"):
            text = self.action_name(action)
        elif s >= 3 or before.stones[s] is None:
            text = f"{self.action_name(action)}: no stone there (noop)"
        elif kind == "cauldron":
            text = f"stone {s + 1} into the cauldron: {reward:+g}"
        elif before.potions[p] is None:
            text = f"{self.action_name(action)}: potion used already (noop)"
        else:
            colour = POTION_COLOURS[before.potions[p]][0]
            text = f"stone {s + 1} into {colour} potion {p + 1}"
            if not new_trial:  # after a trial's last step the board shows the next trial
                stone_after = after.stones[s]
                text += ": no change" if stone_after == before.stones[s] else f": now {stone_words(stone_after)}"
        return text + ("   (new trial)" if new_trial else "")

    # ------------------------------------------------------------------ state
    def _present_stones(self) -> list[int]:
        return [i for i, s in enumerate(self.board.stones) if s is not None]

    def _targets(self) -> list[int]:
        return [j for j, p in enumerate(self.board.potions) if p is not None] + [CAULDRON]

    def _fix_selection(self, fresh: bool) -> None:
        stones = self._present_stones()
        if fresh or self.stone not in stones:
            later = [i for i in stones if self.stone is not None and i > self.stone]
            self.stone = None if not stones else (stones[0] if fresh or not later else later[0])
        targets = self._targets()
        if fresh:
            self.target = targets[0]
        elif self.target not in targets:
            self.target = next(t for t in targets if t > self.target)

    def reset(self, obs, info: dict[str, Any] | None = None) -> None:
        """A new episode's first observation."""
        self.board = decode(obs)
        self.info = dict(info or {})
        self.message = "new episode: choose a stone and a potion"
        self._fix_selection(fresh=True)

    def observe(self, obs, info: dict[str, Any] | None, action: int, reward: float) -> None:
        """The observation after ``action``."""
        before, self.board = self.board, decode(obs)
        self.info = dict(info or {})
        new_trial = bool(self.info.get("is_new_trial", False))
        self.message = self.describe(before, self.board, action, reward, new_trial)
        self._fix_selection(fresh=new_trial)

    def key(self, name: str) -> int | None:
        """A key pressed (``pygame.key.name``): the action to play, or None."""
        name = name.lower()
        if name in self.STONE_KEYS:
            i = self.STONE_KEYS[name]
            if self.board.stones[i] is None:
                self.message = f"stone {i + 1} is {'cashed' if i < self.n_stones else 'not there'}"
            else:
                self.stone = i
        elif name in ("up", "down"):
            stones = self._present_stones()
            if stones:
                k = stones.index(self.stone) if self.stone in stones else 0
                self.stone = stones[(k + (1 if name == "down" else -1)) % len(stones)]
        elif name in ("left", "right"):
            targets = self._targets()
            k = targets.index(self.target) if self.target in targets else 0
            self.target = targets[(k + (1 if name == "right" else -1)) % len(targets)]
        elif name == "c":
            self.target = CAULDRON
        elif name in self.ACT_KEYS:
            if self.stone is None or self.board.stones[self.stone] is None:
                self.message = "no stone left: Space (noop)" + (" or E (end trial)" if self.end_trial else "")
                return None
            return self.action(self.stone, self.target)
        elif name in self.NOOP_KEYS:
            return self.noop
        elif name == "e":
            if self.end_trial:
                return self.end_action
            self.message = "this level has no end-trial action (--env-kwarg end_trial_action=true)"
        return None

    def click(self, pos, origin: tuple[int, int] = (0, 0)) -> None:
        """A mouse click at ``pos``: selects the stone, potion or cauldron under it."""
        hit = hit_test(pos, origin)
        if hit is None:
            return
        kind, index = hit
        if kind == "stone":
            self.key(str(index + 1))
        elif index == CAULDRON or self.board.potions[index] is not None:
            self.target = index

    def selection_line(self) -> str:
        if self.stone is None:
            return "no stone left"
        if self.target == CAULDRON:
            return f"stone {self.stone + 1} -> cauldron   (Enter)"
        colour = POTION_COLOURS[self.board.potions[self.target]][0]
        return f"stone {self.stone + 1} -> {colour} potion {self.target + 1}   (Enter)"

    def draw(self, surface, obs=None, info=None, score: float | None = None, *, selection: bool = True,
             message: str | None = None, origin: tuple[int, int] = (0, 0)) -> None:
        """Draws the board of ``obs`` (default: the last one given) with the trial, steps
        left in the trial and score; with ``selection``, the selection and its line."""
        board = self.board if obs is None else decode(obs)
        info = self.info if info is None else info
        trial = steps_left = None
        if info:
            trial = int(info["trial_number"]) + 1
            steps_left = self.max_steps_per_trial - int(info["steps_this_trial"])
        message = self.message if message is None else message
        lines = (self.selection_line(), message) if selection else ((message,) if message else ())
        draw_board(
            surface, board, trial=trial, num_trials=self.num_trials, steps_left=steps_left, score=score,
            selection=(self.stone, self.target) if selection else None, lines=lines,
            n_stones=self.n_stones, n_potions=self.n_potions, payout=self.payout, origin=origin,
        )
