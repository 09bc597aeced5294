"""The parts of a clean stop: where a step leaves the epoch, random states that survive a
checkpoint, a resumed pass that draws what an uninterrupted one draws, the deadline, the signals,
resuming by itself after a restart, and which checkpoint is the newest."""
import random
import signal
import subprocess
import sys
import time
from argparse import ArgumentTypeError
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import set_random_seed
from torch.utils.data import DataLoader

from gaf_mmaction.checkpoint.safe_loading import load_checkpoint_file
from gaf_mmaction.datasets.samplers import ResumableSampler
from gaf_mmaction.engine import preemption_hook
from gaf_mmaction.engine.checkpoint_files import find_resume_checkpoint
from gaf_mmaction.engine.preemption_hook import PreemptionHook
from gaf_mmaction.engine.train_position import (
    PassPosition,
    at_batch_boundary,
    pass_batches,
    position_after_step,
    rng_state,
    set_rng_state,
)
from gaf_mmaction.tooling.run_options import apply_time_budget, set_resume
from gaf_mmaction.utils.cli import duration
from gaf_mmaction.utils.errors import ConfigMismatchError
from gaf_mmaction.utils.stop_signals import StopSignals
from tests.helpers import TINY_CONFIG, checkpoint_bytes, run_tool


class Loader(list):
    batch_size = 4
    sampler = SimpleNamespace(seed=11)


def loop_after(pass_name: str, pass_iter: int, interleave: bool = False) -> SimpleNamespace:
    """A two-pass loop of 5 batches of 4 that has just run step ``pass_iter`` of ``pass_name``."""
    return SimpleNamespace(current_pass=pass_name, pass_iter=pass_iter, interleave=interleave,
                           dataloader=Loader(range(5)), resume_at=None)


def test_where_a_step_leaves_the_epoch():
    # Two passes, one after the other: every step ends at a boundary; 2 ranks of batch 4.
    assert at_batch_boundary(loop_after('cvae', 1))
    assert position_after_step(loop_after('cvae', 1), 2) == PassPosition(0, 2, 16, 2, 11)
    assert position_after_step(loop_after('detector', 2), 2) == PassPosition(
        1, 3, 24, 2, 11)
    # The last batch of a pass is the start of the next pass, or the end of the epoch's passes.
    assert position_after_step(loop_after('cvae', 4), 2) == PassPosition(1, 0, 0, 2, 11)
    assert position_after_step(loop_after('detector', 4), 1) == PassPosition(
        2, 0, 0, 1, 11)
    # Interleaved: a batch's CVAE step is never a boundary; its detector step is, in pass 0.
    assert not at_batch_boundary(loop_after('cvae', 1, interleave=True))
    assert at_batch_boundary(loop_after('detector', 1, interleave=True))
    assert position_after_step(loop_after('detector', 1, interleave=True),
                               1) == PassPosition(0, 2, 8, 1, 11)
    assert position_after_step(loop_after('detector', 4, interleave=True),
                               1) == PassPosition(1, 0, 0, 1, 11)


def draws() -> tuple:
    return random.random(), float(np.random.rand()), torch.rand(2).tolist()


def test_random_states_survive_a_weights_only_checkpoint(tmp_path):
    set_random_seed(5)
    state = rng_state()
    expected = draws()
    path = tmp_path / 'stopped.pth'
    path.write_bytes(checkpoint_bytes({'train_position': PassPosition(0, 1, 2, 1, 0,
                                                                      [state]).as_dict()}))
    saved = load_checkpoint_file(path)['train_position']  # the loader every resume uses
    set_random_seed(99)
    set_rng_state(saved['rng'][0])
    assert draws() == expected


class Augmented(torch.utils.data.Dataset):
    """Item i and the random numbers its "augmentation" draws, as the transforms draw them."""

    def __len__(self) -> int:
        return 10

    def __getitem__(self, index: int) -> tuple:
        return index, int(np.random.randint(1000)), random.random()


def test_a_resumed_pass_draws_what_an_uninterrupted_one_draws():
    def start_pass() -> SimpleNamespace:
        set_random_seed(3)  # what TwoPassTrainLoop does at the start of every pass
        sampler = ResumableSampler(Augmented(), seed=0)
        loader = DataLoader(Augmented(), batch_size=2, sampler=sampler, collate_fn=list)
        return SimpleNamespace(dataloader=loader)

    # Each step draws noise from torch after its batch is loaded, as the CVAE step does.
    steps, states = [], []
    for index, batch in pass_batches(start_pass(), 0, None):
        steps.append((index, batch, torch.rand(1).item()))
        states.append(rng_state())  # at the boundary after this step
    for stop in (1, 3):
        position = PassPosition(0, stop, stop * 2, 1, 0, [states[stop - 1]])
        resumed = [(index, batch, torch.rand(1).item())
                   for index, batch in pass_batches(start_pass(), 0, position)]
        assert resumed == steps[stop:]


def test_the_deadline_is_the_earlier_of_the_budget_and_the_slurm_job_end(monkeypatch):
    monkeypatch.setenv('GAF_START_TIME', '1000')
    monkeypatch.delenv('SLURM_JOB_END_TIME', raising=False)
    hook = PreemptionHook(time_budget=100, margin=10)
    assert hook._deadline() == 1000 + 100 - 10
    monkeypatch.setenv('SLURM_JOB_END_TIME', '1050')
    assert hook._deadline() == 1050 - 10
    assert PreemptionHook(time_budget=100, margin=10, slurm_time_limit=False)._deadline() == 1090
    assert PreemptionHook()._deadline() == 1050 - 300
    monkeypatch.delenv('SLURM_JOB_END_TIME')
    assert PreemptionHook()._deadline() is None

    # It stops when the longest step so far would end past the deadline.
    hook.deadline, hook._longest_step = hook._deadline(), 5.0
    monkeypatch.setattr(preemption_hook.time, 'time', lambda: 1084.0)
    assert hook._agreed_reason() is None
    monkeypatch.setattr(preemption_hook.time, 'time', lambda: 1085.0)
    assert hook._agreed_reason() == 'the time budget'
    with pytest.raises(ValueError, match='time_budget must be positive'):
        PreemptionHook(time_budget=0)


STOP_SIGNALS_CHECK = """
import os, signal, time
from gaf_mmaction.utils.stop_signals import StopSignals
before = signal.getsignal(signal.SIGUSR1)
with StopSignals(('SIGUSR1', 'TERM')) as stop:
    assert stop.names == 'SIGUSR1/SIGTERM' and stop.received is None
    os.kill(os.getpid(), signal.SIGUSR1)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.01)
    assert stop.received == signal.SIGUSR1
assert signal.getsignal(signal.SIGUSR1) == before
print('noted', stop.received.name)
"""


def test_stop_signals_note_the_first_signal_and_are_put_back():
    # In a fresh interpreter: after the ONNX deployment tests had run OpenVINO and ONNX
    # Runtime in pytest's process, a signal sent to it died of SIGSEGV at its delivery.
    proc = subprocess.run([sys.executable, '-c', STOP_SIGNALS_CHECK], check=False,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == 'noted SIGUSR1'
    with pytest.raises(ValueError, match="Unknown signal 'SIGNOPE'"):
        StopSignals(('SIGNOPE',))


@pytest.mark.parametrize('variable', ['TORCHELASTIC_RESTART_COUNT', 'SLURM_RESTART_COUNT'])
def test_a_restarted_run_resumes_by_itself(tmp_path, monkeypatch, variable):
    (tmp_path / 'epoch_1.pth').write_bytes(checkpoint_bytes({'meta': {'epoch': 1}}))
    for name in ('TORCHELASTIC_RESTART_COUNT', 'SLURM_RESTART_COUNT'):
        monkeypatch.delenv(name, raising=False)
    cfg = Config(dict(work_dir=str(tmp_path), resume=False, load_from=None))
    set_resume(cfg, None)
    assert (cfg.resume, cfg.load_from) == (False, None)  # a first start
    monkeypatch.setenv(variable, '1')
    set_resume(cfg, None)
    assert (cfg.resume, cfg.load_from) == (True, str(tmp_path / 'epoch_1.pth'))


def test_a_mid_epoch_checkpoint_sits_between_its_epochs(tmp_path):
    for name in ('epoch_1.pth', 'epoch_2_iter_9.pth', 'epoch_2.pth', 'epoch_10_iter_3.pth'):
        (tmp_path / name).write_bytes(checkpoint_bytes({'meta': {}}))
    # No last_checkpoint: the newest by (complete epochs, iterations).
    assert find_resume_checkpoint(tmp_path) == str(tmp_path / 'epoch_10_iter_3.pth')
    (tmp_path / 'epoch_10_iter_3.pth').unlink()
    assert find_resume_checkpoint(tmp_path) == str(tmp_path / 'epoch_2.pth')
    (tmp_path / 'epoch_2.pth').unlink()
    assert find_resume_checkpoint(tmp_path) == str(tmp_path / 'epoch_2_iter_9.pth')


def test_time_budgets_are_read_like_slurm_time_limits():
    assert [duration(t) for t in ('90', '1:30', '23:50:00', '1-00:00:10')] == [
        90, 90, 85800, 86410]
    for bad in ('x', '1:2:3:4', '-5', ''):
        with pytest.raises(ArgumentTypeError, match='is not a duration'):
            duration(bad)
    cfg = Config(dict(default_hooks=dict(preemption=dict(type='PreemptionHook'))))
    apply_time_budget(cfg, 3600.0)
    assert cfg.default_hooks.preemption.time_budget == 3600.0
    with pytest.raises(ConfigMismatchError, match='--time-budget needs default_hooks.preemption'):
        apply_time_budget(Config(dict(default_hooks=dict())), 60.0)


def test_a_spent_time_budget_stops_before_the_first_step(tmp_path, data_options):
    # As a torchrun restart after a stop for the time budget finds it: status 75 at once.
    proc = run_tool('tools/train.py', TINY_CONFIG, '--work-dir', tmp_path, '--time-budget', '1:00',
                    '--cfg-options', *data_options, check=False,
                    env_update=dict(GAF_START_TIME=str(int(time.time()) - 3600),
                                    SLURM_JOB_END_TIME=None))
    log = proc.output
    assert proc.returncode == 75, log[-3000:]
    assert 'Stopping before training begins (the time budget): exiting with status 75' in log
    assert 'Epoch(train)' not in log and not list(tmp_path.glob('*.pth'))


def test_testing_keeps_the_usual_signals():
    before = signal.getsignal(signal.SIGTERM)
    hook = PreemptionHook()
    hook.before_run(SimpleNamespace(_train_loop=dict(type='TwoPassTrainLoop')))  # Runner.test
    assert signal.getsignal(signal.SIGTERM) == before
    hook.after_run(None)


def test_a_failed_checkpoint_write_is_an_error_not_a_stop(tmp_path):
    def full_disk(*args, **kwargs):
        raise OSError(28, 'No space left on device')
    runner = SimpleNamespace(train_loop=loop_after('cvae', 2), epoch=0, work_dir=str(tmp_path),
                             save_checkpoint=full_disk)
    with pytest.raises(OSError, match='No space left'):
        PreemptionHook()._stop(runner, 'SIGTERM', 3, PassPosition(0, 3, 12, 1))
    assert list(tmp_path.iterdir()) == []  # and no last_checkpoint pointing anywhere


def test_without_a_sampler_that_skips_a_stop_waits_for_the_end_of_the_pass(monkeypatch):
    hook = PreemptionHook()
    hook._mid_pass, hook.stop_signals.received = False, signal.SIGTERM
    stops = []
    monkeypatch.setattr(hook, '_stop', lambda runner, *args: stops.append(args))
    for step in (2, 4):
        hook.after_train_iter(SimpleNamespace(train_loop=loop_after('cvae', step), iter=step), step)
    assert stops == [('SIGTERM', 5, PassPosition(1, 0, 0, 1, 11))]
