import sys

from qcdesk.cli import main

sys.exit(main())
