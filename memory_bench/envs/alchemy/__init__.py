"""Symbolic Alchemy (Wang et al. 2021), rebuilt from the spec in numpy: env, chemistry, belief state, bots."""

from memory_bench.envs.alchemy.chemistry import EVALUATION_LEVEL, LEVELS, STANDARD_LEVEL, Chemistry, parse_level
from memory_bench.envs.alchemy.env import AlchemyEnv

__all__ = ["AlchemyEnv", "Chemistry", "EVALUATION_LEVEL", "LEVELS", "STANDARD_LEVEL", "parse_level"]
