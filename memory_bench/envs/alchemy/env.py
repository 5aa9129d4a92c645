"""Symbolic Alchemy as a Gymnasium env (spec ``alchemy.md`` sections 4 to 8 and 12).

``AlchemyEnv(level=...)``: 10 trials of 3 stones and 12 potions under one hidden
chemistry per episode. Integer actions (``Discrete(40)``, or 41 with the end-trial
action), a float32 observation of 39 values (24 without the used flags), and optional
chemistry observations (ground truth, belief state), which turn it into a ``Dict``.
Seeding follows the original: one legacy ``numpy.random.RandomState`` drawn in the
original's order, so the same seed gives the original's chemistries and items.
"""

from __future__ import annotations

from typing import Any, Mapping

import gymnasium as gym
import numpy as np

from memory_bench.envs.alchemy.chemistry import (
    COORDS,
    STANDARD_LEVEL,
    Chemistry,
    RewardWeights,
    parse_level,
    sample_chemistry,
)

MAX_STONES = 3
MAX_POTIONS = 12
CONTENTS = ("ground_truth", "belief_state", "unknown")
ELEMENTS = {"graph": 12, "potion_map": 9, "stone_map": 3, "rotation": 4}


class AlchemyEnv(gym.Env):
    """Symbolic Alchemy (see the module docstring and the README's Alchemy section).

    Keyword arguments (the original's options):

    * ``level``: a level name (spec 3); a leading ``alchemy/`` is allowed.
    * ``num_trials`` (10), ``num_stones_per_trial`` (3, at most 3),
      ``num_potions_per_trial`` (12, at most 12), ``max_steps_per_trial`` (20).
    * ``end_trial_action`` (False): action 0 ends the trial, ``Discrete(41)``.
    * ``observe_used`` (True): the used flags in the observation (39 values, else 24).
    * ``see_chemistries``: ``{key: content}`` or ``{key: {"content": ..., "elements": [...]}}``
      with content ``"ground_truth"``, ``"belief_state"`` or ``"unknown"`` and elements
      from ``graph``, ``potion_map``, ``stone_map``, ``rotation`` (all, in that order,
      by default). Any of them makes the observation a ``Dict`` with ``symbolic_obs``.
    * ``ground_truth_obs`` / ``belief_state_obs`` (False): shorthands for
      ``see_chemistries={"ground_truth": "ground_truth"}`` / ``{"belief_state": "belief_state"}``.
    * ``reward_weights``: ``(coefficients, offset, bonus)``, default ``((1, 1, 1), 0, 12)``.
    * ``strict_actions`` (True): an action outside the action space raises a
      ``ValueError``; with False it is handled as the original does (a stone slot past the
      last one is a counted no-op, a negative value a no-op, and the value that would
      decode to END TRIAL without that action raises ``ValueError``).
    """

    metadata = {"render_modes": ["ansi", "rgb_array"], "render_fps": 4}
    renderer_name = "none"

    def __init__(
        self,
        level: str = STANDARD_LEVEL,
        *,
        num_trials: int = 10,
        num_stones_per_trial: int = MAX_STONES,
        num_potions_per_trial: int = MAX_POTIONS,
        max_steps_per_trial: int = 20,
        end_trial_action: bool = False,
        observe_used: bool = True,
        see_chemistries: Mapping[str, Any] | None = None,
        ground_truth_obs: bool = False,
        belief_state_obs: bool = False,
        reward_weights=None,
        strict_actions: bool = True,
        render_mode: str | None = None,
    ):
        self.level = parse_level(level)
        for name, value, lo, hi in (
            ("num_trials", num_trials, 1, None),
            ("num_stones_per_trial", num_stones_per_trial, 1, MAX_STONES),
            ("num_potions_per_trial", num_potions_per_trial, 0, MAX_POTIONS),
            ("max_steps_per_trial", max_steps_per_trial, 1, None),
        ):
            if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < lo or (hi is not None and value > hi):
                allowed = f"an integer from {lo} to {hi}" if hi is not None else f"an integer >= {lo}"
                raise ValueError(f"{name} must be {allowed}, got {value!r}")
        if render_mode not in (None, "ansi", "rgb_array"):
            raise ValueError(f"render_mode must be None, 'ansi' or 'rgb_array', got {render_mode!r}")
        self.render_mode = render_mode
        self.num_trials = int(num_trials)
        self.num_stones = int(num_stones_per_trial)
        self.num_potions = int(num_potions_per_trial)
        self.max_steps_per_trial = int(max_steps_per_trial)
        self.end_trial_action = bool(end_trial_action)
        self.observe_used = bool(observe_used)
        self.strict_actions = bool(strict_actions)
        if reward_weights is None:
            self.reward_weights = RewardWeights()
        elif isinstance(reward_weights, RewardWeights):
            self.reward_weights = reward_weights
        else:
            coef, offset, bonus = reward_weights
            self.reward_weights = RewardWeights(tuple(float(c) for c in coef), float(offset), float(bonus))

        self.chem_specs = self._parse_chemistries(see_chemistries, ground_truth_obs, belief_state_obs)
        self._b = 2 if self.end_trial_action else 1
        self.action_space = gym.spaces.Discrete(3 * (MAX_POTIONS + 1) + self._b)
        self._sw = 5 if self.observe_used else 4  # values per stone slot
        self._pw = 2 if self.observe_used else 1  # values per potion slot
        self._p0 = MAX_STONES * self._sw
        n_obs = self._p0 + MAX_POTIONS * self._pw
        symbolic = gym.spaces.Box(-1.0, 2.0, (n_obs,), np.float32)
        if self.chem_specs:
            spaces = {"symbolic_obs": symbolic}
            for key, (_, elements) in self.chem_specs.items():
                spaces[key] = gym.spaces.Box(0.0, 1.0, (sum(ELEMENTS[e] for e in elements),), np.float32)
            self.observation_space = gym.spaces.Dict(spaces)
        else:
            self.observation_space = symbolic

        # Default (empty) slot values, spec 7.1.
        self._empty = np.empty(n_obs, np.float32)
        for i in range(MAX_STONES):
            self._empty[self._sw * i:self._sw * (i + 1)] = 2.0
            if self.observe_used:
                self._empty[self._sw * i + 4] = 1.0
        self._empty[self._p0:] = 1.0
        self._obs = self._empty.copy()

        self._rng: np.random.RandomState | None = None
        self.chemistry: Chemistry | None = None
        self.belief = None
        self._done = True
        self._started = False
        self.trial_number = -1
        self.steps_this_trial = 0
        self.episode_return = 0.0  # the rewards of this episode so far (shown by render)
        self.stones: list[int] = []  # latent stone index per slot, -1 when used or empty
        self.potions: list[int] = []  # latent potion index per slot, -1 when used or empty

    # ------------------------------------------------------------------ options

    @staticmethod
    def _parse_chemistries(see, ground_truth_obs, belief_state_obs) -> dict[str, tuple[str, tuple[str, ...]]]:
        specs: dict[str, tuple[str, tuple[str, ...]]] = {}
        if ground_truth_obs:
            specs["ground_truth"] = ("ground_truth", tuple(ELEMENTS))
        if belief_state_obs:
            specs["belief_state"] = ("belief_state", tuple(ELEMENTS))
        for key, value in dict(see or {}).items():
            if not isinstance(key, str) or key == "symbolic_obs":
                raise ValueError(f"see_chemistries keys must be strings other than 'symbolic_obs', got {key!r}")
            if isinstance(value, str):
                content, elements = value, tuple(ELEMENTS)
            elif isinstance(value, Mapping):
                unknown = set(value) - {"content", "elements"}
                if unknown:
                    raise ValueError(f"see_chemistries[{key!r}] has unknown keys {sorted(unknown)}; allowed: content, elements")
                content = value.get("content", "ground_truth")
                elements = tuple(value.get("elements", tuple(ELEMENTS)))
            else:
                raise ValueError(f"see_chemistries[{key!r}] must be a content name or a dict, got {value!r}")
            if content not in CONTENTS:
                raise ValueError(f"see_chemistries[{key!r}] content must be one of {CONTENTS}, got {content!r}")
            bad = [e for e in elements if e not in ELEMENTS]
            if bad or not elements:
                raise ValueError(f"see_chemistries[{key!r}] elements must be a non-empty subset of {tuple(ELEMENTS)}, got {elements!r}")
            specs[key] = (content, tuple(e for e in ELEMENTS if e in elements))
        return specs

    # ------------------------------------------------------------------ episode

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        if seed is not None or self._rng is None:
            self._rng = np.random.RandomState(seed)
        lvl = self.level
        chem = self.chemistry = sample_chemistry(lvl, self._rng)
        # Per-episode lookup tables: what each latent stone/potion looks like, and dips.
        rw = self.reward_weights
        self._value = [float(rw.value(COORDS[c])) for c in range(8)]
        feats = []
        for c in range(8):
            p = chem.perceived_stone(c)
            feats.append(np.array([p[0], p[1], p[2], sum(COORDS[c]) / 3.0], np.float32))
        self._stone_feats = feats
        self._potion_vals = [chem.potion_colour(p) / 3.0 - 1.0 for p in range(6)]
        self._trans = [chem.transition(c, p) for c in range(8) for p in range(6)]
        if any(content == "belief_state" for content, _ in self.chem_specs.values()):
            from memory_bench.envs.alchemy.belief import BeliefState

            self.belief = BeliefState(lvl)
        else:
            self.belief = None
        self.trial_number = -1
        self.episode_return = 0.0
        self._done = False
        self._started = True
        self._new_trial()
        return self._observation(), self._info(True)

    def _new_trial(self) -> None:
        self.trial_number += 1
        self.steps_this_trial = 0
        rng = self._rng
        stones = rng.randint(0, 8, size=self.num_stones).tolist()
        potions = rng.randint(0, 6, size=self.num_potions).tolist() if self.num_potions else []
        self.stones = stones + [-1] * (MAX_STONES - self.num_stones)
        self.potions = potions + [-1] * (MAX_POTIONS - self.num_potions)
        obs = self._obs
        obs[:] = self._empty
        sw = self._sw
        for i, c in enumerate(stones):
            obs[sw * i:sw * i + 4] = self._stone_feats[c]
            if self.observe_used:
                obs[sw * i + 4] = 0.0
        p0, pw = self._p0, self._pw
        for j, p in enumerate(potions):
            obs[p0 + pw * j] = self._potion_vals[p]
            if self.observe_used:
                obs[p0 + pw * j + 1] = 0.0
        if self.belief is not None:
            self.belief.new_trial([self.chemistry.perceived_stone(c) for c in stones], [sum(COORDS[c]) for c in stones])

    def step(self, action):
        if not self._started:
            raise RuntimeError("AlchemyEnv.step called before reset()")
        if self._done:
            raise RuntimeError("the episode has ended (terminated); call reset() to start a new one")
        try:
            a = int(action)
        except (TypeError, ValueError):
            raise ValueError(f"action must be an integer in [0, {self.action_space.n}), got {action!r}") from None
        if a != action:
            raise ValueError(f"action must be an integer in [0, {self.action_space.n}), got {action!r}")
        if not 0 <= a < self.action_space.n and self.strict_actions:
            raise ValueError(
                f"action {a} is outside the action space Discrete({self.action_space.n}); "
                "pass strict_actions=False for the original's handling of out-of-range integers"
            )
        u = a - self._b
        reward = 0.0
        end_trial = False
        if u == -2:
            if not self.end_trial_action:
                raise ValueError("Env has no end trial action")
            end_trial = True
        elif u >= 0:
            s, r = divmod(u, MAX_POTIONS + 1)
            if s < MAX_STONES:
                c = self.stones[s]
                if c >= 0:
                    obs, sw = self._obs, self._sw
                    if r == 0:  # the cauldron
                        reward = self._value[c]
                        self.stones[s] = -1
                        obs[sw * s:sw * (s + 1)] = self._empty[sw * s:sw * (s + 1)]
                    else:
                        p = self.potions[r - 1]
                        if p >= 0:
                            self.potions[r - 1] = -1
                            j = self._p0 + self._pw * (r - 1)
                            obs[j:j + self._pw] = 1.0
                            new = self._trans[6 * c + p]
                            if new != c:
                                self.stones[s] = new
                                obs[sw * s:sw * s + 4] = self._stone_feats[new]
                            if self.belief is not None:
                                chem = self.chemistry
                                self.belief.potion_used(
                                    chem.perceived_stone(c), sum(COORDS[c]),
                                    chem.perceived_stone(new), sum(COORDS[new]), chem.potion_colour(p),
                                )
        # u == -1 or any other negative value: a no-op.
        self.episode_return += reward
        self.steps_this_trial += 1
        new_trial = False
        if end_trial or self.steps_this_trial >= self.max_steps_per_trial:
            if self.trial_number + 1 >= self.num_trials:
                self._done = True
            else:
                self._new_trial()
                new_trial = True
        return self._observation(), reward, self._done, False, self._info(new_trial)

    # ------------------------------------------------------------------ observations

    def _info(self, new_trial: bool) -> dict[str, Any]:
        return {"trial_number": self.trial_number, "is_new_trial": new_trial, "steps_this_trial": self.steps_this_trial}

    def _observation(self):
        if not self.chem_specs:
            return self._obs.copy()
        out = {"symbolic_obs": self._obs.copy()}
        for key, (content, elements) in self.chem_specs.items():
            out[key] = self.chemistry_observation(content, elements)
        return out

    def chemistry_observation(self, content: str = "ground_truth", elements=tuple(ELEMENTS)) -> np.ndarray:
        """The chemistry observation (spec 7.2) for ``content`` and ``elements``."""
        if self.chemistry is None or content == "unknown":
            parts = {e: np.full(n, 0.5, np.float32) for e, n in ELEMENTS.items()}
        elif content == "ground_truth":
            parts = self.chemistry.ground_truth()
        else:
            parts = self.belief.observation()
        return np.concatenate([parts[e] for e in elements]).astype(np.float32)

    # ------------------------------------------------------------------ helpers for bots and players

    def action_for(self, stone: int, potion: int | None = None) -> int:
        """The integer action for stone slot ``stone`` into potion slot ``potion``
        (None: the cauldron)."""
        return self._b + (MAX_POTIONS + 1) * stone + (0 if potion is None else potion + 1)

    @property
    def noop_action(self) -> int:
        return self._b - 1

    def interactive(self):
        """Turn-based controls and the drawn board for the GUI player
        (:class:`memory_bench.envs.alchemy.view.AlchemyControls`): with this method the
        player waits for a choice (stone, then potion or cauldron, Enter) and plays one
        step per decision."""
        from memory_bench.envs.alchemy.view import AlchemyControls

        return AlchemyControls(self)

    def render(self):
        """``"ansi"``: the state as text (with the true stone values); ``"rgb_array"``:
        the drawn board, a (512, 512, 3) uint8 image of what the observation shows
        (stones' perceived features and reward indicators, potion colours, used slots),
        with the trial, the steps left in it and the score (needs pygame, the ``gui``
        extra)."""
        if self.render_mode == "rgb_array":
            from memory_bench.envs.alchemy.view import render_rgb

            return render_rgb(self)
        if self.render_mode != "ansi":
            return None
        if self.chemistry is None:
            return "(not reset)"
        names = ["red", "green", "orange", "yellow", "pink", "turquoise"]
        lines = [f"trial {self.trial_number + 1}/{self.num_trials}, step {self.steps_this_trial}/{self.max_steps_per_trial}"]
        for i, c in enumerate(self.stones):
            if c >= 0:
                lines.append(f"stone {i}: features {self.chemistry.perceived_stone(c)}, value {self._value[c]:+g}")
        lines.append("potions: " + ", ".join(
            f"{j}:{names[self.chemistry.potion_colour(p)]}" for j, p in enumerate(self.potions) if p >= 0
        ))
        return "\n".join(lines)
