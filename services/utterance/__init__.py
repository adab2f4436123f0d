"""Reading a French or English message into a search request: one reading for the agent and the CLI.

``UtteranceReader`` turns "je suis aide-soignante et je cherche un CDI à Rennes" or "I'm an electrician
looking for work near Toulouse" into what is searched (the occupation words, skills) and the filters (place
and radius, contracts, experience, salary floor, remote, recency); the offline planner decides from its
``Reading`` and ``bassin search`` builds its request from it (``services.requests.request_from_reading``).
"""

from services.utterance.reading import Reading, UtteranceReader, job_title_words

__all__ = ["Reading", "UtteranceReader", "job_title_words"]
