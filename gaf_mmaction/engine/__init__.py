"""Training machinery: the two-pass loop, its log lines, the two-optimizer constructor, the
wrapper, the non-finite loss and class-count checks, the detector's weight average, the atomic
checkpoint backend, the test-time timeline hook and the initial-weight perturbation."""
from .checkpoint_files import AtomicLocalBackend
from .class_count_hook import ClassCountHook
from .detector_ema_hook import DetectorEMAHook
from .log_processor import TwoPassLogProcessor
from .non_finite_loss_hook import NonFiniteLossHook
from .optim_constructor import GAFOptimWrapperConstructor
from .optim_wrapper import SkipNonFiniteOptimWrapper
from .timeline_hook import TimelineVisualizationHook
from .two_pass_ddp import TwoPassDistributedDataParallel
from .two_pass_loop import TwoPassTrainLoop
from .weight_perturbation_hook import WeightPerturbationHook

__all__ = ['AtomicLocalBackend', 'ClassCountHook', 'DetectorEMAHook', 'GAFOptimWrapperConstructor', 'NonFiniteLossHook',
           'SkipNonFiniteOptimWrapper',
           'TimelineVisualizationHook', 'TwoPassDistributedDataParallel', 'TwoPassLogProcessor',
           'TwoPassTrainLoop', 'WeightPerturbationHook']
