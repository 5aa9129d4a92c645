"""``python -m memory_bench.gui.scores DIR``: human scores of recorded episodes.

Reads every recording under DIR (``*.npz``, sub-folders included; only their metadata),
and prints per env id the number of complete episodes, the mean score and its standard
error, beside the human score that the original Memory Maze paper published for that
task ("n/a" where it published none). Episodes left early (restart, quit) are not
counted; episodes shortened with ``--max-steps`` are listed on their own row.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from memory_bench.gui.recording import RecordingError, load_metadata
from memory_bench.registry import ENVS

#: Mean human scores of the original (Pasukonis et al. 2022, Memory Maze paper).
HUMAN_SCORES: dict[str, float] = {
    "MemoryMaze-9x9-v0": 26.4,
    "MemoryMaze-11x11-v0": 44.3,
    "MemoryMaze-13x13-v0": 55.5,
    "MemoryMaze-15x15-v0": 67.7,
}


def collect(folder: str | Path, player: str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Metadata of every recording under ``folder`` and a list of problems (unreadable files)."""
    records, problems = [], []
    for path in sorted(Path(folder).rglob("*.npz")):
        try:
            meta = load_metadata(path)
        except RecordingError as e:
            problems.append(str(e))
            continue
        if player is not None and str(meta["player"]) != player:
            continue
        meta["path"] = path
        records.append(meta)
    return records, problems


def group_key(meta: dict[str, Any]) -> str:
    """The row of a recording: its env id, with the episode length if shortened."""
    env_id = str(meta["env_id"])
    limit = meta.get("max_episode_steps")
    standard = ENVS[env_id].max_episode_steps if env_id in ENVS else None
    if limit is not None and limit != standard:
        return f"{env_id} (max {limit} steps)"
    return env_id


def summarize(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per group of complete episodes: id, n, mean, s.e. (None for n = 1), human."""
    groups: dict[str, list[float]] = {}
    for meta in records:
        if meta.get("complete", True):
            groups.setdefault(group_key(meta), []).append(float(meta["score"]))
    order = {env_id: i for i, env_id in enumerate(ENVS)}
    rows = []
    for key in sorted(groups, key=lambda k: (order.get(k, len(order)), k)):
        scores = groups[key]
        n = len(scores)
        mean = sum(scores) / n
        se = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1) / n) if n > 1 else None
        rows.append({"env_id": key, "n": n, "mean": mean, "se": se, "human": HUMAN_SCORES.get(key)})
    return rows


def format_table(rows: list[dict[str, Any]]) -> str:
    header = ("env id", "episodes", "mean score", "s.e.", "human (original)")
    body = [
        (
            r["env_id"],
            str(r["n"]),
            f"{r['mean']:.2f}",
            "n/a" if r["se"] is None else f"{r['se']:.2f}",
            "n/a" if r["human"] is None else f"{r['human']:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [header, *body]) for i in range(len(header))]
    line = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))
    )
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, body)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m memory_bench.gui.scores", description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default="recordings", help="folder of recordings (default: %(default)s)")
    parser.add_argument("--player", default=None, help="count only this player's episodes")
    args = parser.parse_args(argv)
    folder = Path(args.dir)
    if not folder.is_dir():
        print(
            f"error: no folder {str(folder)!r}; record episodes with: python -m memory_bench.gui --out {folder}",
            file=sys.stderr,
        )
        return 2
    records, problems = collect(folder, args.player)
    for problem in problems:
        print(f"warning: skipped {problem}", file=sys.stderr)
    rows = summarize(records)
    incomplete = sum(1 for m in records if not m.get("complete", True))
    if not rows:
        who = f" by player {args.player!r}" if args.player else ""
        print(
            f"no complete episode recordings{who} in {str(folder)!r}"
            + (f" ({incomplete} left early)" if incomplete else "")
            + f"; record some with: python -m memory_bench.gui --out {folder}"
        )
        return 1
    players = sorted({str(m["player"]) for m in records if m.get("complete", True)})
    print(f"{sum(r['n'] for r in rows)} complete episode(s) in {folder} (players: {', '.join(players)})\n")
    print(format_table(rows))
    if incomplete:
        print(f"\n{incomplete} episode(s) left early (restart or quit) are not counted.")
    print("\nhuman (original): mean human score published with Memory Maze (Pasukonis et al., 2022).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
