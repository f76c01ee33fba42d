"""The Sleeve version: a leaf module any layer may import (it imports nothing)."""

__version__ = "0.1.0"
