from evals.retrieval.runner import main

raise SystemExit(main())
