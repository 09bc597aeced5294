"""An optimizer wrapper that leaves out steps with non-finite gradients."""
import logging

import torch
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper

from ..utils import HostCopy


@OPTIM_WRAPPERS.register_module()
class SkipNonFiniteOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose ``step`` does nothing when a gradient holds NaN or inf.

    A NaN or infinite loss gives such gradients, so with
    ``NonFiniteLossHook(policy='skip')`` (which names the loss terms and
    windows) the step is dropped and training goes on. Under DDP the
    gradients are already averaged over the ranks when they are checked, so
    every rank drops the same steps without further communication.
    ``AmpOptimWrapper`` (``--amp``) drops such steps by itself, through its
    gradient scaler.

    The decision costs no wait for the device where the optimizer takes
    torch's ``found_inf`` flag (fused Adam, AdamW and SGD, the schedules'
    choice): the flag is computed on the device and the update skips itself
    there; the step is logged once the flag reaches the host, at the next
    step or when :attr:`skipped_steps` or :meth:`report_skipped` is read.
    Other optimizers read the gradient norm on the host at every step.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._skipped_steps = 0
        self._pending: HostCopy | None = None

    @property
    def skipped_steps(self) -> int:
        """Steps dropped so far (waits for the last step's flag)."""
        self.report_skipped()
        return self._skipped_steps

    def report_skipped(self) -> None:
        """Count and log the last step if it was dropped (once its flag is on the host)."""
        if self._pending is not None:
            skipped, self._pending = bool(self._pending.get()), None
            if skipped:
                self._count_skipped()

    def _count_skipped(self) -> None:
        self._skipped_steps += 1
        print_log(f'Skipped an optimizer step with non-finite gradients '
                  f'({self._skipped_steps} so far)', logger='current', level=logging.WARNING)

    def step(self, **kwargs) -> None:
        """``optimizer.step`` unless a gradient is non-finite."""
        grads = [p.grad for group in self.optimizer.param_groups for p in group['params']
                 if p.grad is not None]
        if not grads:
            super().step(**kwargs)
            return
        found_inf = (~torch.isfinite(torch.nn.utils.get_total_norm(grads))).float()
        if not getattr(self.optimizer, '_step_supports_amp_scaling', False):
            if bool(found_inf):
                self._count_skipped()
                return
            super().step(**kwargs)
            return
        self.report_skipped()
        self.optimizer.found_inf, self.optimizer.grad_scale = found_inf, None
        try:
            super().step(**kwargs)
        finally:
            del self.optimizer.found_inf, self.optimizer.grad_scale
        self._pending = HostCopy(found_inf)
