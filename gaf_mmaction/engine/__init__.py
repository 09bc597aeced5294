"""Training machinery: the two-pass loop and the two-optimizer constructor."""
from .optim_constructor import GAFOptimWrapperConstructor
from .two_pass_loop import TwoPassTrainLoop

__all__ = ['GAFOptimWrapperConstructor', 'TwoPassTrainLoop']
