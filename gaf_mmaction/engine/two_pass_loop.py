"""GAF's epoch: a CVAE pass over the data, then a detector pass (GAF_REFERENCE.md §6)."""
import numpy as np
from mmaction.registry import LOOPS
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop, set_random_seed

PHASES = ('cvae', 'detector')


@LOOPS.register_module()
class TwoPassTrainLoop(EpochBasedTrainLoop):
    """Each epoch runs the whole loader twice: first the 'cvae' phase, then 'detector'.

    Every step uses the optimizer wrapper of its phase
    (``runner.optim_wrapper['cvae']`` / ``['detector']``, see
    :class:`GAFOptimWrapperConstructor`) and counts as one iteration, so an
    epoch is ``2 * len(dataloader)`` iterations. The two passes draw
    different shuffles (sampler epochs 2e and 2e + 1).

    Each pass starts by seeding Python, NumPy and torch from (the run's
    seed, epoch, pass), so a run resumed from an epoch checkpoint after
    being killed mid-epoch repeats that epoch exactly and ends with the
    same parameters as an uninterrupted run (on CPU; with data-loader
    workers, as long as they are not persistent).

    Args:
        runner: The runner.
        dataloader: Training loader (or its config).
        max_epochs: Epochs to train.
        val_begin: First epoch with validation. Defaults to 1.
        val_interval: Epochs between validations. Defaults to 1.
        interleave: Instead of two passes, run a CVAE step and a detector
            step on each batch of a single pass. Defaults to False.
    """

    def __init__(self, runner, dataloader, max_epochs: int, val_begin: int = 1,
                 val_interval: int = 1, interleave: bool = False) -> None:
        super().__init__(runner, dataloader, max_epochs, val_begin, val_interval)
        self.interleave = interleave
        self._max_iters = self._max_epochs * len(self.dataloader) * len(PHASES)

    def _detector(self):
        model = self.runner.model
        return model.module if is_model_wrapper(model) else model

    def _set_sampler_epoch(self, epoch: int) -> None:
        sampler = getattr(self.dataloader, 'sampler', None)
        if hasattr(sampler, 'set_epoch'):
            sampler.set_epoch(epoch)

    def _start_pass(self, offset: int) -> None:
        """Shuffle and seed pass ``offset`` (0 CVAE, 1 detector) of the current epoch."""
        self._set_sampler_epoch(2 * self._epoch + offset)
        state = np.random.SeedSequence([self.runner.seed, self._epoch, offset]).generate_state(1)
        set_random_seed(int(state[0]))

    def run_epoch(self) -> None:
        """Both passes of one epoch, with the usual epoch hooks around them."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        if self.interleave:
            self._start_pass(0)
            for idx, data_batch in enumerate(self.dataloader):
                for phase in PHASES:
                    self.run_phase_iter(phase, idx, data_batch)
        else:
            for offset, phase in enumerate(PHASES):
                self._start_pass(offset)
                for idx, data_batch in enumerate(self.dataloader):
                    self.run_phase_iter(phase, idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1

    def run_phase_iter(self, phase: str, idx: int, data_batch: dict) -> None:
        """One optimisation step of ``phase``."""
        self.runner.call_hook('before_train_iter', batch_idx=idx, data_batch=data_batch)
        self._detector().set_train_state(phase, self._epoch + 1)
        outputs = self.runner.model.train_step(
            data_batch, optim_wrapper=self.runner.optim_wrapper[phase])
        self.runner.call_hook('after_train_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)
        self._iter += 1
