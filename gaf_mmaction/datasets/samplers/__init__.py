"""Samplers; importing this registers them in MMAction2's DATA_SAMPLERS."""
from .resumable_sampler import ResumableSampler

__all__ = ['ResumableSampler']
