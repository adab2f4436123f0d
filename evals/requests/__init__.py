"""Request understanding: a labelled table of job-search requests → search arguments, dev and held-out."""
