"""Optional LLM art direction over any OpenAI-compatible chat-completions endpoint.

Off unless ``SLEEVE_LLM_URL`` is set; every failure falls back to the local analysis.
"""
