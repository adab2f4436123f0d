from evals.relevance.runner import main

raise SystemExit(main())
