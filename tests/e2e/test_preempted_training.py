"""Two gloo processes signalled at seeded random points end with an intact checkpoint and status
75 each time, and resuming until done gives the uninterrupted run's weights, bit for bit.

One work dir is stopped four times (a signal on one rank, on both with a second one during the
stop's own checkpoint, during validation, during an epoch checkpoint's write), then resumed as
a requeued Slurm job would be, under torchrun with a restart left, which a crash of one process
at its first step uses up. Marked ``distributed`` (``.ci/run`` runs these apart).
"""
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from gaf_mmaction.checkpoint.safe_loading import checkpoint_file_problem, load_checkpoint_file
from tests.helpers import REPO, TEST_DATA

pytestmark = pytest.mark.distributed

CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny_signalled.py')
# 3 epochs, each 6 iterations: 5 windows dealt to 2 processes of batch 1 (3 batches each, one
# window repeated), a CVAE pass (iterations 1-3 of epoch 1) then a detector pass (4-6).
# Validation after every epoch; epoch checkpoints after epochs 2 and 3.
OPTIONS = ['train_cfg.max_epochs=3', 'train_cfg.val_interval=1', 'train_dataloader.batch_size=1',
           'default_hooks.checkpoint.interval=2', 'default_hooks.checkpoint.save_best=None']
# The launchers' variables of an outer job must not reach the runs.
LAUNCH_VARIABLES = ('RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT',
                    'TORCHELASTIC_RESTART_COUNT', 'SLURM_RESTART_COUNT', 'SLURM_JOB_END_TIME',
                    'GAF_START_TIME')
PICK = random.Random(35)
# Where the seeded signals fall: leg 1 inside the CVAE pass, leg 2 inside the detector pass.
FIRST_STOP = PICK.choice((1, 2))
SECOND_STOP = PICK.choice((4, 5))


def environment(**update: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LAUNCH_VARIABLES}
    return dict(env, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1', PYTHONPATH=str(REPO),
                PYTHON=sys.executable, **update)


def train_two_ranks(work: Path, port: int, plan: list[dict], *extra: str,
                    data_options: list[str], options: list[str] = OPTIONS
                    ) -> tuple[list[int], str]:
    """Both ranks of ``tools/train.py`` as srun starts them (no torchrun): their exit statuses
    and rank 0's log."""
    args = [sys.executable, 'tools/train.py', CONFIG, '--work-dir', str(work), '--deterministic',
            *extra, '--launcher', 'pytorch', '--cfg-options', *options, *data_options]
    logs = [work.parent / f'{work.name}.{port}.rank{r}.log' for r in range(2)]
    procs = []
    for rank, log in enumerate(logs):
        env = environment(RANK=str(rank), LOCAL_RANK=str(rank), WORLD_SIZE='2',
                          MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port),
                          GAF_TEST_SIGNAL_PLAN=json.dumps(plan))
        with open(log, 'w') as out:
            procs.append(subprocess.Popen(args, cwd=REPO, env=env, stdout=out,
                                          stderr=subprocess.STDOUT))
    try:
        statuses = [proc.wait(timeout=300) for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
    return statuses, logs[0].read_text() + logs[1].read_text()


def stopped_checkpoint(work: Path) -> dict:
    """What a stop left: the checkpoint ``last_checkpoint`` names, its problems, its contents and
    the work dir's other checkpoint-like files."""
    path = Path((work / 'last_checkpoint').read_text())
    problem = checkpoint_file_problem(path)
    checkpoint = load_checkpoint_file(path, map_location='cpu') if problem is None else {}
    return dict(path=path, problem=problem, meta=checkpoint.get('meta', {}),
                position=checkpoint.get('train_position'),
                leftovers=sorted(p.name for p in work.iterdir()
                                 if p.name.endswith('.part') or p.name.count('_iter_')))


@pytest.fixture(scope='module')
def reference(module_tmp, data_options) -> Iterator[Path]:
    """Work dir of the uninterrupted run (validation does not touch the weights)."""
    work = module_tmp('uninterrupted')
    # Only the last epoch's checkpoint.
    options = [*OPTIONS, 'default_hooks.checkpoint.interval=3']
    statuses, log = train_two_ranks(work, 29661, [], '--no-validate', options=options,
                                    data_options=data_options)
    assert statuses == [0, 0], log[-4000:]
    yield work
    shutil.rmtree(work, ignore_errors=True)  # 0.7 GB checkpoints


@pytest.fixture(scope='module')
def legs(module_tmp, data_options) -> Iterator[tuple[Path, list[dict]]]:
    """One work dir stopped four times, then run to the end: each stop's statuses, log and
    checkpoint."""
    work = module_tmp('preempted')
    plans = [
        [dict(when='step', iteration=FIRST_STOP, ranks=[1], signal='SIGUSR1')],
        [dict(when='step', iteration=SECOND_STOP, signal='SIGTERM'),
         dict(when='stop_save', ranks=[0], signal='SIGTERM')],
        [dict(when='validation', epoch=1, ranks=[0], signal='SIGUSR1')],
        [dict(when='checkpoint', epoch=2, ranks=[0], signal='SIGUSR1')],
    ]
    results = []
    for number, plan in enumerate(plans):
        resume = ['--resume'] if number else []
        statuses, log = train_two_ranks(work, 29671 + number, plan, *resume,
                                        data_options=data_options)
        results.append(dict(statuses=statuses, log=log, **stopped_checkpoint(work)))
    yield work, results
    shutil.rmtree(work, ignore_errors=True)


def check_stop(leg: dict, signal: str, iterations: int, epoch: int, position: tuple,
               where: str) -> None:
    assert leg['statuses'] == [75, 75], leg['log'][-4000:]
    assert (f'Stopping training ({signal}) after iteration {iterations}: at {where}'
            in leg['log']), leg['log'][-4000:]
    assert 'Exiting with status 75 so that the job is requeued' in leg['log']
    assert leg['path'].name == f'epoch_{epoch}_iter_{iterations}.pth' and leg['problem'] is None
    assert leg['meta']['iter'] == iterations and leg['meta']['epoch'] == epoch - 1
    saved = leg['position']
    assert (saved['pass_index'], saved['batches'], saved['world_size']) == (*position, 2)
    assert saved['samples'] == position[1] * 2 and len(saved['rng']) == 2
    # Only this stop's checkpoint: none half-written, the older stops' removed.
    assert leg['leftovers'] == [leg['path'].name]


def test_a_signal_on_one_rank_stops_both_at_the_same_step(legs):
    check_stop(legs[1][0], 'SIGUSR1', FIRST_STOP, 1, (0, FIRST_STOP),
               f'epoch 1, cvae pass, batch {FIRST_STOP}/3')
    assert 'resumed epoch' not in legs[1][0]['log']


def test_a_second_signal_while_stopping_changes_nothing(legs):
    leg = legs[1][1]
    assert f'resumed epoch: 0, iter: {FIRST_STOP}' in leg['log']
    check_stop(leg, 'SIGTERM', SECOND_STOP, 1, (1, SECOND_STOP - 3),
               f'epoch 1, detector pass, batch {SECOND_STOP - 3}/3')


def test_a_signal_during_validation_stops_after_it(legs):
    leg = legs[1][2]
    # Epoch 1 ends, is validated, and the run stops before epoch 2 (its position: the start).
    assert 'Epoch(val) [1]' in leg['log']
    check_stop(leg, 'SIGUSR1', 6, 2, (0, 0), 'the start of epoch 2')


def test_a_signal_during_a_checkpoint_write_stops_after_the_next_step(legs):
    work, results = legs
    leg = results[3]
    assert 'Saving checkpoint at 2 epochs' in leg['log'] and 'Epoch(val) [2]' in leg['log']
    check_stop(leg, 'SIGUSR1', 12, 3, (0, 0), 'the start of epoch 3')
    assert checkpoint_file_problem(work / 'epoch_2.pth') is None


@pytest.fixture(scope='module')
def finished(legs, data_options) -> tuple[Path, int, str]:
    """The last leg, as a requeued Slurm job under torchrun with one restart: rank 1 dies at
    the first step; both restart and resume by themselves."""
    work, _ = legs
    plan = [dict(when='step', iteration=13, ranks=[1], signal='SIGKILL', attempt=0)]
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir', str(work), '--deterministic',
         '--cfg-options', *OPTIONS, *data_options], cwd=REPO, capture_output=True, text=True,
        check=False,
        timeout=400, env=environment(MAX_RESTARTS='1', PORT='29681', SLURM_RESTART_COUNT='1',
                                     GAF_TEST_SIGNAL_PLAN=json.dumps(plan)))
    return work, proc.returncode, proc.stdout + proc.stderr


def test_a_requeued_and_restarted_run_resumes_by_itself(finished):
    work, status, log = finished
    assert status == 0, log[-4000:]
    resumed = f'(torchrun restart or Slurm requeue): resuming from {work}/epoch_3_iter_12.pth'
    assert f'Restart 1 of this run {resumed}' in log  # before the crash (SLURM_RESTART_COUNT)
    assert log.count(resumed) >= 2  # and again after torchrun's restart
    assert not list(work.glob('epoch_*_iter_*.pth'))  # epoch_3.pth holds all they did


def test_resumed_until_done_equals_uninterrupted(reference, finished):
    expected = load_checkpoint_file(reference / 'epoch_3.pth', map_location='cpu')
    resumed = load_checkpoint_file(finished[0] / 'epoch_3.pth', map_location='cpu')
    assert resumed['meta']['iter'] == expected['meta']['iter'] == 18
    # The averaged weights (state_dict), the trained ones (ema_state_dict), both Adam states.
    for part in ('state_dict', 'ema_state_dict'):
        assert resumed[part].keys() == expected[part].keys()
        different = [k for k in expected[part] if not torch.equal(resumed[part][k],
                                                                  expected[part][k])]
        assert different == [], part
    for name in ('cvae', 'detector'):
        ours, theirs = resumed['optimizer'][name]['state'], expected['optimizer'][name]['state']
        assert ours.keys() == theirs.keys()
        assert all(torch.equal(ours[i][k], theirs[i][k]) for i in theirs for k in theirs[i])
