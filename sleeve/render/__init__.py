"""Pixels: procedural artwork, typography, export. Pure functions of (plan, seed, size)."""
