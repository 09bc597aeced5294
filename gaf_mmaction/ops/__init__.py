"""Tensor operations used by GAF that PyTorch does not provide."""
from .boundary_max_pool import boundary_max_pool

__all__ = ['boundary_max_pool']
