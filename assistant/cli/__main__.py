"""``python -m assistant.cli``."""

import sys

from assistant.cli.app import main

sys.exit(main())
