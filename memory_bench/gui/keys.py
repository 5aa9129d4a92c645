"""Which keys play which action: one table, derived from the env's action names.

A key map is a dict ``{action index: (chord, ...)}``; a chord is a tuple of pygame key
names (``pygame.key.name``: ``"up"``, ``"w"``, ``"space"``, ``"0"``) that must all be
held. Each tick the player looks at the keys held and picks the action with the
longest chord that is fully held (ties go to the lower action index); with nothing
matching it plays the noop action.

An env declares its own map with a ``key_map`` attribute on ``env.unwrapped``: a dict
from an action (index or name) to one chord or a list of chords, a chord being a key
name, ``"up+left"`` or a tuple of names. Without one, :func:`key_map_for` builds the
map from the action names: a name is split on ``_`` into parts (``forward_left`` is
``forward`` + ``left``), and each part has its keys in :data:`PART_KEYS`.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable, Mapping, Sequence

#: Keys of each part of an action name; an action name's chords are every combination
#: of one key per part (``forward_left``: up+left, up+a, w+left, w+a).
PART_KEYS: dict[str, tuple[str, ...]] = {
    "noop": ("space", "0"),
    "forward": ("up", "w"),
    "backward": ("down", "s"),
    "left": ("left", "a"),
    "right": ("right", "d"),
    "up": ("up", "w"),
    "down": ("down", "s"),
    "jump": ("space",),
    "fire": ("f",),
    "use": ("e",),
}

#: Keys of the player itself, not of the env (and never part of an action's chord).
CONTROL_KEYS = {"pause": "p", "restart": "r", "quit": "escape", "next": ("return", "enter")}

Chord = tuple[str, ...]
KeyMap = dict[int, tuple[Chord, ...]]


def action_names_for(env) -> tuple[str, ...]:
    """The env's action names: ``env.unwrapped.action_names`` or ``ACTION_NAMES`` (an
    attribute, or a global of the module that defines the env class)."""
    base = getattr(env, "unwrapped", env)
    for attr in ("action_names", "ACTION_NAMES"):
        names = getattr(base, attr, None)
        if names is not None:
            return tuple(names)
    names = getattr(sys.modules.get(type(base).__module__), "ACTION_NAMES", None)
    if names is None:
        raise ValueError(
            f"{type(base).__name__} has no action names (an ACTION_NAMES or action_names attribute) "
            "and no key_map: declare one of them to play it in the GUI"
        )
    return tuple(names)


def _chord(spec) -> Chord:
    if isinstance(spec, str):
        parts = [p.strip().lower() for p in spec.split("+")]
    else:
        parts = [str(p).strip().lower() for p in spec]
    if not parts or any(not p for p in parts):
        raise ValueError(f"bad chord {spec!r}: expected key names like 'up', 'up+left' or ('up', 'left')")
    return tuple(parts)


def normalize_key_map(key_map: Mapping, action_names: Sequence[str]) -> KeyMap:
    """A declared key map in the canonical form ``{index: (chord, ...)}``."""
    out: KeyMap = {}
    for action, chords in key_map.items():
        if isinstance(action, str):
            if action not in action_names:
                raise ValueError(f"key_map names action {action!r}, not one of {list(action_names)}")
            index = list(action_names).index(action)
        else:
            index = int(action)
            if not 0 <= index < len(action_names):
                raise ValueError(f"key_map action index {action!r} out of range [0, {len(action_names) - 1}]")
        if isinstance(chords, str) or (isinstance(chords, tuple) and all(isinstance(c, str) for c in chords)):
            # one chord: "up+left", "space", or ("up", "left")
            chords = [chords]
        out[index] = tuple(_chord(c) for c in chords)
    return out


def key_map_from_names(action_names: Sequence[str]) -> KeyMap:
    """The key map of a list of action names, from :data:`PART_KEYS`."""
    out: KeyMap = {}
    for index, name in enumerate(action_names):
        parts = name.lower().split("_")
        unknown = [p for p in parts if p not in PART_KEYS]
        if unknown:
            raise ValueError(
                f"no keys for action {name!r} (part(s) {unknown}); known parts: {sorted(PART_KEYS)}. "
                "Declare a key_map on the env."
            )
        out[index] = tuple(itertools.product(*(PART_KEYS[p] for p in parts)))
    return out


def key_map_for(env) -> KeyMap:
    """The env's key map: its own ``key_map`` if it declares one, else built from its
    action names."""
    names = action_names_for(env)
    declared = getattr(getattr(env, "unwrapped", env), "key_map", None)
    if declared is not None:
        if not isinstance(declared, Mapping):
            raise ValueError(f"env.key_map must be a dict of action -> chords, got {type(declared).__name__}")
        return normalize_key_map(declared, names)
    return key_map_from_names(names)


def noop_action(action_names: Sequence[str]) -> int:
    """The action played when no chord is held: ``noop`` if there is one, else 0."""
    return list(action_names).index("noop") if "noop" in action_names else 0


def resolve_action(key_map: KeyMap, held: Iterable[str], default: int = 0) -> int:
    """The action of the held keys: the longest fully held chord, lowest index on ties."""
    held = set(held)
    best, best_len = default, 0
    for index in sorted(key_map):
        for chord in key_map[index]:
            if len(chord) > best_len and held.issuperset(chord):
                best, best_len = index, len(chord)
    return best


def keys_in(key_map: KeyMap) -> set[str]:
    """Every key name a key map uses."""
    return {k for chords in key_map.values() for chord in chords for k in chord}


def help_text(key_map: KeyMap, action_names: Sequence[str]) -> list[str]:
    """One short line per action: ``forward_left: up+left``, the first chord of each."""
    lines = []
    for index in sorted(key_map):
        chords = key_map[index]
        if chords:
            lines.append(f"{action_names[index]}: " + " / ".join("+".join(c) for c in chords[:2]))
    return lines
