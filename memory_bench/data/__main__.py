"""``python -m memory_bench.data generate ...``: see :mod:`memory_bench.data.generate`."""

import sys

from memory_bench.data.generate import main

if __name__ == "__main__":
    sys.exit(main())
