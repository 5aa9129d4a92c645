"""Train RLlib's PPO with an LSTM on a memory_bench maze, with RLlib's env runners.

    pip install 'memory-bench' 'ray[rllib]'
    python examples/rllib_ppo_lstm.py --env MemoryMaze-9x9-v0 --minutes 5

``memory_bench.rllib.register()`` puts the id into Ray Tune's env registry (images as
float32 in [0, 1], ``memory_bench.rllib.float_images``); RLlib's CNN encoder reads the
64 x 64 image and feeds an LSTM (``use_lstm``), trained on
sequences of ``--max-seq-len`` steps. Env runners are Ray actors: ``--env-runners N``
processes on this machine (a local Ray is started), or on a cluster with ``--address``
(every node needs memory_bench installed). After each training iteration it prints the
steps so far, steps/s and the mean return of the episodes that ended; at the end it
saves a checkpoint to ``--checkpoint`` when given.
"""

from __future__ import annotations

import argparse
import sys
import time

try:
    import ray
    from ray.rllib.algorithms.ppo import PPOConfig
    from ray.rllib.core.rl_module.default_model_config import DefaultModelConfig
except ImportError as e:
    sys.exit(f"this example needs RLlib: pip install 'ray[rllib]' ({e})")

from memory_bench.rllib import float_images, register


def build_config(args: argparse.Namespace) -> PPOConfig:
    return (
        PPOConfig()
        .environment(args.env)
        .env_runners(num_env_runners=args.env_runners, num_envs_per_env_runner=args.envs_per_runner,
                     rollout_fragment_length="auto")
        .learners(num_learners=0)
        .training(
            lr=args.lr, gamma=0.99, lambda_=0.95, clip_param=0.2, entropy_coeff=0.01, vf_loss_coeff=0.5,
            train_batch_size_per_learner=args.batch, minibatch_size=args.minibatch, num_epochs=args.epochs,
        )
        .rl_module(model_config=DefaultModelConfig(
            conv_filters=[[16, [8, 8], 4], [32, [4, 4], 2], [64, [3, 3], 2]],  # 64x64 -> 15 -> 6 -> 2
            use_lstm=True, lstm_cell_size=args.lstm, max_seq_len=args.max_seq_len,
            head_fcnet_hiddens=[],
        ))
        .debugging(seed=args.seed)
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--env", default="MemoryMaze-9x9-v0")
    p.add_argument("--minutes", type=float, default=5.0, help="wall-clock training time")
    p.add_argument("--iterations", type=int, default=None, help="stop after this many iterations instead")
    p.add_argument("--env-runners", type=int, default=2)
    p.add_argument("--envs-per-runner", type=int, default=4)
    p.add_argument("--batch", type=int, default=4000, help="env steps per training iteration")
    p.add_argument("--minibatch", type=int, default=1000)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--lstm", type=int, default=256, help="LSTM cell size")
    p.add_argument("--max-seq-len", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--address", default=None, help="a running Ray cluster (default: start Ray here)")
    p.add_argument("--checkpoint", default=None, help="save the trained algorithm here")
    args = p.parse_args(argv)

    ray.init(address=args.address, include_dashboard=False, log_to_driver=False) if args.address else \
        ray.init(num_cpus=args.env_runners + 1, include_dashboard=False)
    register([args.env], wrapper=float_images)
    algo = build_config(args).build_algo()
    t0 = time.perf_counter()
    steps, it = 0, 0
    try:
        while True:
            result = algo.train()
            it += 1
            runners = result.get("env_runners", {})
            steps = int(runners.get("num_env_steps_sampled_lifetime", steps))
            ret = runners.get("episode_return_mean")
            ret = None if ret is None or ret != ret else ret  # NaN: no episode ended this iteration
            elapsed = time.perf_counter() - t0
            print(f"iter {it}: {steps} steps, {steps / elapsed:.0f} steps/s, "
                  f"return {'-' if ret is None else f'{ret:.2f}'}", flush=True)
            if (args.iterations is not None and it >= args.iterations) or \
                    (args.iterations is None and elapsed > 60 * args.minutes):
                break
    finally:
        if args.checkpoint:
            algo.save_to_path(args.checkpoint)
            print(f"saved {args.checkpoint}")
        algo.stop()
        ray.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
