"""France Travail "Offres d'emploi v2" connector: pull, partition, upsert and close offers."""
