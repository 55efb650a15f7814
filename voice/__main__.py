"""``python -m voice`` is ``rituals``."""

import sys

from voice.cli import main

sys.exit(main())
