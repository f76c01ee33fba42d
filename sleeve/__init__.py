"""Sleeve: album covers from a song brief.

    >>> from sleeve import Brief, generate
    >>> covers = generate(Brief(title="Midnight Rain", artist="Luna Vale", genre="ballad"))
"""

from sleeve.core.brief import Brief
from sleeve.core.plan import CoverPlan
from sleeve.pipeline import Cover, generate, render_plan
from sleeve.version import __version__

__all__ = ["Brief", "Cover", "CoverPlan", "__version__", "generate", "render_plan"]
