"""Tensor operations used by GAF that PyTorch does not provide."""
from .boundary_max_pool import boundary_max_pool, range_max_table
from .soft_nms import batched_soft_nms, soft_nms

__all__ = ['batched_soft_nms', 'boundary_max_pool', 'range_max_table', 'soft_nms']
