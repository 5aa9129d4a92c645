"""Agent bodies of the 3D engine: how an action moves the agent through a level.

* :mod:`memory_bench.engine.agents.quake`: DMLab's Quake-III player movement (a box
  that accelerates, slides along walls, steps up and jumps), for every DMLab-style level.

Memory Maze's rolling ball is MuJoCo-driven and lives in :mod:`memory_bench.engine.scene`.
"""
