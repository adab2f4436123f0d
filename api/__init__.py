"""HTTP API of the design documents (seeds 000 and 003): FastAPI app, services, settings."""
