"""`python -m evaluation FILE [FILE ...]`: see evaluation/run.py."""

import sys

from evaluation.run import main

sys.exit(main())
