import sys

from evals.requests.runner import main

sys.exit(main())
