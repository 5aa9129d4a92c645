"""``python -m memory_bench.gui``: play an env with the keyboard and record each episode."""

import sys

from memory_bench.gui.app import main

if __name__ == "__main__":
    sys.exit(main())
