"""Stop training cleanly on a signal or before a deadline: a resumable checkpoint, then a
status a wrapper requeues on."""
import datetime
import logging
import os
import signal
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
from mmaction.registry import HOOKS
from mmengine.dist import get_rank, get_world_size, is_distributed
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.runner import BaseLoop

from ..structures.two_pass import PASSES
from ..utils.errors import ConfigMismatchError
from ..utils.stop_signals import STOPPED_EXIT_STATUS, StopSignals
from .checkpoint_files import (
    find_resume_checkpoint,
    remove_stop_checkpoints,
    stop_checkpoint_name,
    write_last_checkpoint,
)
from .train_position import PassPosition, at_batch_boundary, position_after_step, rng_state

# Set by the launch scripts (tools/dist_launch.sh, tools/slurm_train.sh) to the Unix time they
# started: a time budget counts from it, so a torchrun restart does not get a fresh budget.
START_TIME_VARIABLE = 'GAF_START_TIME'


def launcher_restart_count() -> int:
    """How often torchrun restarted this process's group, or Slurm requeued its job (0: never)."""
    return max(int(os.environ.get(name) or 0)
               for name in ('TORCHELASTIC_RESTART_COUNT', 'SLURM_RESTART_COUNT'))


def restart_resume_checkpoint(work_dir: str) -> str | None:
    """The checkpoint a restarted or requeued run continues from (None: not a restart, or
    nothing intact to resume from)."""
    if not launcher_restart_count():
        return None
    path = find_resume_checkpoint(work_dir)
    if path is not None:
        print_log(f'Restart {launcher_restart_count()} of this run (torchrun restart or Slurm '
                  f'requeue): resuming from {path}', logger='current')
    return path


def _clock(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds).strftime('%Y-%m-%d %H:%M:%S')


@HOOKS.register_module()
class PreemptionHook(Hook):
    """End training cleanly when told to stop or when time runs out, ready to be resumed.

    On one of ``signals`` (Slurm's ``--signal=USR1@N`` warning, the SIGTERM
    of a preemption or of ``scancel``) or once the next step would end within
    ``margin`` seconds of the deadline, training stops at the next boundary
    where the model is consistent: after the current step (with
    ``train_cfg.interleave=True``, after the detector step of the current
    batch, never between the two steps of one batch), or after the current
    validation. Rank 0 then writes ``epoch_<E>_iter_<N>.pth`` (under a
    temporary name, renamed when complete) holding the model, both
    optimizers, the schedulers, the EMA weights, the loop's position within
    the epoch and pass, the sampler's position and seed and every rank's
    random states, points ``last_checkpoint`` at it and removes older
    mid-epoch checkpoints; every rank then exits with status 75
    (:data:`STOPPED_EXIT_STATUS`). ``--resume`` continues from that step:
    the sampler leaves out the windows already seen, so the run ends with
    the weights of one that was never stopped. A run restarted by torchrun
    or requeued by Slurm resumes by itself.

    The signal may reach one rank before the others: at every boundary the
    ranks agree through an all-reduce of two integers (on CPU, gloo: on
    NCCL a gloo group of its own, so the check never waits for the GPU).
    Loops other than :class:`TwoPassTrainLoop` stop only at the end of an
    epoch.

    Args:
        signals: Signals that stop training. Defaults to SIGTERM and SIGUSR1.
        time_budget: Seconds training may take, counted from when the launch
            script started (``$GAF_START_TIME``, so that torchrun's restarts
            share it), else from when this process started training. None:
            no budget. Defaults to None.
        slurm_time_limit: Under Slurm, also stop before the job's end time
            (``$SLURM_JOB_END_TIME``). Defaults to True.
        margin: Seconds kept free before a deadline for the stop itself
            (writing the checkpoint, and a validation that may come first),
            on top of the longest step so far. Defaults to 300.
    """

    priority = 'LOWEST'

    def __init__(self, signals: tuple[str, ...] = ('SIGTERM', 'SIGUSR1'),
                 time_budget: float | None = None, slurm_time_limit: bool = True,
                 margin: float = 300.0) -> None:
        if time_budget is not None and time_budget <= 0:
            raise ValueError(f'PreemptionHook time_budget must be positive, got {time_budget}')
        self.stop_signals = StopSignals(tuple(signals))
        self.time_budget = time_budget
        self.slurm_time_limit = slurm_time_limit
        self.margin = margin
        self.deadline: float | None = None
        self._longest_step = 0.0
        self._last_boundary = time.monotonic()
        self._group = None
        self._training = False
        self._mid_pass = True
        # Written into the checkpoint by before_save_checkpoint while this hook saves.
        self._position: PassPosition | None = None

    # Set-up ---------------------------------------------------------------------------------

    def before_run(self, runner) -> None:
        # Only training stops this way: a test or validation run keeps the usual signals.
        # (MMEngine builds the training loop, privately, only in Runner.train.)
        self._training = isinstance(getattr(runner, '_train_loop', None), BaseLoop)
        if not self._training:
            return
        self.stop_signals.install()
        if is_distributed() and dist.get_backend() != 'gloo':
            # Every rank creates the group here, together (a collective call).
            self._group = dist.new_group(backend='gloo')
        if not runner._resume:  # MMEngine keeps the --resume decision private
            path = restart_resume_checkpoint(runner.work_dir)
            if path is not None:
                runner._resume, runner._load_from = True, path

    def before_train(self, runner) -> None:
        self.deadline = self._deadline()
        message = (f'{type(self).__name__}: on {self.stop_signals.names} training stops at the '
                   f'next step boundary, writes a checkpoint and exits with status '
                   f'{STOPPED_EXIT_STATUS}')
        if self.deadline is not None:
            message += (f'; it stops the same way before {_clock(self.deadline)} (the deadline '
                        f'less a margin of {self.margin:g} s and the longest step)')
        print_log(message, logger='current')
        sampler = getattr(runner.train_loop.dataloader, 'sampler', None)
        self._mid_pass = hasattr(sampler, 'skip')
        if hasattr(runner.train_loop, 'resume_at') and not self._mid_pass:
            print_log(f'The training sampler ({type(sampler).__name__}) cannot skip what a pass '
                      'has drawn: a stop waits for the end of the pass (set '
                      "train_dataloader.sampler.type='ResumableSampler' to stop after any step)",
                      logger='current', level=logging.WARNING)
        self._last_boundary = time.monotonic()
        # A torchrun restart after a stop for the time budget finds no time left to train in.
        reason = self._agreed_reason() if self.deadline is not None else None
        if reason is not None:
            print_log(f'Stopping before training begins ({reason}): exiting with status '
                      f'{STOPPED_EXIT_STATUS}; nothing was trained since the last checkpoint',
                      logger='current', level=logging.WARNING)
            runner.call_hook('after_run')
            exit_stopped()

    def _deadline(self) -> float | None:
        deadlines = []
        if self.time_budget is not None:
            start = float(os.environ.get(START_TIME_VARIABLE) or time.time())
            deadlines.append(start + self.time_budget)
        if self.slurm_time_limit and os.environ.get('SLURM_JOB_END_TIME'):
            deadlines.append(float(os.environ['SLURM_JOB_END_TIME']))
        return min(deadlines) - self.margin if deadlines else None

    def after_run(self, runner) -> None:
        if self._training:
            self.stop_signals.restore()

    # Boundaries -----------------------------------------------------------------------------

    def before_train_epoch(self, runner) -> None:
        # The epoch's end (checkpoint, validation) does not count as a step.
        self._last_boundary = time.monotonic()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        now = time.monotonic()
        self._longest_step = max(self._longest_step, now - self._last_boundary)
        self._last_boundary = now
        loop = runner.train_loop
        if not hasattr(loop, 'resume_at') or not at_batch_boundary(loop):
            return
        position = position_after_step(loop, get_world_size())
        if position.batches and not self._mid_pass:
            return
        reason = self._agreed_reason()
        if reason is not None:
            self._stop(runner, reason, runner.iter + 1, position)

    def after_train_epoch(self, runner) -> None:
        if hasattr(runner.train_loop, 'resume_at'):
            self._forget_superseded(runner)
            return
        if runner.epoch + 1 < runner.max_epochs:
            reason = self._agreed_reason()
            if reason is not None:
                self._stop(runner, reason, runner.iter, PassPosition(0, 0, 0, get_world_size()),
                           epochs_done=runner.epoch + 1)

    def after_val_epoch(self, runner, metrics=None) -> None:
        if (not self._training or not hasattr(runner.train_loop, 'resume_at')
                or runner.epoch >= runner.max_epochs):
            return
        reason = self._agreed_reason()
        if reason is not None:
            self._stop(runner, reason, runner.iter, PassPosition(0, 0, 0, get_world_size()))

    def _all_max(self, *values: int) -> list[int]:
        """The maximum of each value over the ranks (an all-reduce on the CPU)."""
        flags = torch.tensor(values, dtype=torch.int64)
        if is_distributed():
            dist.all_reduce(flags, op=dist.ReduceOp.MAX, group=self._group)
        return flags.tolist()

    def _agreed_reason(self) -> str | None:
        """Why every rank stops here ('SIGUSR1', 'the time budget'), or None to go on.

        One all-reduce (maximum) of [signal number, deadline reached] over the
        ranks, so that all of them stop at this same boundary.
        """
        received = self.stop_signals.received
        late = self.deadline is not None and (
            time.time() + self._longest_step >= self.deadline)
        signum, late = self._all_max(int(received or 0), int(late))
        if signum:
            return signal.Signals(signum).name
        return 'the time budget' if late else None

    # Stopping -------------------------------------------------------------------------------

    def _stop(self, runner, reason: str, iterations: int, position: PassPosition,
              epochs_done: int | None = None) -> None:
        """Checkpoint on rank 0, wait for it on every rank, then exit for a requeue."""
        epochs_done = runner.epoch if epochs_done is None else epochs_done
        print_log(f'Stopping training ({reason}) after iteration {iterations}: at '
                  f'{self._where(runner, epochs_done + 1, position)}', logger='current',
                  level=logging.WARNING)
        states = [None] * get_world_size() if get_rank() == 0 else None
        if is_distributed():
            dist.gather_object(rng_state(), states, dst=0, group=self._group)
        else:
            states = [rng_state()]
        error = None
        if get_rank() == 0:
            position.rng = states
            try:
                self._save(runner, epochs_done, iterations, position)
            except (OSError, RuntimeError, TypeError) as err:  # the others must hear of it
                error = err
        # Also the barrier: no rank leaves before the checkpoint is complete.
        (failed, ) = self._all_max(int(error is not None))
        if error is not None:
            raise error
        if failed:
            raise RuntimeError('Rank 0 could not write the checkpoint to stop with (its log says '
                               'why); training stops without it')
        print_log(f'Exiting with status {STOPPED_EXIT_STATUS} so that the job is requeued; '
                  'training resumes from this step with --resume (by itself after a Slurm '
                  'requeue or a torchrun restart)', logger='current', level=logging.WARNING)
        runner.call_hook('after_run')
        exit_stopped()

    @staticmethod
    def _where(runner, epoch: int, position: PassPosition) -> str:
        """'epoch 4, detector pass, batch 512/980', 'the start of epoch 5', ..."""
        loop = runner.train_loop
        if not hasattr(loop, 'resume_at') or position.pass_index == position.batches == 0:
            return f'the start of epoch {epoch}'
        passes = ('interleaved', ) if loop.interleave else PASSES
        if position.pass_index == len(passes):
            return f'the end of epoch {epoch}'
        name = passes[position.pass_index]
        if position.batches == 0:
            return f'epoch {epoch}, the start of the {name} pass'
        return f'epoch {epoch}, {name} pass, batch {position.batches}/{len(loop.dataloader)}'

    def _save(self, runner, epochs_done: int, iterations: int, position: PassPosition) -> None:
        name = stop_checkpoint_name(epochs_done + 1, iterations)
        self._position = position
        try:
            runner.save_checkpoint(runner.work_dir, name,
                                   meta=dict(epoch=epochs_done, iter=iterations),
                                   backend_args=dict(backend='atomic_local'))
        finally:
            self._position = None
        path = Path(runner.work_dir) / name
        write_last_checkpoint(runner.work_dir, path)
        remove_stop_checkpoints(runner.work_dir, keep=path)
        print_log(f'Saved {path} (resumable from this step)', logger='current',
                  level=logging.WARNING)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self._position is not None:
            checkpoint['train_position'] = self._position.as_dict()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        saved = checkpoint.get('train_position')
        if not runner._resume or saved is None or not hasattr(runner.train_loop, 'resume_at'):
            return
        position = PassPosition(**saved)
        if position.batches and position.world_size != get_world_size():
            raise ConfigMismatchError(
                f'{runner._load_from} stopped in the middle of a pass on {position.world_size} '
                f'processes; resume it on {position.world_size} processes (this run has '
                f'{get_world_size()}), or resume from an epoch_N.pth checkpoint')
        sampler = runner.train_loop.dataloader.sampler
        if position.batches and not hasattr(sampler, 'skip'):
            raise ConfigMismatchError(
                f'{runner._load_from} stopped in the middle of a pass; resuming it needs a sampler '
                f"that can skip what was seen: set train_dataloader.sampler.type='ResumableSampler'"
                f' (this run has {type(sampler).__name__})')
        if position.sampler_seed is not None:
            sampler.seed = position.sampler_seed
        runner.train_loop.resume_at = position

    def _forget_superseded(self, runner) -> None:
        """Remove mid-epoch checkpoints once this epoch's own checkpoint is written."""
        last = runner.message_hub.get_info('last_ckpt') or ''
        if get_rank() == 0 and Path(last).name == f'epoch_{runner.epoch + 1}.pth':
            remove_stop_checkpoints(runner.work_dir)


def exit_stopped() -> None:
    """Leave the process with :data:`STOPPED_EXIT_STATUS` once the logs are out, without the
    interpreter's teardown (where multi-process CPU runs were seen to abort)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(STOPPED_EXIT_STATUS)
