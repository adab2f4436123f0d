from evals.occupation.runner import main

raise SystemExit(main())
