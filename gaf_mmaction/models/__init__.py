"""GAF's model components; importing this registers them in MMAction2's MODELS."""
from . import attention, backbones, detectors, heads, layers, losses, necks

__all__ = ['attention', 'backbones', 'detectors', 'heads', 'layers', 'losses', 'necks']
