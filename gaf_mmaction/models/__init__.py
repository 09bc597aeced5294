"""GAF's model components; importing this registers them in MMAction2's MODELS."""
from . import (
    attention,
    backbones,
    data_preprocessors,
    detectors,
    distillers,
    heads,
    layers,
    losses,
    necks,
    task_modules,
    utils,
)

__all__ = ['attention', 'backbones', 'data_preprocessors', 'detectors', 'distillers', 'heads',
           'layers', 'losses', 'necks', 'task_modules', 'utils']
