"""Brief, analysis and art direction: pure, no network."""
