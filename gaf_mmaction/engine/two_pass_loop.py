"""GAF's epoch: a CVAE pass over the data, then a detector pass (docs/published_code.md §6)."""
from collections.abc import Iterator

import numpy as np
from mmaction.registry import LOOPS
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop, set_random_seed

from ..structures.two_pass import OPTIM_WRAPPER_KEYS, PASSES
from .train_position import PassPosition, pass_batches


def scheduler_configs(schedulers) -> Iterator[dict]:
    """The scheduler config dicts in a runner's ``param_scheduler`` setting: None, one config,
    a list of them, or a dict of either per optimizer; built schedulers are skipped."""
    if isinstance(schedulers, dict):
        if 'type' in schedulers:
            yield schedulers
            return
        schedulers = list(schedulers.values())
    if isinstance(schedulers, (list, tuple)):
        for scheduler in schedulers:
            yield from scheduler_configs(scheduler)


@LOOPS.register_module()
class TwoPassTrainLoop(EpochBasedTrainLoop):
    """Each epoch runs the whole loader once per pass of
    :mod:`gaf_mmaction.structures.two_pass`, in its order: 'cvae', then 'detector'.

    Every step uses the optimizer wrapper of its pass
    (``runner.optim_wrapper['cvae']`` / ``['detector']``, see
    :class:`GAFOptimWrapperConstructor`) and counts as one iteration, so an
    epoch is ``2 * len(dataloader)`` iterations. The two passes draw
    different shuffles (sampler epochs 2e and 2e + 1).

    Each pass starts by seeding Python, NumPy and torch from (the run's
    seed, epoch, pass), so a run resumed from an epoch checkpoint after
    being killed mid-epoch repeats that epoch exactly and ends with the
    same parameters as an uninterrupted run (on CPU; with data-loader
    workers, as long as they are not persistent). A run that
    :class:`PreemptionHook` stopped mid-epoch resumes at the step after the
    stop (:attr:`resume_at`).

    The loop says which pass it is in (:attr:`current_pass`,
    :attr:`pass_iter`), which the log lines show, and tells the runner's log
    processor when a pass starts and a step ends (``pass_started``,
    ``step_done`` of :class:`TwoPassLogProcessor`, which keeps the books of
    the ETA and each pass's gradient norm).

    Args:
        runner: The runner.
        dataloader: Training loader (or its config).
        max_epochs: Epochs to train.
        val_begin: First epoch with validation. Defaults to 1.
        val_interval: Epochs between validations. Defaults to 1.
        interleave: Instead of one loader pass per training pass, run a
            step of each on every batch of a single loader pass. Defaults to
            False.
    """

    def __init__(self, runner, dataloader, max_epochs: int, val_begin: int = 1,
                 val_interval: int = 1, interleave: bool = False) -> None:
        super().__init__(runner, dataloader, max_epochs, val_begin, val_interval)
        self.interleave = interleave
        self._max_iters = self._max_epochs * len(self.dataloader) * len(PASSES)
        self.current_pass = PASSES[0]
        self.pass_iter = 0
        # Where a run stopped inside an epoch (PreemptionHook sets it on resume): the next
        # epoch starts there.
        self.resume_at: PassPosition | None = None
        for scheduler in scheduler_configs(runner.param_schedulers):
            if scheduler.get('convert_to_iter_based'):
                scheduler.setdefault('epoch_length', len(self.dataloader) * len(PASSES))

    def _detector(self):
        model = self.runner.model
        return model.module if is_model_wrapper(model) else model

    def _tell_log_processor(self, event: str, *args) -> None:
        """Call ``event`` of the runner's log processor, if it keeps the two-pass books."""
        handler = getattr(self.runner.log_processor, event, None)
        if handler is not None:
            handler(self.runner, *args)

    def _set_sampler_epoch(self, epoch: int) -> None:
        sampler = getattr(self.dataloader, 'sampler', None)
        if hasattr(sampler, 'set_epoch'):
            sampler.set_epoch(epoch)

    def _start_pass(self, offset: int) -> None:
        """Shuffle and seed loader pass ``offset`` (0, 1) of the current epoch."""
        self._set_sampler_epoch(2 * self._epoch + offset)
        state = np.random.SeedSequence([self.runner.seed, self._epoch, offset]).generate_state(1)
        set_random_seed(int(state[0]))
        self._tell_log_processor('pass_started')

    def run_epoch(self) -> None:
        """Both passes of one epoch, with the usual epoch hooks around them."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        resume, self.resume_at = self.resume_at, None
        if self.interleave:
            if resume is None or resume.pass_index == 0:
                self._start_pass(0)
                for idx, data_batch in pass_batches(self, 0, resume):
                    for pass_name in PASSES:
                        self.run_pass_step(pass_name, idx, data_batch)
        else:
            for offset, pass_name in enumerate(PASSES):
                if resume is not None and offset < resume.pass_index:
                    continue
                self._start_pass(offset)
                for idx, data_batch in pass_batches(self, offset, resume):
                    self.run_pass_step(pass_name, idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1

    def run_pass_step(self, pass_name: str, idx: int, data_batch: dict) -> None:
        """One optimisation step of the pass ``pass_name``."""
        self.current_pass, self.pass_iter = pass_name, idx
        self.runner.call_hook('before_train_iter', batch_idx=idx, data_batch=data_batch)
        self._detector().set_train_state(pass_name, self._epoch + 1)
        optim_wrapper = self.runner.optim_wrapper[OPTIM_WRAPPER_KEYS[pass_name]]
        outputs = self.runner.model.train_step(data_batch, optim_wrapper=optim_wrapper)
        self._tell_log_processor('step_done', pass_name, optim_wrapper)
        self.runner.call_hook('after_train_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)
        self._iter += 1
