"""gaf_mmaction: GAF temporal action detection as an MMAction2 plugin.

Importing the package registers every component in MMAction2's registries;
configs load it with ``custom_imports = dict(imports=['gaf_mmaction'])``.
"""
from . import checkpoint, datasets, engine, evaluation, models, ops  # noqa: F401
from .version import __version__

__all__ = ['__version__']
