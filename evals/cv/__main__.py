from evals.cv.runner import main

raise SystemExit(main())
