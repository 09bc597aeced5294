"""GAF's epoch: a CVAE pass over the data, then a detector pass (docs/published_code.md §6)."""
import time

import numpy as np
from mmaction.registry import LOOPS
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop, set_random_seed

from .train_position import PassPosition, pass_batches

PHASES = ('cvae', 'detector')
# The prefix of each phase's log names (GAFDetector.parse_losses writes 'cvae/...', 'det/...').
LOG_PREFIXES = {'cvae': 'cvae/', 'detector': 'det/'}


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
    workers, as long as they are not persistent). A run that
    :class:`PreemptionHook` stopped mid-epoch resumes at the step after the
    stop (:attr:`resume_at`).

    The loop knows which pass it is in (:attr:`phase`, :attr:`phase_iter`),
    which the log lines show, and times each pass's steps apart, so that
    :meth:`eta_seconds` counts the remaining steps of both passes at their
    own speed (a CVAE step is several times cheaper than a detector step).

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
        self.phase = PHASES[0]
        self.phase_iter = 0
        # Seconds and steps per phase, for the ETA; each step is timed from the end of the
        # previous one, so data loading counts towards the step that waited for it.
        self.step_seconds = {phase: 0.0 for phase in PHASES}
        self.step_counts = {phase: 0 for phase in PHASES}
        self._tick = time.perf_counter()
        # Where a run stopped inside an epoch (PreemptionHook sets it on resume): the next
        # epoch starts there.
        self.resume_at: PassPosition | None = None

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
        self._tick = time.perf_counter()

    def run_epoch(self) -> None:
        """Both passes of one epoch, with the usual epoch hooks around them."""
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        resume, self.resume_at = self.resume_at, None
        if self.interleave:
            if resume is None or resume.pass_index == 0:
                self._start_pass(0)
                for idx, data_batch in pass_batches(self, 0, resume):
                    for phase in PHASES:
                        self.run_phase_iter(phase, idx, data_batch)
        else:
            for offset, phase in enumerate(PHASES):
                if resume is not None and offset < resume.pass_index:
                    continue
                self._start_pass(offset)
                for idx, data_batch in pass_batches(self, offset, resume):
                    self.run_phase_iter(phase, idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1

    def run_phase_iter(self, phase: str, idx: int, data_batch: dict) -> None:
        """One optimisation step of ``phase``."""
        self.phase, self.phase_iter = phase, idx
        self.runner.call_hook('before_train_iter', batch_idx=idx, data_batch=data_batch)
        self._detector().set_train_state(phase, self._epoch + 1)
        optim_wrapper = self.runner.optim_wrapper[phase]
        outputs = self.runner.model.train_step(data_batch, optim_wrapper=optim_wrapper)
        self._log_gradient_clipping(phase, optim_wrapper)
        now = time.perf_counter()
        self.step_seconds[phase] += now - self._tick
        self.step_counts[phase] += 1
        self._tick = now
        self.runner.call_hook('after_train_iter', batch_idx=idx, data_batch=data_batch,
                              outputs=outputs)
        self._iter += 1

    def _log_gradient_clipping(self, phase: str, optim_wrapper) -> None:
        """Copy the clipped gradient norm to a name of this phase (``det/grad_norm``).

        MMEngine's wrappers of both passes write one shared ``grad_norm``,
        which a line of the other pass would repeat.
        """
        if not getattr(optim_wrapper, 'clip_grad_kwargs', None):
            return
        hub = self.runner.message_hub
        shared = f'train/{optim_wrapper.grad_name}'
        if shared in hub.log_scalars:
            hub.update_scalar(f'train/{LOG_PREFIXES[phase]}{optim_wrapper.grad_name}',
                              hub.get_scalar(shared).current())

    def remaining_steps(self) -> dict[str, int]:
        """Steps of each phase still to run after the current one, to the end of training."""
        steps = len(self.dataloader)
        later_epochs = self._max_epochs - self._epoch - 1
        remaining = {phase: later_epochs * steps for phase in PHASES}
        if self.interleave:
            # The CVAE step of this batch is done; the detector step may be too.
            remaining['cvae'] += steps - self.phase_iter - 1
            remaining['detector'] += steps - self.phase_iter - (self.phase == 'detector')
        elif self.phase == 'cvae':
            remaining['cvae'] += steps - self.phase_iter - 1
            remaining['detector'] += steps
        else:
            remaining['detector'] += steps - self.phase_iter - 1
        return remaining

    def eta_seconds(self) -> float:
        """Seconds left: each phase's remaining steps at that phase's mean step time so far.

        A phase not timed yet (the detector pass during the first CVAE pass)
        is assumed as fast as the other one.
        """
        timed = {p: self.step_seconds[p] / self.step_counts[p]
                 for p in PHASES if self.step_counts[p]}
        if not timed:
            return 0.0
        fallback = max(timed.values())
        return sum(n * timed.get(p, fallback) for p, n in self.remaining_steps().items())
