"""Jobs: lifecycle in the database, a queue interface, the local and Celery backends."""
