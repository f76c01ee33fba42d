"""Use cases of the service. Plain Python over the DB, storage and queue: no FastAPI here."""
