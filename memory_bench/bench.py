"""``python -m memory_bench.bench``: speed and memory of memory_bench's envs, optionally next to the original.

For each env id (``--ids``) the benchmark measures, in a fresh Python process of its
own, so that timings and peak memory of one id never leak into another's:

* **make**: wall time of ``gymnasium.make(id)`` (model compilation, renderer and its
  GL context); the imports (``memory_bench``, ``mujoco``, ``gymnasium``) are done
  before the clock starts.
* **first reset**: wall time of the first ``env.reset(seed=SEED)``; it includes
  one-off work (the first frame rendered, gymnasium's checks), so it is reported
  apart.
* **reset**: the mean wall time of ``--resets`` further ``env.reset()`` calls, each
  of which draws a new maze layout (the individual times are in the JSON).
* **steps/s**: ``--steps`` calls of ``env.step`` with uniformly random actions,
  drawn up front from ``numpy.random.default_rng(SEED)``, divided by the wall time
  spent inside ``env.step`` only. When an episode ends inside the measured steps, the
  env is reset and that reset is not counted (nor are its steps missing: exactly
  ``--steps`` steps are timed).
* **peak MiB**: the process's peak resident set size,
  ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` at the end (KiB on Linux), so it
  includes the interpreter and the imported libraries.
* **renderer**: ``env.unwrapped.renderer_name`` (``--renderer NAME`` forwards
  ``renderer=NAME`` to ``gymnasium.make``; by default the env's own default is used).

Each measuring process (a *worker*) prints its results as one JSON line on stdout;
this parent process only starts the workers one after another, shows a progress bar,
and prints a table at the end (and writes every number to ``--json FILE``).

``--compare-original`` also measures the original Memory Maze (the ``memory-maze``
package, 1.0.3, on dm_control) in another interpreter given by ``--original-python``,
with the same protocol: ``memory_maze.tasks.memory_maze_NxN(seed=SEED)`` is the
*make*, ``env.reset()`` the resets, and ``env.step(action)`` the steps with the same
action sequence (0..5, the same action set); ``MUJOCO_GL`` defaults to ``egl`` there.
Only the plain ids ``MemoryMaze-NxN-v0`` have an original counterpart; for the other
variants the original's columns read ``n/a``. The ratios are *ours / original*:
for steps/s a ratio above 1 means memory_bench is faster, for the reset time a ratio
below 1 means memory_bench resets faster.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import subprocess
import sys
import textwrap
from typing import Any

from memory_bench._io import atomic_write, positive_int

OURS = "memory_bench"
ORIGINAL = "original"
DEFAULT_IDS = (
    "MemoryMaze-9x9-v0", "MemoryMaze-15x15-v0",
    "DMLab-explore_goal_locations_small-v0", "DMLab-explore_goal_locations_large-v0",
    "DMLab-explore_object_rewards_many-v0", "MemoryTasks-explore_goal_locations_holdout_extrapolate-v0",
    "DMLab-rooms_collect_good_objects_train-v0", "DMLab-rooms_watermaze-v0", "DMLab-rooms_keys_doors_puzzle-v0",
    "DMLab-language_select_located_object-v0", "DMLab-skymaze_irreversible_path_hard-v0",
    "DMLab-natlab_varying_map_regrowth-v0", "DMLab-natlab_fixed_large_map-v0",
    "DMLab-lasertag_three_opponents_large-v0",
)
_PLAIN_ID = re.compile(r"^MemoryMaze-(\d+)x\1-v0$")


# --------------------------------------------------------------------------- worker side


def _measure(make, reset, step, steps, resets, seed):
    """The timing protocol, shared by both workers (its source is sent to the original's
    interpreter, so it uses only the standard library and numpy, imported by the caller).

    ``make()`` returns an env; ``reset(env, seed)`` resets it (``seed`` None after the
    first); ``step(env, action)`` steps it and returns True when the episode has ended.
    """
    import resource
    import sys
    import time

    import numpy as np

    t0 = time.perf_counter()
    env = make()
    make_s = time.perf_counter() - t0
    # Uniform over the env's own actions (6 for Memory Maze and for envs without an
    # action_space; a box of continuous actions is sampled uniformly too).
    space = getattr(env, "action_space", None)
    if space is not None and not hasattr(space, "n") and hasattr(space, "low"):
        rng = np.random.default_rng(seed)
        actions = [rng.uniform(space.low, space.high).astype(space.dtype) for _ in range(steps)]
    else:
        n_actions = getattr(space, "n", 6)
        actions = np.random.default_rng(seed).integers(0, n_actions, size=steps).tolist()

    t0 = time.perf_counter()
    reset(env, seed)
    reset_first_s = time.perf_counter() - t0
    reset_times = []
    for _ in range(resets):
        t0 = time.perf_counter()
        reset(env, None)
        reset_times.append(time.perf_counter() - t0)

    step_s = 0.0
    episodes_ended = 0
    for action in actions:
        t0 = time.perf_counter()
        done = step(env, action)
        step_s += time.perf_counter() - t0
        if done:
            episodes_ended += 1
            reset(env, None)

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mib = maxrss / 2**20 if sys.platform == "darwin" else maxrss / 2**10  # bytes on macOS, KiB on Linux
    return env, {
        "make_s": make_s,
        "reset_first_s": reset_first_s,
        "reset_s": sum(reset_times) / len(reset_times),
        "reset_times_s": reset_times,
        "steps": int(steps),
        "step_time_s": step_s,
        "steps_per_s": steps / step_s,
        "episodes_ended": episodes_ended,
        "peak_rss_mib": peak_mib,
    }


def worker_ours(env_id: str, steps: int, resets: int, seed: int, renderer: str | None) -> dict[str, Any]:
    """Measures memory_bench's ``env_id`` in this process (see the module docstring)."""
    import gymnasium as gym
    import mujoco

    import memory_bench

    from memory_bench.registry import hold_out_kwargs

    kwargs = {} if renderer is None else {"renderer": renderer}
    kwargs.update(hold_out_kwargs(env_id))

    def step(env, action):
        _, _, terminated, truncated, _ = env.step(action)
        return terminated or truncated

    env, result = _measure(
        lambda: gym.make(f"memory_bench:{env_id}", **kwargs),
        lambda env, s: env.reset(seed=s),
        step,
        steps,
        resets,
        seed,
    )
    result["renderer"] = env.unwrapped.renderer_name
    result["versions"] = {"memory_bench": memory_bench.__version__, "mujoco": mujoco.__version__, "gymnasium": gym.__version__}
    result["mujoco_gl"] = os.environ.get("MUJOCO_GL")
    env.close()
    return result


def worker_vector(env_id: str, num_envs: int, mode: str, steps: int, seed: int, renderer: str | None,
                  rounds: int = 4) -> dict[str, Any]:
    """Measures ``num_envs`` copies of ``env_id`` vectorized with ``mode`` ("batched":
    memory_bench's own batched env; "async": Gymnasium's ``AsyncVectorEnv``, one process
    per env): env-steps per second over about ``steps`` env-steps of random actions.

    One plain env of the same id is measured in the same process, in ``rounds``
    rounds that alternate with the vector env's (each about ``steps / rounds``
    env-steps), so that the ratio of the two is taken under the same conditions: a
    machine whose load drifts during the run moves both figures together."""
    import resource
    import time

    import gymnasium as gym
    import numpy as np

    import memory_bench  # noqa: F401

    kwargs = {} if renderer is None else {"renderer": renderer}
    t0 = time.perf_counter()
    env = gym.make_vec(
        f"memory_bench:{env_id}", num_envs=num_envs,
        vectorization_mode="vector_entry_point" if mode == "batched" else "async", **kwargs,
    )
    make_s = time.perf_counter() - t0
    one = gym.make(f"memory_bench:{env_id}", **kwargs)
    env.reset(seed=seed)
    one.reset(seed=seed)
    rng = np.random.default_rng(seed)
    for _ in range(2):  # warm up (first frames, worker start)
        env.step(rng.integers(0, 6, size=num_envs))
        one.step(int(rng.integers(0, 6)))
    per_round = max(1, -(-steps // rounds))
    n_steps = max(1, -(-per_round // num_envs))
    vec_s = one_s = 0.0
    for _ in range(rounds):
        actions = rng.integers(0, 6, size=(n_steps, num_envs))
        t0 = time.perf_counter()
        for a in actions:
            env.step(a)
        vec_s += time.perf_counter() - t0
        for a in rng.integers(0, 6, size=per_round).tolist():
            t0 = time.perf_counter()
            _, _, terminated, truncated, _ = one.step(a)
            one_s += time.perf_counter() - t0
            if terminated or truncated:
                one.reset()
    env.close()
    one.close()
    vector_rate = rounds * n_steps * num_envs / vec_s
    one_rate = rounds * per_round / one_s
    return {
        "num_envs": num_envs,
        "mode": mode,
        "make_s": make_s,
        "vector_steps": int(rounds * n_steps),
        "steps_per_s": vector_rate,
        "one_env_steps_per_s": one_rate,
        "vs_one_env": vector_rate / one_rate,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10,
    }


_ORIGINAL_MAIN = """
def _original_main(spec):
    import importlib.metadata as md
    from memory_maze import tasks

    task = getattr(tasks, spec["task"])

    def step(env, action):
        return env.step(action).last()

    env, result = _measure(
        lambda: task(seed=spec["seed"]),
        lambda env, s: env.reset(),
        step,
        spec["steps"],
        spec["resets"],
        spec["seed"],
    )
    result["renderer"] = "dm_control (MUJOCO_GL=%s)" % os.environ.get("MUJOCO_GL")
    result["mujoco_gl"] = os.environ.get("MUJOCO_GL")
    result["versions"] = {
        name: md.version(name) for name in ("memory-maze", "dm-control", "mujoco")
    }
    env.close()
    return result


os.environ.setdefault("MUJOCO_GL", "egl")
print(json.dumps(_original_main(json.loads(sys.argv[1]))), flush=True)
"""


def original_worker_code() -> str:
    """The program run by ``--original-python -c``: our protocol, driving ``memory_maze``."""
    return "import json, os, sys\n\n" + textwrap.dedent(inspect.getsource(_measure)) + _ORIGINAL_MAIN


_OURS_MAIN = (
    "import json, sys\n"
    "from memory_bench.bench import worker_ours\n"
    "print(json.dumps(worker_ours(**json.loads(sys.argv[1]))), flush=True)\n"
)
_VECTOR_MAIN = (
    "import json, sys\n"
    "from memory_bench.bench import worker_vector\n"
    "print(json.dumps(worker_vector(**json.loads(sys.argv[1]))), flush=True)\n"
)
VECTOR_MODES = ("batched", "async")


# --------------------------------------------------------------------------- parent side


def original_task(env_id: str) -> str | None:
    """``memory_maze.tasks`` constructor name of a plain id (``MemoryMaze-9x9-v0`` ->
    ``memory_maze_9x9``), or None when the original has no such id."""
    m = _PLAIN_ID.match(env_id)
    return f"memory_maze_{m.group(1)}x{m.group(1)}" if m else None


def _parse_result(proc: subprocess.CompletedProcess) -> dict[str, Any]:
    for line in reversed(proc.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("the worker printed no JSON line")


def run_job(env_id: str, impl: str, args: argparse.Namespace, num_envs: int | None = None) -> dict[str, Any]:
    """Runs one worker process and returns its result (with ``error`` set if it failed)."""
    spec: dict[str, Any] = {"steps": args.steps, "resets": args.resets, "seed": args.seed}
    env = dict(os.environ)
    if impl in VECTOR_MODES:
        vspec = {"env_id": env_id, "num_envs": num_envs, "mode": impl, "steps": args.steps, "seed": args.seed,
                 "renderer": args.renderer}
        cmd = [sys.executable, "-c", _VECTOR_MAIN, json.dumps(vspec)]
    elif impl == OURS:
        cmd = [sys.executable, "-c", _OURS_MAIN, json.dumps({"env_id": env_id, "renderer": args.renderer, **spec})]
    else:
        spec["task"] = original_task(env_id)
        cmd = [args.original_python, "-c", original_worker_code(), json.dumps(spec)]
        env.setdefault("MUJOCO_GL", "egl")
    base = {"id": env_id, "impl": impl, **({"num_envs": num_envs} if num_envs else {})}
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {**base, "error": f"timed out after {args.timeout:g} s"}
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        return {**base, "error": f"worker exited with status {proc.returncode}:\n{tail}"}
    try:
        return {**base, **_parse_result(proc)}
    except ValueError as e:
        return {**base, "error": f"{e}; stderr:\n{proc.stderr.strip()[-1000:]}"}


def ratios(results: list[dict[str, Any]], env_ids: list[str]) -> list[dict[str, Any]]:
    """Ours / original for steps/s and reset time per id (None where not available)."""
    by_key = {(r["id"], r["impl"]): r for r in results}
    out = []
    for env_id in env_ids:
        ours, orig = by_key.get((env_id, OURS)), by_key.get((env_id, ORIGINAL))
        ok = ours is not None and orig is not None and "error" not in ours and "error" not in orig
        out.append(
            {
                "id": env_id,
                "original_task": original_task(env_id),
                "steps_per_s": ours["steps_per_s"] / orig["steps_per_s"] if ok else None,
                "reset_s": ours["reset_s"] / orig["reset_s"] if ok else None,
            }
        )
    return out


def _fmt_time(seconds: float) -> str:
    return f"{seconds * 1e3:.3g} ms" if seconds < 1.0 else f"{seconds:.3g} s"


def _fmt_ratio(r: float | None) -> str:
    return "n/a" if r is None else f"{r:.3g}x"


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def format_tables(results: list[dict[str, Any]], env_ids: list[str], compare: bool) -> str:
    """The results table (one row per id and implementation) and, with the original, the ratios."""
    header = ["env id", "impl", "renderer", "make", "first reset", "reset (mean)", "steps/s", "peak MiB"]
    rows = []
    by_key = {(r["id"], r["impl"]): r for r in results}
    for env_id in env_ids:
        for impl in (OURS, ORIGINAL) if compare else (OURS,):
            r = by_key.get((env_id, impl))
            if r is None:
                rows.append([env_id, impl] + ["n/a"] * 6)
            elif "error" in r:
                rows.append([env_id, impl] + ["FAILED"] + [""] * 5)
            else:
                rows.append(
                    [
                        env_id,
                        impl,
                        r["renderer"],
                        _fmt_time(r["make_s"]),
                        _fmt_time(r["reset_first_s"]),
                        _fmt_time(r["reset_s"]),
                        f"{r['steps_per_s']:.1f}",
                        f"{r['peak_rss_mib']:.0f}",
                    ]
                )
    text = _table(header, rows)
    if compare:
        rrows = [[q["id"], _fmt_ratio(q["steps_per_s"]), _fmt_ratio(q["reset_s"])] for q in ratios(results, env_ids)]
        text += "\n\nratio ours / original (steps/s: above 1 is faster; reset: below 1 is faster)\n"
        text += _table(["env id", "steps/s ratio", "reset ratio"], rrows)
    return text


def format_vector_table(results: list[dict[str, Any]], env_ids: list[str], sizes: list[int]) -> str:
    """Env-steps/s of the batched env and of Gymnasium's AsyncVectorEnv for each N, the
    batched env's speed-up over one env measured in the same process (alternating
    rounds), and over AsyncVectorEnv."""
    by_key = {(r["id"], r["impl"], r.get("num_envs")): r for r in results}
    rows = []
    for env_id in env_ids:
        for n in sizes:
            b = by_key.get((env_id, "batched", n))
            a = by_key.get((env_id, "async", n))
            ok_b = b is not None and "error" not in b
            ok_a = a is not None and "error" not in a
            rows.append(
                [
                    env_id,
                    str(n),
                    f"{b['steps_per_s']:.0f}" if ok_b else "FAILED",
                    f"{b['one_env_steps_per_s']:.0f}" if ok_b else "n/a",
                    _fmt_ratio(b["vs_one_env"]) if ok_b else "n/a",
                    f"{a['steps_per_s']:.0f}" if ok_a else "FAILED",
                    _fmt_ratio(b["steps_per_s"] / a["steps_per_s"]) if ok_b and ok_a else "n/a",
                ]
            )
    header = ["env id", "N", "batched env-steps/s", "one env (same process)", "batched / one env",
              "async env-steps/s", "batched / async"]
    return _table(header, rows)


def write_json_atomic(path: str, payload: dict[str, Any]) -> None:
    """Writes ``payload`` to ``path`` through a temporary file in the same directory and
    ``os.replace``, so that ``path`` is either complete or untouched."""
    with atomic_write(os.path.abspath(path), "w", prefix=".bench-") as f:
        json.dump(payload, f, indent=2)
        f.write("\n")


_positive_int = positive_int


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m memory_bench.bench",
        description=(
            "Measure steps/s with random actions, reset time (new layout per reset), env construction "
            "time, peak resident memory and the renderer of memory_bench env ids, each id in a fresh "
            "process; optionally next to the original memory-maze package. The protocol is described "
            "in the module docstring of memory_bench/bench.py."
        ),
    )
    parser.add_argument(
        "--ids",
        nargs="+",
        default=list(DEFAULT_IDS),
        metavar="ID",
        help="env ids to measure (default: %(default)s); list them with: python -m memory_bench --list-only",
    )
    parser.add_argument("--steps", type=_positive_int, default=1000, help="random-action steps timed per id (default: %(default)s)")
    parser.add_argument(
        "--resets",
        type=_positive_int,
        default=5,
        help="resets timed after the first one, each drawing a new layout; their mean is reported (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the first reset and of the random actions (default: %(default)s)")
    parser.add_argument("--json", metavar="FILE", help="also write every result as JSON to FILE (written atomically)")
    parser.add_argument(
        "--renderer",
        metavar="NAME",
        help="forwarded as renderer=NAME to gymnasium.make (default: the env's own default renderer)",
    )
    parser.add_argument(
        "--compare-original",
        action="store_true",
        help="also measure the original memory-maze package (plain MemoryMaze-NxN-v0 ids only) and print ours/original ratios",
    )
    parser.add_argument(
        "--original-python",
        metavar="PATH",
        help="Python interpreter in which memory_maze (memory-maze 1.0.3) is importable; required with --compare-original",
    )
    parser.add_argument(
        "--vector", nargs="+", type=_positive_int, metavar="N",
        help="also measure N envs at once for each N: memory_bench's batched env (vector_entry_point) and "
        "Gymnasium's AsyncVectorEnv, in env-steps/s, next to one env",
    )
    parser.add_argument(
        "--timeout", type=_positive_float, default=1800.0, metavar="SECONDS",
        help="time limit of each worker process (default: %(default)g)",
    )
    return parser


def _check_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    from memory_bench.registry import ENVS

    for env_id in args.ids:
        if env_id not in ENVS:
            parser.error(
                f"unknown env id {env_id!r}; the {len(ENVS)} registered ids are listed by: python -m memory_bench --list-only"
            )
    args.ids = list(dict.fromkeys(args.ids))  # drop repeats, keep the order
    if args.renderer is not None:
        try:
            from memory_bench.engine.render import RENDERERS
        except ImportError:  # pragma: no cover - the env itself will complain then
            RENDERERS = None
        if RENDERERS is not None and args.renderer not in RENDERERS:
            parser.error(f"unknown --renderer {args.renderer!r}; choose one of {', '.join(RENDERERS)}")
    if args.json is not None:
        directory = os.path.dirname(os.path.abspath(args.json))
        if not os.path.isdir(directory):
            parser.error(f"--json {args.json!r}: directory {directory!r} does not exist")
    if args.original_python is not None and not args.compare_original:
        parser.error("--original-python is only used with --compare-original")
    if args.compare_original:
        path = args.original_python
        if path is None:
            parser.error("--compare-original needs --original-python PATH, a Python in which 'import memory_maze' works")
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            parser.error(f"--original-python {path!r} is not an executable file")
        env = dict(os.environ)
        env.setdefault("MUJOCO_GL", "egl")
        try:
            proc = subprocess.run([path, "-c", "import memory_maze"], capture_output=True, text=True, env=env, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as e:
            parser.error(f"--original-python {path!r}: could not run 'import memory_maze': {e}")
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            parser.error(f"--original-python {path!r}: 'import memory_maze' failed there: {last}")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_args(parser, args)

    from tqdm import tqdm

    jobs = [(env_id, OURS) for env_id in args.ids]
    if args.compare_original:
        jobs += [(env_id, ORIGINAL) for env_id in args.ids if original_task(env_id) is not None]
        jobs.sort(key=lambda job: args.ids.index(job[0]))  # ours and the original side by side
    jobs = [(env_id, impl, None) for env_id, impl in jobs]
    for env_id in args.ids if args.vector else ():
        jobs += [(env_id, mode, n) for n in args.vector for mode in VECTOR_MODES]
    results = []
    with tqdm(total=len(jobs), unit="job", file=sys.stderr, desc="bench") as bar:
        for env_id, impl, n in jobs:
            bar.set_postfix_str(f"{env_id} ({impl}{'' if n is None else f', N={n}'})")
            results.append(run_job(env_id, impl, args, n))
            bar.update()

    print(
        f"{args.steps} random steps, first reset + {args.resets} resets, seed {args.seed}, "
        f"MUJOCO_GL={os.environ.get('MUJOCO_GL', '(unset)')}, one process per id and implementation"
    )
    print(format_tables([r for r in results if r["impl"] not in VECTOR_MODES], args.ids, args.compare_original))
    if args.vector:
        print(f"\nvectorized: about {args.steps} env-steps of random actions per measurement, {os.cpu_count()} CPU cores")
        print(format_vector_table(results, args.ids, args.vector))
    failed = [r for r in results if "error" in r]
    for r in failed:
        print(f"\n{r['id']} ({r['impl']}) failed: {r['error']}", file=sys.stderr)

    if args.json is not None:
        payload = {
            "protocol": {
                "steps": args.steps,
                "resets": args.resets,
                "seed": args.seed,
                "renderer": args.renderer,
                "python": sys.version.split()[0],
                "platform": sys.platform,
                "original_python": args.original_python,
                "vector": args.vector,
            },
            "results": results,
        }
        if args.compare_original:
            payload["ratios"] = ratios(results, args.ids)
        write_json_atomic(args.json, payload)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
