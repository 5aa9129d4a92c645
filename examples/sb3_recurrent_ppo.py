"""Train sb3-contrib's RecurrentPPO (a CNN + LSTM policy) on a memory_bench maze.

    pip install 'memory-bench[train]'
    python examples/sb3_recurrent_ppo.py --env MemoryMaze-9x9-v0 --num-envs 8 --total-steps 1000000

The envs run in memory_bench's batched env behind the Stable-Baselines3 adapter
(``memory_bench.sb3``); SB3's NatureCNN reads the 64x64 image (channels moved first by
SB3) and feeds an LSTM of 256 units. After every rollout it prints the steps so far,
steps/s, and the returns of the episodes that ended; SB3's own log goes to
``<log-dir>/progress.csv`` (and TensorBoard when it is installed). The model is saved
to ``<log-dir>/model.zip`` at the end (or on Ctrl-C); load it with
``RecurrentPPO.load(path)``. ``-ExtraObs`` ids train with the dict-input policy.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

try:
    from sb3_contrib import RecurrentPPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.logger import configure
    from stable_baselines3.common.vec_env import VecMonitor
except ImportError as e:
    sys.exit(f"this example needs Stable-Baselines3 and sb3-contrib: pip install 'memory-bench[train]' ({e})")

import gymnasium as gym
import numpy as np

from memory_bench.sb3 import make_sb3_vec_env


class Progress(BaseCallback):
    """Prints steps, steps/s and finished episodes' returns after every rollout."""

    def __init__(self, total_steps: int):
        super().__init__()
        self.total_steps = total_steps
        self.returns: list[float] = []

    def _on_training_start(self) -> None:
        self.start = self.last = time.perf_counter()
        self.start_steps = self.last_steps = self.num_timesteps

    def _on_step(self) -> bool:
        for info in self.locals["infos"]:
            if "episode" in info:  # from VecMonitor
                self.returns.append(float(info["episode"]["r"]))
        return True

    def _on_rollout_end(self) -> None:
        now = time.perf_counter()
        sps = (self.num_timesteps - self.last_steps) / max(now - self.last, 1e-9)
        overall = (self.num_timesteps - self.start_steps) / max(now - self.start, 1e-9)
        line = f"steps {self.num_timesteps:>9d}/{self.total_steps}  {sps:8.1f} steps/s (overall {overall:.1f})"
        if self.returns:
            line += f"  episodes {len(self.returns)}: mean return {np.mean(self.returns):.2f}, max {max(self.returns):.1f}"
        print(line, flush=True)
        self.logger.record("rollout/steps_per_s", sps)
        self.returns.clear()
        self.last, self.last_steps = now, self.num_timesteps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", default="MemoryMaze-9x9-v0", help="memory_bench env id (default %(default)s)")
    parser.add_argument("--num-envs", type=int, default=8, help="parallel envs (default %(default)s)")
    parser.add_argument("--total-steps", type=int, default=1_000_000, help="env steps to train for (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the envs and the model (default %(default)s)")
    parser.add_argument("--n-steps", type=int, default=128, help="rollout length per env (default %(default)s)")
    parser.add_argument(
        "--batch-size", type=int, default=None, help="minibatch size (default: a quarter of a rollout, num-envs * n-steps / 4)"
    )
    parser.add_argument("--n-epochs", type=int, default=4, help="passes over each rollout (default %(default)s)")
    parser.add_argument("--lr", type=float, default=2.5e-4, help="Adam learning rate (default %(default)s)")
    parser.add_argument("--device", default="auto", help="torch device (default %(default)s)")
    parser.add_argument(
        "--torch-threads",
        type=int,
        default=max(1, (os.cpu_count() or 2) // 2),
        help="torch's CPU threads; the envs' step threads get the other cores (default: half the cores, %(default)s)",
    )
    parser.add_argument("--log-dir", default="runs/sb3_recurrent_ppo", help="logs and model (default %(default)s)")
    args = parser.parse_args(argv)
    for name in ("num_envs", "total_steps", "n_steps"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be a positive int, got {getattr(args, name)}")

    import torch

    torch.set_num_threads(max(1, args.torch_threads))  # oversubscribed cores slow torch down many times over
    rollout = args.num_envs * args.n_steps
    batch_size = args.batch_size or max(2, rollout // 4)
    if not 2 <= batch_size <= rollout:
        parser.error(f"--batch-size must be in [2, num-envs * n-steps = {rollout}], got {batch_size}")

    env = VecMonitor(make_sb3_vec_env(args.env, args.num_envs, seed=args.seed))
    policy = "MultiInputLstmPolicy" if isinstance(env.observation_space, gym.spaces.Dict) else "CnnLstmPolicy"
    model = RecurrentPPO(
        policy,
        env,
        learning_rate=args.lr,
        n_steps=args.n_steps,
        batch_size=batch_size,
        n_epochs=args.n_epochs,
        gamma=0.99,
        gae_lambda=0.95,
        ent_coef=0.01,
        policy_kwargs=dict(lstm_hidden_size=256),  # NatureCNN (512 features) -> LSTM(256)
        seed=args.seed,
        device=args.device,
    )
    os.makedirs(args.log_dir, exist_ok=True)
    formats = ["csv"]
    try:
        import tensorboard  # noqa: F401

        formats.append("tensorboard")
    except ImportError:
        pass
    model.set_logger(configure(args.log_dir, formats))
    print(
        f"RecurrentPPO ({policy}) on {args.env}: {args.num_envs} envs x {args.n_steps} steps per rollout, "
        f"batch {batch_size}, {args.total_steps} steps, device {model.device}",
        flush=True,
    )

    start = time.perf_counter()
    try:
        model.learn(args.total_steps, callback=Progress(args.total_steps))
    except KeyboardInterrupt:
        print("interrupted; saving the model", flush=True)
    finally:
        elapsed = time.perf_counter() - start
        path = os.path.join(args.log_dir, "model.zip")
        tmp = os.path.join(args.log_dir, f".model.{os.getpid()}.tmp.zip")
        model.save(tmp)
        os.replace(tmp, path)
        env.close()
    print(f"done: {model.num_timesteps} steps in {elapsed:.1f} s, {model.num_timesteps / max(elapsed, 1e-9):.1f} steps/s; model saved to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
