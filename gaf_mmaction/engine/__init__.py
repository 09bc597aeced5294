"""Training machinery: the two-pass loop, its log lines, the two-optimizer constructor, the
wrapper, the checks that guard a run (start checks: inputs, checkpoint, channels, determinism;
class counts; non-finite losses), the detector's weight average, the atomic checkpoint backend,
the stop on a signal or deadline, the test-time timeline hook and the initial-weight
perturbation."""
from .checkpoint_files import AtomicLocalBackend
from .class_count_hook import ClassCountHook
from .detector_ema_hook import DetectorEMAHook
from .deterministic_check_hook import DeterministicCheckHook
from .input_channels_hook import InputChannelsHook
from .input_files_hook import InputFilesHook
from .log_processor import TwoPassLogProcessor
from .non_finite_loss_hook import NonFiniteLossHook
from .optim_constructor import GAFOptimWrapperConstructor
from .optim_wrapper import SkipNonFiniteOptimWrapper
from .preemption_hook import PreemptionHook
from .start_checkpoint_hook import StartCheckpointHook
from .timeline_hook import TimelineVisualizationHook
from .two_pass_ddp import TwoPassDistributedDataParallel
from .two_pass_loop import TwoPassTrainLoop
from .weight_perturbation_hook import WeightPerturbationHook

__all__ = ['AtomicLocalBackend', 'ClassCountHook', 'DetectorEMAHook', 'DeterministicCheckHook',
           'GAFOptimWrapperConstructor', 'InputChannelsHook', 'InputFilesHook',
           'NonFiniteLossHook', 'PreemptionHook', 'SkipNonFiniteOptimWrapper', 'StartCheckpointHook',
           'TimelineVisualizationHook', 'TwoPassDistributedDataParallel', 'TwoPassLogProcessor',
           'TwoPassTrainLoop', 'WeightPerturbationHook']
