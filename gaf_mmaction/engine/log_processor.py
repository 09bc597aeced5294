"""Log lines of the two-pass epoch: the pass, its position, its own losses, a two-speed ETA."""
import re
import time

from mmaction.registry import LOG_PROCESSORS
from mmengine.runner import LogProcessor

from ..structures.two_pass import (
    CVAE_PASS,
    DETECTOR_PASS,
    LOG_PREFIXES,
    OPTIM_WRAPPER_KEYS,
    PASSES,
)

# Written by the optimizer wrappers of both passes under one name; each pass's value is copied
# to a name of its own (det/grad_norm) after its steps.
SHARED_KEYS = ('grad_norm', 'grad_value')


def _other_pass_key(key: str, pass_name: str) -> bool:
    """Whether scalar ``key`` (without its mode prefix) is not the pass ``pass_name``'s own.

    A pass's own keys are its losses and gradient norm (``det/...``) and its
    learning rate (``OptimWrapperDict.get_lr`` names it ``detector.lr``).
    """
    if key in SHARED_KEYS:
        return True
    return any(other != pass_name and (key.startswith(prefix)
                                       or key == f'{OPTIM_WRAPPER_KEYS[other]}.lr')
               for other, prefix in LOG_PREFIXES.items())


@LOG_PROCESSORS.register_module()
class TwoPassLogProcessor(LogProcessor):
    """MMEngine's ``LogProcessor`` for :class:`TwoPassTrainLoop`.

    A training line reads ``Epoch(train) [3][detector  40/980]`` (pass and
    step within that pass) and carries, like ``scalars.json``, only the
    losses, gradient norm and learning rate of the pass it logs: MMEngine's message hub
    keeps the other pass's last values, which would otherwise repeat on
    every line as a flat curve. Other loops are logged as MMEngine does.

    It keeps the books the loop reports to it (:meth:`pass_started`,
    :meth:`step_done`): each pass's step times, for an ETA that counts each
    pass's remaining steps at its own speed (:meth:`eta_seconds`; a CVAE
    step is several times cheaper than a detector step), and each pass's
    clipped gradient norm under a name of its own.

    Args:
        *args, **kwargs: Those of MMEngine's ``LogProcessor``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Seconds and steps per pass; each step is timed from the end of the previous one, so
        # data loading counts towards the step that waited for it.
        self.step_seconds = {pass_name: 0.0 for pass_name in PASSES}
        self.step_counts = {pass_name: 0 for pass_name in PASSES}
        self._tick = time.perf_counter()

    def pass_started(self, runner) -> None:
        """A loader pass begins: its first step is timed from now."""
        self._tick = time.perf_counter()

    def step_done(self, runner, pass_name: str, optim_wrapper) -> None:
        """Time the step of ``pass_name`` that just ended, and copy its clipped gradient norm
        to a name of the pass (``det/grad_norm``): the wrappers of both passes write one
        shared ``grad_norm``, which a line of the other pass would repeat."""
        now = time.perf_counter()
        self.step_seconds[pass_name] += now - self._tick
        self.step_counts[pass_name] += 1
        self._tick = now
        if not getattr(optim_wrapper, 'clip_grad_kwargs', None):
            return
        hub = runner.message_hub
        shared = f'train/{optim_wrapper.grad_name}'
        if shared in hub.log_scalars:
            hub.update_scalar(f'train/{LOG_PREFIXES[pass_name]}{optim_wrapper.grad_name}',
                              hub.get_scalar(shared).current())

    @staticmethod
    def remaining_steps(loop) -> dict[str, int]:
        """Steps of each pass still to run after the current one, to the end of training."""
        steps = len(loop.dataloader)
        later_epochs = loop._max_epochs - loop._epoch - 1
        remaining = {pass_name: later_epochs * steps for pass_name in PASSES}
        if loop.interleave:
            # The CVAE step of this batch is done; the detector step may be too.
            remaining[CVAE_PASS] += steps - loop.pass_iter - 1
            remaining[DETECTOR_PASS] += steps - loop.pass_iter - (
                loop.current_pass == DETECTOR_PASS)
        else:
            position = PASSES.index(loop.current_pass)
            remaining[loop.current_pass] += steps - loop.pass_iter - 1
            for later in PASSES[position + 1:]:
                remaining[later] += steps
        return remaining

    def eta_seconds(self, loop) -> float:
        """Seconds left: each pass's remaining steps at that pass's mean step time so far.

        A pass not timed yet (the detector pass during the first CVAE pass)
        is assumed as fast as the other one.
        """
        timed = {p: self.step_seconds[p] / self.step_counts[p]
                 for p in PASSES if self.step_counts[p]}
        if not timed:
            return 0.0
        fallback = max(timed.values())
        return sum(n * timed.get(p, fallback) for p, n in self.remaining_steps(loop).items())

    def get_log_after_iter(self, runner, batch_idx: int, mode: str) -> tuple[dict, str]:
        """MMEngine's tag and line, restricted to the current pass in training."""
        loop = runner.train_loop if mode == 'train' else None
        pass_name = getattr(loop, 'current_pass', None)
        if pass_name is None:
            return super().get_log_after_iter(runner, batch_idx, mode)
        runner.message_hub.update_info('eta', self.eta_seconds(loop))
        tag, log_str = super().get_log_after_iter(runner, batch_idx, mode)
        steps = len(loop.dataloader)
        log_str = re.sub(r'\]\[ *\d+/\d+\]',
                         f'][{pass_name} {str(batch_idx + 1).rjust(len(str(steps)))}/{steps}]',
                         log_str, count=1)
        return tag, log_str

    def _collect_scalars(self, custom_cfg: list, runner, mode: str,
                         reserve_prefix: bool = False) -> dict:
        """MMEngine's scalars less those of the pass not running now (in training)."""
        scalars = super()._collect_scalars(custom_cfg, runner, mode, reserve_prefix)
        pass_name = getattr(runner.train_loop, 'current_pass', None) if mode == 'train' else None
        if pass_name is None:
            return scalars
        prefix = f'{mode}/' if reserve_prefix else ''
        return {k: v for k, v in scalars.items()
                if not _other_pass_key(k.removeprefix(prefix), pass_name)}
