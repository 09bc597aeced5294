"""A hook that signals its own training process at planned points (tests only)."""
import json
import os
import signal

from mmaction.registry import HOOKS
from mmengine.hooks import Hook

# The plan, as JSON: a list of events, each {"when": ..., "signal": "SIGUSR1", "ranks": [0, 1]}
# with "when" one of
#   "step" (and "iteration": N): while global iteration N (1-based) runs;
#   "checkpoint" (and "epoch": E): while CheckpointHook writes epoch_E.pth;
#   "validation" (and "epoch": E): while the validation after epoch E runs;
#   "stop_save": while PreemptionHook writes its checkpoint (a second signal);
# "attempt": N (default 0) limits an event to torchrun's N-th restart of the workers.
PLAN_VARIABLE = 'GAF_TEST_SIGNAL_PLAN'


@HOOKS.register_module()
class SignalPlanHook(Hook):
    """Send this process the signals that ``$GAF_TEST_SIGNAL_PLAN`` plans for its rank."""

    def __init__(self) -> None:
        self.plan = json.loads(os.environ.get(PLAN_VARIABLE) or '[]')
        self.attempt = int(os.environ.get('TORCHELASTIC_RESTART_COUNT') or 0)
        self.stage = None

    def _fire(self, runner, when: str, **where) -> None:
        for event in self.plan:
            if (event['when'] == when and runner.rank in event.get('ranks', [runner.rank])
                    and event.get('attempt', 0) == self.attempt
                    and all(event.get(k) == v for k, v in where.items())):
                os.kill(os.getpid(), getattr(signal, event['signal']))

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self.stage = 'step'
        self._fire(runner, 'step', iteration=runner.iter + 1)

    def after_train_epoch(self, runner) -> None:
        self.stage = 'epoch_end'

    def after_val_epoch(self, runner, metrics=None) -> None:
        self.stage = 'val_end'

    def before_save_checkpoint(self, runner, checkpoint) -> None:
        if self.stage == 'epoch_end':
            self._fire(runner, 'checkpoint', epoch=runner.epoch + 1)
        elif self.stage == 'step':
            self._fire(runner, 'stop_save')

    def after_val_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if batch_idx == 0:
            self._fire(runner, 'validation', epoch=runner.epoch)
