"""The weekly report: numbers from the database, charts, an HTML page and a Slack summary."""
