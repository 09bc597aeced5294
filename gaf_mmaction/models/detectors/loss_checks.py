"""What a NaN or infinite loss does: raise, warn, or nothing (``non_finite_loss``)."""
import logging
import math
from collections.abc import Sequence

import torch
from mmengine.logging import print_log
from torch import Tensor

NON_FINITE_POLICIES = ('stop', 'skip', 'ignore')


class DeferredLossCheck:
    """The NaN/inf check of a training step's losses, read after the step.

    Reading the losses' values on the host waits for the device. Checked
    where the losses are made, that wait would fall between the forward
    and the backward pass; instead :meth:`record` stacks the terms' sums on
    the device (no wait) and :meth:`flush` reads them once the step's
    optimizer update is queued (``train_step`` and ``TwoPassTrainLoop``
    flush; by then ``SkipNonFiniteOptimWrapper`` has already waited for the
    gradients, so the read costs nothing). A NaN loss gives NaN gradients,
    which that wrapper drops, so a stopped run has applied no NaN step. A
    check still pending when the next one is recorded is flushed first:
    none is lost.
    """

    def __init__(self) -> None:
        self._pending: tuple | None = None

    def record(self, losses: dict[str, Tensor], data_samples: Sequence | None, policy: str,
               phase: str, epoch: int) -> None:
        """Queue the check of one step's loss terms, naming each NaN/inf term and the windows.

        Args:
            losses: The step's loss terms.
            data_samples: The batch's samples (their ``video_name`` and ``offset`` are named).
            policy: 'stop' raises ``FloatingPointError``; 'skip' logs a warning (the optimizer
                wrapper then drops the step if its gradients are non-finite); 'ignore' does
                not check.
            phase: The training pass ('cvae' or 'detector'), for the message.
            epoch: The 1-based epoch, for the message.
        """
        self.flush()
        if policy == 'ignore':
            return
        values = torch.stack([v.detach().float().sum() for v in losses.values()])
        windows = [f"{s.metainfo.get('video_name', '?')}@{s.metainfo.get('offset', '?')}"
                   for s in data_samples or []]
        self._pending = (list(losses), values, windows, policy, phase, epoch)

    def flush(self) -> None:
        """Run the queued check, if any (one host synchronisation)."""
        if self._pending is None:
            return
        names, values, windows, policy, phase, epoch = self._pending
        self._pending = None
        if bool(torch.isfinite(values).all()):
            return
        bad = [k for k, v in zip(names, values.tolist()) if not math.isfinite(v)]
        report_non_finite(bad, windows, policy, phase, epoch)


def report_non_finite(bad: list[str], windows: list[str], policy: str, phase: str,
                      epoch: int) -> None:
    """Raise ('stop') or warn ('skip') about the non-finite terms ``bad`` of a step."""
    message = (f'Non-finite loss {bad} in the {phase} pass of epoch {epoch}; batch windows '
               f'(video@offset): {windows}')
    if policy == 'stop':
        raise FloatingPointError(
            f"{message}. Set model.non_finite_loss='skip' to drop such steps instead.")
    # Whether the step is dropped is decided after the gradients are (under DDP, all-reduced
    # and) checked by the optimizer wrapper, which logs each step it drops.
    print_log(f"{message}. non_finite_loss='skip': the optimizer wrapper drops the step if its "
              'gradients are non-finite', logger='current', level=logging.WARNING)
