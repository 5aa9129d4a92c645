"""DMLab-style first-person levels on the shared engine (:mod:`memory_bench.engine`).

* :mod:`memory_bench.envs.dmlab.base`: :class:`DMLabEnv`, the one base env every level
  composes: Quake III movement, DMLab's actions and observations, pickups, map restarts.
* :mod:`memory_bench.envs.dmlab.explore`: the explore family of DMLab-30 and the Memory
  Task Suite's explore_goal_locations.
"""
