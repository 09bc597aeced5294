"""What a NaN or infinite training loss does: stop, warn, or nothing."""
import logging
import math

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log
from torch import Tensor

NON_FINITE_POLICIES = ('stop', 'skip', 'ignore')


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Check every training step's losses for NaN and inf, after its update is queued.

    Reading a loss on the host waits for the device. MMEngine's logging reads
    every logged value of a step, each with its own wait; this hook runs first
    and reads them all at once, checks them, and hands the logger plain
    numbers: one wait per step, after the step's update is queued, whatever
    the number of loss terms. A NaN loss gives NaN gradients, whose update
    ``SkipNonFiniteOptimWrapper`` has already dropped, so a run stopped here
    has applied no NaN step.

    Args:
        policy: 'stop' raises ``FloatingPointError`` naming the terms, the
            pass, the epoch and the batch's windows (video@offset); 'skip'
            logs that as a warning and training goes on (the optimizer
            wrapper drops the step if its gradients are non-finite);
            'ignore' does not check. Defaults to 'stop'.
    """

    priority = 'HIGHEST'

    def __init__(self, policy: str = 'stop') -> None:
        if policy not in NON_FINITE_POLICIES:
            raise ValueError(f'NonFiniteLossHook policy must be one of {NON_FINITE_POLICIES}, '
                             f'got {policy!r}')
        self.policy = policy

    def after_train_iter(self, runner, batch_idx: int, data_batch: dict | None = None,
                         outputs: dict | None = None) -> None:
        if not outputs:
            return
        names = [k for k, v in outputs.items() if isinstance(v, Tensor)]
        if names:
            values = torch.stack([outputs[k].detach().float().reshape(()) for k in names])
            outputs.update(zip(names, values.tolist()))
        if self.policy != 'ignore':
            self._check(runner, data_batch, outputs)
        # The wrappers' skip flags of this step are on the host by now: logged without a wait.
        for wrapper in _optim_wrappers(runner):
            if hasattr(wrapper, 'report_skipped'):
                wrapper.report_skipped()

    def _check(self, runner, data_batch: dict | None, outputs: dict) -> None:
        bad = [k.split('/', 1)[-1] for k, v in outputs.items()
               if 'loss' in k and isinstance(v, float) and not math.isfinite(v)]
        # Name the terms; the total only when it alone is non-finite (an overflowing sum).
        bad = [k for k in bad if k != 'loss'] or bad
        if bad:
            samples = (data_batch or {}).get('data_samples') or []
            windows = [f"{s.metainfo.get('video_name', '?')}@{s.metainfo.get('offset', '?')}"
                       for s in samples]
            pass_name = getattr(runner.train_loop, 'current_pass', 'training')
            report_non_finite(bad, windows, self.policy, pass_name, runner.epoch + 1)


def _optim_wrappers(runner) -> list:
    wrapper = getattr(runner, 'optim_wrapper', None)
    if wrapper is None:
        return []
    return list(wrapper.values()) if hasattr(wrapper, 'values') else [wrapper]


def report_non_finite(bad: list[str], windows: list[str], policy: str, pass_name: str,
                      epoch: int) -> None:
    """Raise ('stop') or warn ('skip') about the non-finite terms ``bad`` of a step."""
    message = (f'Non-finite loss {bad} in the {pass_name} pass of epoch {epoch}; batch windows '
               f'(video@offset): {windows}')
    if policy == 'stop':
        raise FloatingPointError(
            f"{message}. Set default_hooks.non_finite_loss.policy='skip' to drop such steps "
            'instead.')
    # Whether the step is dropped is decided after the gradients are (under DDP, all-reduced
    # and) checked by the optimizer wrapper, which logs each step it drops.
    print_log(f"{message}. policy='skip': the optimizer wrapper drops the step if its "
              'gradients are non-finite', logger='current', level=logging.WARNING)
