"""SDXL text-to-image (the optional ``diffusion`` extra).

Importing this package, or ``sleeve.diffusion.engine``, never imports torch: the default
install and the procedural engine must not pay for it. Torch is imported when weights load.
"""
