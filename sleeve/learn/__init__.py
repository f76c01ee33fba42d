"""Learning from ratings: the style bandit, off-policy evaluation, the LoRA canary and the
rating-drop trigger. Pure functions over numpy: no database, no settings."""
