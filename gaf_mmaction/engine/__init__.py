"""Training machinery: the two-pass loop, the two-optimizer constructor, the wrapper."""
from .optim_constructor import GAFOptimWrapperConstructor
from .optim_wrapper import SkipNonFiniteOptimWrapper
from .two_pass_loop import TwoPassTrainLoop

__all__ = ['GAFOptimWrapperConstructor', 'SkipNonFiniteOptimWrapper', 'TwoPassTrainLoop']
