"""PPO with an LSTM on memory_bench's batched Memory Maze env, in one file (CleanRL style).

    python examples/ppo_lstm.py --total-timesteps 10000000            # the full run
    python examples/ppo_lstm.py --total-timesteps 256 --num-envs 2 --num-steps 64   # smoke test

The env is ``gym.make_vec("memory_bench:<env-id>", num_envs=N)``, memory_bench's own
``MemoryMazeVectorEnv``. It autoresets the Gymnasium 1.x way ("next step"): the step
*after* an episode ends resets that env, ignores the action and returns the new episode's
first observation with reward 0 and ``terminated = truncated = False``. So a rollout
holds, for each env, some *reset transitions* whose observation is the last one of the
finished episode and whose action did nothing. This script:

* keeps a ``valid`` mask per (step, env), False on reset transitions, and leaves those
  samples out of the advantages, the advantage normalisation and every loss term;
* keeps an ``episode_start`` mask, True on the first observation of an episode, where
  the LSTM state is zeroed before the step (both in the rollout and when the loss
  replays the sequences);
* bootstraps a truncated episode with the value of its final observation, which next-step
  autoreset hands over as the observation of the reset transition (Memory Maze episodes
  end by truncation only; a termination gets no bootstrap).

Minibatches are sets of whole envs, so every sequence is replayed from the LSTM state it
started the rollout with.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import tempfile
import time
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn
from torch.distributions.categorical import Categorical


@dataclass
class Args:
    env_id: str = "MemoryMaze-9x9-v0"
    """the memory_bench env id"""
    total_timesteps: int = 10_000_000
    """total env steps of the run"""
    num_envs: int = 8
    """envs stepped together in the batched env"""
    num_steps: int = 128
    """steps per env in one rollout (the LSTM's training sequence length)"""
    max_episode_steps: int | None = None
    """episode length, if shorter than the task's own (for tests)"""
    learning_rate: float = 2.5e-4
    """Adam's learning rate"""
    anneal_lr: bool = True
    """anneal the learning rate linearly to 0"""
    gamma: float = 0.99
    """discount"""
    gae_lambda: float = 0.95
    """GAE lambda"""
    num_minibatches: int = 4
    """minibatches per epoch (each a set of whole envs; at most num_envs)"""
    update_epochs: int = 4
    """epochs over each rollout"""
    norm_adv: bool = True
    """normalise the advantages per minibatch (over valid samples)"""
    clip_coef: float = 0.1
    """PPO's surrogate clipping"""
    clip_vloss: bool = True
    """clip the value loss too"""
    ent_coef: float = 0.01
    """entropy bonus"""
    vf_coef: float = 0.5
    """value loss weight"""
    max_grad_norm: float = 0.5
    """gradient clipping"""
    target_kl: float | None = None
    """stop an update's epochs early past this approximate KL"""
    seed: int = 1
    """seed of torch, numpy, random and the envs"""
    torch_deterministic: bool = True
    """torch.backends.cudnn.deterministic"""
    cuda: bool = True
    """use CUDA when available"""
    save_path: str | None = None
    """where to save the model's state_dict at the end"""
    track_tb: bool = False
    """also log to TensorBoard (runs/<run name>), if tensorboard is installed"""


def parse_args(argv: list[str] | None = None) -> Args:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for field in dataclasses.fields(Args):
        flag = "--" + field.name.replace("_", "-")
        default = field.default
        if isinstance(default, bool):
            parser.add_argument(flag, default=default, action=argparse.BooleanOptionalAction)
        else:
            kind = {"int": int, "float": float, "str": str}[str(field.type).split(" ")[0]]
            parser.add_argument(flag, type=kind, default=default)
    args = Args(**vars(parser.parse_args(argv)))
    if args.num_envs % args.num_minibatches:
        args.num_minibatches = max(d for d in range(1, args.num_minibatches + 1) if args.num_envs % d == 0)
    return args


def layer_init(layer: nn.Module, std: float = np.sqrt(2), bias_const: float = 0.0) -> nn.Module:
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    """CNN torso (64x64 RGB -> 256) -> LSTM(256) -> actor and critic heads."""

    def __init__(self, num_actions: int, hidden: int = 256):
        super().__init__()
        self.network = nn.Sequential(
            layer_init(nn.Conv2d(3, 32, 8, stride=4)),  # 64 -> 15
            nn.ReLU(),
            layer_init(nn.Conv2d(32, 64, 4, stride=2)),  # 15 -> 6
            nn.ReLU(),
            layer_init(nn.Conv2d(64, 64, 3, stride=1)),  # 6 -> 4
            nn.ReLU(),
            nn.Flatten(),
            layer_init(nn.Linear(64 * 4 * 4, hidden)),
            nn.ReLU(),
        )
        self.lstm = nn.LSTM(hidden, hidden)
        for name, param in self.lstm.named_parameters():
            if "bias" in name:
                nn.init.constant_(param, 0)
            elif "weight" in name:
                nn.init.orthogonal_(param, 1.0)
        self.actor = layer_init(nn.Linear(hidden, num_actions), std=0.01)
        self.critic = layer_init(nn.Linear(hidden, 1), std=1)

    def initial_state(self, num_envs: int, device=None) -> tuple[torch.Tensor, torch.Tensor]:
        shape = (self.lstm.num_layers, num_envs, self.lstm.hidden_size)
        return torch.zeros(shape, device=device), torch.zeros(shape, device=device)

    def get_states(self, x, lstm_state, episode_start):
        """Runs a sequence through the torso and the LSTM.

        Args:
            x: observations, (T * N, 64, 64, 3) uint8, time-major (step t of env n at t * N + n).
            lstm_state: (h, c), each (1, N, hidden): the state before step 0.
            episode_start: (T * N,) 1.0 where the observation is an episode's first: the
                state is zeroed before that step.

        Returns:
            the LSTM outputs (T * N, hidden) and the state after the last step.
        """
        hidden = self.network(x.permute(0, 3, 1, 2).float() / 255.0)
        num_envs = lstm_state[0].shape[1]
        hidden = hidden.reshape((-1, num_envs, self.lstm.input_size))
        episode_start = episode_start.reshape((-1, num_envs)).float()
        outputs = []
        for h, start in zip(hidden, episode_start):
            keep = (1.0 - start).view(1, -1, 1)
            out, lstm_state = self.lstm(h.unsqueeze(0), (keep * lstm_state[0], keep * lstm_state[1]))
            outputs.append(out)
        return torch.flatten(torch.cat(outputs), 0, 1), lstm_state

    def get_value(self, x, lstm_state, episode_start):
        hidden, _ = self.get_states(x, lstm_state, episode_start)
        return self.critic(hidden)

    def get_action_and_value(self, x, lstm_state, episode_start, action=None):
        hidden, lstm_state = self.get_states(x, lstm_state, episode_start)
        logits = self.actor(hidden)
        probs = Categorical(logits=logits)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(hidden), lstm_state


class EpisodeTracker:
    """Follows next-step autoreset over a batch of envs.

    After each ``step`` (and after the first reset):
        ``autoreset[n]``: the current observation of env n ends an episode; the next step
            is a reset transition (action ignored), so a sample taken here is not valid.
        ``episode_start[n]``: the current observation is the first of an episode; the LSTM
            state must be zeroed before it is processed.
    It also sums the rewards of each episode, over its real transitions only.
    """

    def __init__(self, num_envs: int):
        self.autoreset = np.zeros(num_envs, dtype=bool)
        self.episode_start = np.ones(num_envs, dtype=bool)
        self.returns = np.zeros(num_envs, dtype=np.float64)
        self.lengths = np.zeros(num_envs, dtype=np.int64)

    @property
    def valid(self) -> np.ndarray:
        return ~self.autoreset

    def step(self, rewards, terminations, truncations) -> list[tuple[int, float, int]]:
        """Records the outcome of one env step; returns (env, return, length) of every episode
        that ended in it."""
        was_reset = self.autoreset
        real = ~was_reset
        self.returns[real] += np.asarray(rewards)[real]
        self.lengths[real] += 1
        done = np.logical_or(terminations, truncations)
        finished = [(int(i), float(self.returns[i]), int(self.lengths[i])) for i in np.flatnonzero(done & real)]
        self.returns[done] = 0.0
        self.lengths[done] = 0
        self.episode_start = was_reset.copy()
        self.autoreset = done & real
        return finished


def compute_gae(rewards, values, next_value, terminations, dones, valid, gamma: float, gae_lambda: float):
    """GAE over a rollout with next-step autoreset; all inputs (T, N) but next_value (N,).

    values[t] is V(obs[t]) for every t, reset transitions included: at a step that ends an
    episode (dones[t]), obs[t + 1] is the episode's final observation, so a truncation
    bootstraps from values[t + 1] (next_value at the last step) and a termination from 0.
    The recursion stops at dones[t]; reset transitions (valid False) get advantage 0.
    """
    num_steps = rewards.shape[0]
    advantages = torch.zeros_like(rewards)
    lastgaelam = torch.zeros_like(next_value)
    for t in reversed(range(num_steps)):
        nextvalues = next_value if t == num_steps - 1 else values[t + 1]
        delta = rewards[t] + gamma * nextvalues * (1.0 - terminations[t]) - values[t]
        lastgaelam = (delta + gamma * gae_lambda * (1.0 - dones[t]) * lastgaelam) * valid[t]
        advantages[t] = lastgaelam
    returns = advantages + values
    return advantages, returns


def ppo_loss(newlogprob, oldlogprob, entropy, newvalue, oldvalue, advantages, returns, valid, args: Args):
    """The clipped PPO loss, averaged over the valid samples only (all inputs 1-D)."""
    valid = valid.float()
    count = valid.sum().clamp(min=1.0)

    def mean(x):
        return (x * valid).sum() / count

    # torch.where, not a product: garbage (even inf) in a masked sample must not leak.
    ok = valid > 0
    logratio = torch.where(ok, newlogprob - oldlogprob, torch.zeros_like(newlogprob))
    ratio = logratio.exp()
    advantages = torch.where(ok, advantages, torch.zeros_like(advantages))
    if args.norm_adv:
        adv_mean = mean(advantages)
        adv_std = torch.sqrt(mean((advantages - adv_mean) ** 2))
        advantages = torch.where(ok, (advantages - adv_mean) / (adv_std + 1e-8), torch.zeros_like(advantages))
    pg_loss = mean(torch.max(-advantages * ratio, -advantages * torch.clamp(ratio, 1 - args.clip_coef, 1 + args.clip_coef)))
    newvalue = torch.where(ok, newvalue, torch.zeros_like(newvalue))
    oldvalue = torch.where(ok, oldvalue, torch.zeros_like(oldvalue))
    returns = torch.where(ok, returns, torch.zeros_like(returns))
    v_unclipped = (newvalue - returns) ** 2
    if args.clip_vloss:
        v_clipped = oldvalue + torch.clamp(newvalue - oldvalue, -args.clip_coef, args.clip_coef)
        v_loss = 0.5 * mean(torch.max(v_unclipped, (v_clipped - returns) ** 2))
    else:
        v_loss = 0.5 * mean(v_unclipped)
    entropy_loss = mean(torch.where(ok, entropy, torch.zeros_like(entropy)))
    loss = pg_loss - args.ent_coef * entropy_loss + v_loss * args.vf_coef
    with torch.no_grad():
        approx_kl = mean((ratio - 1) - logratio)
        clipfrac = mean(((ratio - 1.0).abs() > args.clip_coef).float())
    stats = {"pg_loss": pg_loss, "v_loss": v_loss, "entropy": entropy_loss, "approx_kl": approx_kl, "clipfrac": clipfrac}
    return loss, stats


def make_envs(args: Args):
    kwargs = {} if args.max_episode_steps is None else {"max_episode_steps": args.max_episode_steps}
    return gym.make_vec(f"memory_bench:{args.env_id}", num_envs=args.num_envs, **kwargs)


def save_model(agent: nn.Module, path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ppo_lstm-", suffix=".pt")
    os.close(fd)
    try:
        torch.save(agent.state_dict(), tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    batch_size = args.num_envs * args.num_steps
    num_iterations = max(1, args.total_timesteps // batch_size)
    envs_per_batch = args.num_envs // args.num_minibatches
    run_name = f"{args.env_id}__ppo_lstm__{args.seed}__{int(time.time())}"
    print(f"run {run_name}: {num_iterations} iterations of {batch_size} env-steps", flush=True)

    writer = None
    if args.track_tb:
        try:
            from torch.utils.tensorboard import SummaryWriter

            writer = SummaryWriter(f"runs/{run_name}")
            writer.add_text("hyperparameters", "\n".join(f"{k}={v}" for k, v in vars(args).items()))
        except ImportError:
            print("tensorboard is not installed; logging to stdout only", flush=True)

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.backends.cudnn.deterministic = args.torch_deterministic
    device = torch.device("cuda" if torch.cuda.is_available() and args.cuda else "cpu")

    envs = make_envs(args)
    assert isinstance(envs.single_action_space, gym.spaces.Discrete), "only discrete actions"
    agent = Agent(envs.single_action_space.n).to(device)
    optimizer = torch.optim.Adam(agent.parameters(), lr=args.learning_rate, eps=1e-5)

    N, T = args.num_envs, args.num_steps
    obs = torch.zeros((T, N) + envs.single_observation_space.shape, dtype=torch.uint8, device=device)
    actions = torch.zeros((T, N), dtype=torch.long, device=device)
    logprobs = torch.zeros((T, N), device=device)
    rewards = torch.zeros((T, N), device=device)
    terminations = torch.zeros((T, N), device=device)
    dones = torch.zeros((T, N), device=device)
    valids = torch.zeros((T, N), device=device)
    episode_starts = torch.zeros((T, N), device=device)
    values = torch.zeros((T, N), device=device)

    global_step = 0
    start_time = time.time()
    next_obs, _ = envs.reset(seed=args.seed)
    tracker = EpisodeTracker(N)
    next_obs = torch.as_tensor(next_obs, device=device)
    next_lstm_state = agent.initial_state(N, device)
    recent_returns: list[float] = []

    for iteration in range(1, num_iterations + 1):
        initial_lstm_state = (next_lstm_state[0].clone(), next_lstm_state[1].clone())
        if args.anneal_lr:
            optimizer.param_groups[0]["lr"] = (1.0 - (iteration - 1.0) / num_iterations) * args.learning_rate
        iter_start, iter_step = time.time(), global_step
        finished_returns = []

        for step in range(T):
            global_step += N
            obs[step] = next_obs
            valids[step] = torch.as_tensor(tracker.valid, dtype=torch.float32, device=device)
            episode_starts[step] = torch.as_tensor(tracker.episode_start, dtype=torch.float32, device=device)
            with torch.no_grad():
                action, logprob, _, value, next_lstm_state = agent.get_action_and_value(
                    next_obs, next_lstm_state, episode_starts[step]
                )
            values[step] = value.flatten()
            actions[step] = action
            logprobs[step] = logprob

            next_obs, reward, terminated, truncated, _ = envs.step(action.cpu().numpy())
            for env_idx, ep_return, ep_length in tracker.step(reward, terminated, truncated):
                finished_returns.append(ep_return)
                print(f"global_step={global_step} env={env_idx} episode_return={ep_return:.1f} length={ep_length}", flush=True)
                if writer is not None:
                    writer.add_scalar("charts/episodic_return", ep_return, global_step)
                    writer.add_scalar("charts/episodic_length", ep_length, global_step)
            rewards[step] = torch.as_tensor(reward, dtype=torch.float32, device=device)
            terminations[step] = torch.as_tensor(terminated, dtype=torch.float32, device=device)
            dones[step] = torch.as_tensor(np.logical_or(terminated, truncated), dtype=torch.float32, device=device)
            next_obs = torch.as_tensor(next_obs, device=device)
        rollout_time = time.time() - iter_start

        with torch.no_grad():
            next_start = torch.as_tensor(tracker.episode_start, dtype=torch.float32, device=device)
            next_value = agent.get_value(next_obs, next_lstm_state, next_start).reshape(1, -1)[0]
            advantages, returns = compute_gae(
                rewards, values, next_value, terminations, dones, valids, args.gamma, args.gae_lambda
            )

        # Flattened time-major: sample (t, n) at t * N + n.
        b_obs = obs.reshape((-1,) + envs.single_observation_space.shape)
        b_logprobs, b_actions = logprobs.reshape(-1), actions.reshape(-1)
        b_starts, b_valids = episode_starts.reshape(-1), valids.reshape(-1)
        b_advantages, b_returns, b_values = advantages.reshape(-1), returns.reshape(-1), values.reshape(-1)
        flat_index = np.arange(batch_size).reshape(T, N)
        env_order = np.arange(N)
        clipfracs, stats = [], {}
        for _epoch in range(args.update_epochs):
            np.random.shuffle(env_order)
            for start in range(0, N, envs_per_batch):
                mb_envs = env_order[start : start + envs_per_batch]
                mb = torch.as_tensor(flat_index[:, mb_envs].ravel(), device=device)
                _, newlogprob, entropy, newvalue, _ = agent.get_action_and_value(
                    b_obs[mb],
                    (initial_lstm_state[0][:, mb_envs], initial_lstm_state[1][:, mb_envs]),
                    b_starts[mb],
                    b_actions[mb],
                )
                loss, stats = ppo_loss(
                    newlogprob, b_logprobs[mb], entropy, newvalue.view(-1), b_values[mb],
                    b_advantages[mb], b_returns[mb], b_valids[mb], args,
                )
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
                optimizer.step()
                clipfracs.append(stats["clipfrac"].item())
            if args.target_kl is not None and stats["approx_kl"].item() > args.target_kl:
                break

        with torch.no_grad():
            mask = b_valids > 0
            y_pred, y_true = b_values[mask].cpu().numpy(), b_returns[mask].cpu().numpy()
            var_y = np.var(y_true)
            explained_var = np.nan if var_y == 0 else 1 - np.var(y_true - y_pred) / var_y

        recent_returns = (recent_returns + finished_returns)[-100:]
        iter_time = time.time() - iter_start
        sps = (global_step - iter_step) / iter_time
        mean_return = f"{np.mean(recent_returns):.2f}" if recent_returns else "n/a"
        print(
            f"iter {iteration}/{num_iterations} global_step={global_step} "
            f"mean_return(last {len(recent_returns)})={mean_return} "
            f"sps={sps:.0f} (rollout {N * T / rollout_time:.0f}) "
            f"pg_loss={stats['pg_loss'].item():.4f} v_loss={stats['v_loss'].item():.4f} "
            f"entropy={stats['entropy'].item():.3f} approx_kl={stats['approx_kl'].item():.4f} "
            f"valid={b_valids.mean().item():.3f}",
            flush=True,
        )
        if writer is not None:
            writer.add_scalar("charts/learning_rate", optimizer.param_groups[0]["lr"], global_step)
            for key, stat in stats.items():
                writer.add_scalar(f"losses/{key}", stat.item(), global_step)
            writer.add_scalar("losses/clipfrac", np.mean(clipfracs), global_step)
            writer.add_scalar("losses/explained_variance", explained_var, global_step)
            writer.add_scalar("charts/SPS", sps, global_step)

    elapsed = time.time() - start_time
    envs.close()
    if writer is not None:
        writer.close()
    if args.save_path:
        save_model(agent, args.save_path)
        print(f"saved the model to {args.save_path}", flush=True)
    print(f"done: {global_step} env-steps in {elapsed:.1f} s ({global_step / elapsed:.0f} steps/s)", flush=True)


if __name__ == "__main__":
    main()
