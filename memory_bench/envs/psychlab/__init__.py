"""PsychLab screen tasks of DMLab-30 and the Memory Task Suite (see :mod:`.base`)."""
