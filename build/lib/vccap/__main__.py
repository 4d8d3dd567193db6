import sys

from vccap.cli import main

sys.exit(main())
