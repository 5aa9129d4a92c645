"""The Memory Task Suite's Unity tasks, rebuilt on the DMLab-style engine."""
