"""Operating Sleeve: startup checks, ``sleeve doctor``, ``sleeve config show``.

Sits beside the CLI: it may import every layer below it; nothing below imports it.
"""
