"""The French CV eval: parse every CV of ``evals/fixtures/cvs_fr`` with the real parser, compare each field
with ``truth.jsonl``, report the dev and held-out splits separately (``bassin eval cvs``)."""
