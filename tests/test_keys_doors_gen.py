"""The keys-doors puzzle generator of rooms_keys_doors_puzzle (numpy port) and its solver."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from memory_bench.envs.dmlab.keys_doors_gen import (
    BORDER, COLORS, ROOM_PITCH, ROOM_SHAPE, SPAWN_OFFSETS, Puzzle, _build, _check_config,
    _sample_config, generate, lua_map, solve,
)

SEEDS = range(300)


@pytest.fixture(scope="module")
def puzzles() -> list[Puzzle]:
    return [generate(np.random.default_rng(s)) for s in SEEDS]


def _room_blocks(p: Puzzle) -> dict[tuple[int, int], tuple[int, int]]:
    """Room-grid position (of the map's bounding box) -> top-left floor cell, for every
    room drawn in the map."""
    h, w = len(p.entity), len(p.entity[0])
    rooms = {}
    for i in range((h - 3) // ROOM_PITCH[0]):
        for j in range((w - 3) // ROOM_PITCH[1]):
            top, left = BORDER + ROOM_PITCH[0] * i, BORDER + ROOM_PITCH[1] * j
            if p.entity[top][left] != "*":
                rooms[(i, j)] = (top, left)
    return rooms


def _room_of(cell: tuple[int, int]) -> tuple[int, int] | None:
    r, c = cell[0] - BORDER, cell[1] - BORDER
    if r < 0 or c < 0 or r % ROOM_PITCH[0] >= ROOM_SHAPE[0] or c % ROOM_PITCH[1] >= ROOM_SHAPE[1]:
        return None
    return r // ROOM_PITCH[0], c // ROOM_PITCH[1]


def _spawn_candidates(p: Puzzle) -> list[tuple[int, int]]:
    """The 4 cells of the start room the Lua may put the spawn on."""
    i, j = _room_of(tuple(p.spawns[0]))
    top, left = BORDER + ROOM_PITCH[0] * i, BORDER + ROOM_PITCH[1] * j
    return [(top + di, left + dj) for di, dj in SPAWN_OFFSETS]


def test_same_seed_same_puzzle():
    for s in range(20):
        a, b = generate(np.random.default_rng(s)), generate(np.random.default_rng(s))
        assert a == b
        assert lua_map(a) == lua_map(b)
    maps = {lua_map(generate(np.random.default_rng(s))) for s in range(50)}
    assert len(maps) > 40


def test_map_geometry(puzzles):
    for p in puzzles:
        h, w = len(p.entity), len(p.entity[0])
        assert all(len(row) == w for row in p.entity)
        assert set("".join(p.entity)) <= set("* PHI")
        # rooms of 2 x 3 cells, 1 wall cell apart, on at most a 3 x 3 grid, 2-cell border
        assert (h - 3) % 3 == 0 and (w - 3) % 4 == 0
        n_rows, n_cols = (h - 3) // 3, (w - 3) // 4
        assert 1 <= n_rows <= 3 and 1 <= n_cols <= 3
        rooms = _room_blocks(p)
        assert {i for i, _ in rooms} == set(range(n_rows))
        assert {j for _, j in rooms} == set(range(n_cols))
        for row in p.entity[:BORDER] + p.entity[-BORDER:]:
            assert row == "*" * w
        assert all(row[:BORDER] == row[-BORDER:] == "**" for row in p.entity)
        for top, left in rooms.values():
            block = [p.entity[top + di][left: left + 3] for di in range(2)]
            assert all("*" not in line and "H" not in line and "I" not in line for line in block)
        # every non-wall cell outside the rooms is a link cell between two rooms
        for r in range(h):
            for c in range(w):
                if p.entity[r][c] != "*" and _room_of((r, c)) is None:
                    assert _is_link(p, (r, c), rooms), (lua_map(p), r, c)
        assert p.spawns.shape == (1, 2)
        assert p.entity[p.spawns[0][0]][p.spawns[0][1]] == "P"
        assert "".join(p.entity).count("P") == 1
        assert tuple(p.spawns[0]) in _spawn_candidates(p)


def _is_link(p: Puzzle, cell, rooms) -> bool:
    """Whether ``cell`` is a wall cell that links two drawn rooms where the Lua puts
    links: under a room's middle column ('H' or open) or beside its top row ('I' or open)."""
    r, c = cell
    ch = p.entity[r][c]
    up, down = _room_of((r - 1, c)), _room_of((r + 1, c))
    left, right = _room_of((r, c - 1)), _room_of((r, c + 1))
    if up is not None and down is not None and up in rooms and down in rooms:
        return ch in "H " and (c - BORDER) % 4 == 1 and (r - BORDER) % 3 == 2
    if left is not None and right is not None and left in rooms and right in rooms:
        return ch in "I " and (r - BORDER) % 3 == 0 and (c - BORDER) % 4 == 3
    return False


def test_doors_between_rooms(puzzles):
    for p in puzzles:
        rooms = _room_blocks(p)
        door_cells = [cell for _, cell in p.doors]
        assert len(set(door_cells)) == len(door_cells)
        assert sorted(door_cells) == door_cells
        chars = {(r, c) for r, row in enumerate(p.entity) for c, ch in enumerate(row) if ch in "HI"}
        assert chars == set(door_cells)
        for _, cell in p.doors:
            assert _room_of(cell) is None and _is_link(p, cell, rooms)


def test_colors_and_core(puzzles):
    lengths = Counter()
    for p in puzzles:
        lengths[len(p.core)] += 1
        assert len(set(p.core)) == len(p.core) and set(p.core) <= set(COLORS)
        key_colors = {c for c, _ in p.keys}
        door_colors = [c for c, _ in p.doors]
        assert key_colors <= set(COLORS) and set(door_colors) <= set(COLORS)
        for c in p.core:
            assert c in key_colors and c in door_colors
        # the 2 unopenable doors: colours outside the core, with no key in the level
        no_key = [c for c in door_colors if c not in key_colors]
        assert not set(no_key) & set(p.core)
        assert sum(c in p.core for c in door_colors) >= len(p.core)
    assert set(lengths) == {1, 2, 3}
    assert min(lengths.values()) > 60


def test_objects_per_room(puzzles):
    for p in puzzles:
        per_room = Counter(_room_of(cell) for _, cell in p.keys)
        per_room[_room_of(p.goal)] += 1
        assert None not in per_room
        assert max(per_room.values()) <= 2
        for _, (r, c) in p.keys + (("goal", p.goal),):
            assert (r - BORDER) % 3 == 1 and (c - BORDER) % 4 in (0, 2)  # bottom corners
            assert p.entity[r][c] == " "
        assert len({cell for _, cell in p.keys} | {p.goal}) == len(p.keys) + 1


def test_room_roles_counts():
    cfg = _check_config({})
    for s in range(200):
        rng = np.random.default_rng(s)
        built = _build(rng, _sample_config(rng, cfg))
        assert built is not None
        g, core = built
        roles = Counter(r.role for r in g.rooms)
        assert roles["start"] == 1 and roles["core"] == len(core)
        assert roles["empty"] <= 1 and roles["trap"] <= 1 and roles["red_herring"] <= 1
        assert roles["easy"] <= 1 and len(g.rooms) <= 9
        if len(core) == 3:
            assert roles["empty"] == 0


def test_every_puzzle_solvable(puzzles):
    for s, p in zip(SEEDS, puzzles):
        for spawn in list(map(tuple, p.spawns)) + _spawn_candidates(p):
            plan = solve(p, spawn)
            assert plan is not None, (s, spawn, lua_map(p))
            assert plan[-1] == ("goal", p.goal)
            _replay(p, spawn, plan)
            assert sum(kind == "door" for kind, _ in plan) >= 1


def _replay(p: Puzzle, spawn, plan) -> None:
    """Checks a plan against the rules: each event cell next to the region walkable so
    far, keys replace the held key, doors need the held colour and use it up."""
    keys = {cell: c for c, cell in p.keys}
    doors = {cell: c for c, cell in p.doors}
    held, open_cells, pos = None, set(), tuple(spawn)
    for kind, cell in plan:
        region = _flood(p, pos, open_cells, keys, doors)
        assert any(abs(cell[0] - r) + abs(cell[1] - c) == 1 for r, c in region)
        if kind == "key":
            held = keys[cell]
            open_cells.add(cell)
        elif kind == "door":
            assert doors[cell] == held
            held = None
            open_cells.add(cell)
        else:
            assert cell == p.goal
        pos = cell


def _flood(p, start, open_cells, keys, doors):
    seen, todo = {start}, [start]
    while todo:
        r, c = todo.pop()
        for nb in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            ch = p.entity[nb[0]][nb[1]]
            ok = nb in open_cells or (ch in " P" and nb not in keys and nb != p.goal
                                      and nb not in doors)
            if ok and nb not in seen:
                seen.add(nb)
                todo.append(nb)
    return seen


def _corridor(cells: str, colors: dict[int, str]) -> Puzzle:
    """A one-row puzzle: 'k' key, 'd' door, 'G' goal, 'P' spawn; colours by column."""
    row = "*" + cells + "*"
    keys = tuple((colors[c], (1, c)) for c, ch in enumerate(row) if ch == "k")
    doors = tuple((colors[c], (1, c)) for c, ch in enumerate(row) if ch == "d")
    goal = (1, row.index("G"))
    entity = ["*" * len(row), row.replace("k", " ").replace("d", "I").replace("G", " "),
              "*" * len(row)]
    return Puzzle(entity, np.array([[1, row.index("P")]]), keys, doors, goal, ())


def test_solver_rules():
    # the red key is on the way: picked up, it opens the red door
    p = _corridor("kPkdG", {1: "blue", 3: "red", 4: "red"})
    assert solve(p, (1, 2)) == [("key", (1, 3)), ("door", (1, 4)), ("goal", (1, 5))]
    # a key left behind can be fetched after the one on the way
    p = _corridor("kPkdG", {1: "red", 3: "blue", 4: "red"})
    assert solve(p, (1, 2)) == [("key", (1, 3)), ("key", (1, 1)), ("door", (1, 4)),
                                ("goal", (1, 5))]
    # walking on a key picks it up: the blue key replaces the red one on the only way
    p = _corridor("PkkdG", {2: "red", 3: "blue", 4: "red"})
    assert solve(p, (1, 1)) is None
    p = _corridor("PkkdG", {2: "blue", 3: "red", 4: "red"})
    assert solve(p, (1, 1)) == [("key", (1, 2)), ("key", (1, 3)), ("door", (1, 4)),
                                ("goal", (1, 5))]
    # no key for the door: unopenable
    p = _corridor("PdG", {2: "green"})
    assert solve(p, (1, 1)) is None
    # a door uses the key up: two doors of one colour need two keys
    p = _corridor("kPdkdG", {1: "red", 3: "red", 4: "red", 5: "red"})
    assert solve(p, (1, 2)) == [("key", (1, 1)), ("door", (1, 3)), ("key", (1, 4)),
                                ("door", (1, 5)), ("goal", (1, 6))]
    p = _corridor("kPddG", {1: "red", 3: "red", 4: "red"})
    assert solve(p, (1, 2)) is None
    with pytest.raises(ValueError, match="spawn"):
        solve(p, (0, 0))


# The Lua tests' configs (lua_tests/keys_doors_gen_test.lua), grid positions 0-based.
RED_HERRING_KEY = dict(
    core_sequence_length=1, num_trap_rooms=0, add_to_goal_room=False, num_easy_extra_rooms=0,
    num_red_herring_rooms=0, num_unopenable_doors=0, num_useless_keys=1, num_openable_doors=0)
EDGE_STARTS = [(0, 1), (1, 0), (2, 1), (1, 2)]
TRAP = dict(
    core_sequence_length=2, num_trap_rooms=1, add_to_goal_room=False, num_easy_extra_rooms=0,
    num_red_herring_rooms=0, num_unopenable_doors=0, num_useless_keys=0, num_openable_doors=0,
    start_room_grid_positions=EDGE_STARTS)
SIMPLE_TRAP = dict(
    core_sequence_length=2, num_red_herring_room_useless_keys=1,
    red_herring_respect_core_order=True, prob_red_herring_room_during_core=1, num_trap_rooms=0,
    add_to_goal_room=False, num_easy_extra_rooms=0, num_red_herring_rooms=1,
    num_unopenable_doors=0, num_useless_keys=0, num_openable_doors=0, core_no_early_keys=True,
    num_max_empty_rooms=0, start_room_grid_positions=EDGE_STARTS)


def test_lua_config_red_herring_key():
    for s in range(100):
        p = generate(np.random.default_rng(s), **RED_HERRING_KEY)
        assert len(p.keys) == 2 and len(p.doors) == 1
        assert p.keys[0][0] != p.keys[1][0] and p.doors[0][0] in {c for c, _ in p.keys}
        assert solve(p, tuple(p.spawns[0]))[-2:] == [("door", p.doors[0][1]), ("goal", p.goal)]


def test_lua_config_trap():
    for s in range(100):
        p = generate(np.random.default_rng(s), **TRAP)
        assert len(p.keys) == 3 and len(p.doors) == 3
        first, second = p.core
        assert sorted(c for c, _ in p.doors) == sorted([first, first, second])
        assert sorted(c for c, _ in p.keys) == sorted([first, second, second])
        assert len(solve(p, tuple(p.spawns[0]))) == 5


def test_lua_config_simple_trap():
    for s in range(100):
        p = generate(np.random.default_rng(s), **SIMPLE_TRAP)
        assert len(p.keys) == 3 and len(p.doors) == 3
        first, second = p.core
        assert sorted(c for c, _ in p.doors) == sorted([first, first, second])
        spawn = tuple(p.spawns[0])
        keys = {cell: c for c, cell in p.keys}
        reachable = _flood(p, spawn, set(), keys, {cell: c for c, cell in p.doors})
        near = [cell for cell in keys if any(abs(cell[0] - r) + abs(cell[1] - c) == 1
                                             for r, c in reachable)]
        assert [keys[cell] for cell in near] == [first]  # no early keys: one key at start
        assert len(solve(p, spawn)) == 5


@pytest.mark.parametrize("overrides, name", [
    ({"num_trap_room": 1}, "num_trap_room"),
    ({"core_sequence_length": 0}, "core_sequence_length"),
    ({"core_sequence_length": (3, 1)}, "core_sequence_length"),
    ({"core_sequence_length": 5}, "core_sequence_length"),
    ({"num_useless_keys": -1}, "num_useless_keys"),
    ({"num_openable_doors": "1"}, "num_openable_doors"),
    ({"prob_trap_room_during_core": 1.5}, "prob_trap_room_during_core"),
    ({"compact": 1}, "compact"),
    ({"possible_colors": ("red", "purple")}, "possible_colors"),
    ({"start_room_grid_positions": [(3, 0)]}, "start_room_grid_positions"),
    ({"room_grid_width": 0}, "room_grid_width"),
])
def test_bad_override(overrides, name):
    with pytest.raises(ValueError, match=name):
        generate(np.random.default_rng(0), **overrides)


def test_overrides_apply():
    for s in range(30):
        p = generate(np.random.default_rng(s), core_sequence_length=3, num_unopenable_doors=0,
                     num_openable_doors=0, num_useless_keys=0, num_easy_extra_rooms=0)
        assert len(p.core) == 3 and set(c for c, _ in p.doors) <= set(p.core)
        p = generate(np.random.default_rng(s), core_sequence_length=1, num_trap_rooms=0,
                     num_red_herring_rooms=0, num_easy_extra_rooms=0, num_unopenable_doors=0,
                     num_openable_doors=0, num_useless_keys=0, possible_colors=("red", "blue"))
        assert len(p.doors) == 1 and len(p.keys) == 1 and p.core[0] in ("red", "blue")
