from evals.occupation_en.runner import main

raise SystemExit(main())
