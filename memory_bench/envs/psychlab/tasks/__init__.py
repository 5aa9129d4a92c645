"""One module per PsychLab task (see :mod:`memory_bench.envs.psychlab.levels`)."""
