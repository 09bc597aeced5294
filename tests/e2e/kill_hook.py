"""Hooks that kill or fail their own training process (tests only)."""
import atexit
import os
import signal

from mmaction.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class KillAtIterHook(Hook):
    """SIGKILL the process after global training iteration ``iteration`` (1-based)."""

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class FailOnRankHook(Hook):
    """Fail rank ``rank`` once training is done: ``how='raise'`` raises in ``after_run``;
    ``how='exit'`` makes its interpreter exit with status 1 while it shuts down (after the
    tool's last collective), as a crash in the teardown would."""

    def __init__(self, rank: int, how: str) -> None:
        self.rank, self.how = rank, how

    def after_run(self, runner) -> None:
        if runner.rank != self.rank:
            return
        if self.how == 'raise':
            raise RuntimeError(f'rank {self.rank} fails after training (test)')
        atexit.register(os._exit, 1)
