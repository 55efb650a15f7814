"""``python -m voice`` is ``rituals``."""

import sys

from voice.cli.main import main

sys.exit(main())
