"""Field accuracy of the CV parser on the synthetic French CV set (``evals/fixtures/cvs_fr``)."""
