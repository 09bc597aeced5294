"""Log lines of the two-pass epoch: the pass, its position, its own losses, a two-speed ETA."""
import re

from mmaction.registry import LOG_PROCESSORS
from mmengine.runner import LogProcessor

from .two_pass_loop import LOG_PREFIXES

# Written by the optimizer wrappers of both passes under one name; the loop copies each pass's
# value to a name of its own (det/grad_norm).
SHARED_KEYS = ('grad_norm', 'grad_value')


def _other_phase_key(key: str, phase: str) -> bool:
    """Whether scalar ``key`` (without its mode prefix) is not the ``phase`` pass's own.

    A pass's own keys are its losses and gradient norm (``det/...``) and its
    learning rate (``OptimWrapperDict.get_lr`` names it ``detector.lr``).
    """
    if key in SHARED_KEYS:
        return True
    return any(other != phase and (key.startswith(prefix) or key == f'{other}.lr')
               for other, prefix in LOG_PREFIXES.items())


@LOG_PROCESSORS.register_module()
class TwoPassLogProcessor(LogProcessor):
    """MMEngine's ``LogProcessor`` for :class:`TwoPassTrainLoop`.

    A training line reads ``Epoch(train) [3][detector  40/980]`` (pass and
    step within that pass) and carries, like ``scalars.json``, only the
    losses, gradient norm and learning rate of the pass it logs: MMEngine's message hub
    keeps the other pass's last values, which would otherwise repeat on
    every line as a flat curve. The ETA is :meth:`TwoPassTrainLoop.eta_seconds`
    (each pass's remaining steps at its own speed). Other loops are logged
    as MMEngine does.
    """

    def get_log_after_iter(self, runner, batch_idx: int, mode: str) -> tuple[dict, str]:
        """MMEngine's tag and line, restricted to the current pass in training."""
        loop = runner.train_loop if mode == 'train' else None
        phase = getattr(loop, 'phase', None)
        if phase is None:
            return super().get_log_after_iter(runner, batch_idx, mode)
        runner.message_hub.update_info('eta', loop.eta_seconds())
        tag, log_str = super().get_log_after_iter(runner, batch_idx, mode)
        steps = len(loop.dataloader)
        log_str = re.sub(r'\]\[ *\d+/\d+\]',
                         f'][{phase} {str(batch_idx + 1).rjust(len(str(steps)))}/{steps}]',
                         log_str, count=1)
        return tag, log_str

    def _collect_scalars(self, custom_cfg: list, runner, mode: str,
                         reserve_prefix: bool = False) -> dict:
        """MMEngine's scalars less those of the pass not running now (in training)."""
        scalars = super()._collect_scalars(custom_cfg, runner, mode, reserve_prefix)
        phase = getattr(runner.train_loop, 'phase', None) if mode == 'train' else None
        if phase is None:
            return scalars
        prefix = f'{mode}/' if reserve_prefix else ''
        return {k: v for k, v in scalars.items()
                if not _other_phase_key(k.removeprefix(prefix), phase)}
