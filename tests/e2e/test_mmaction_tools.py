"""MMAction2's own tools/train.py and tools/test.py (from its wheel) on a GAF config, and ours
with the flags MMAction2 users expect: validation, best and rotated checkpoints, --dump,
--show-dir, per-pass log lines."""
import json
import os
import pickle
import re
import subprocess
from pathlib import Path

import mmaction
import pytest

from tests.helpers import REPO, TINY_CONFIG, run_tool

MMACTION_TOOLS = Path(mmaction.__file__).parent / '.mim' / 'tools'


def test_metric(log: str, mode: str, name: str) -> float:
    """The last value of ``detection/<name>`` on an ``Epoch(<mode>)`` line of ``log``."""
    values = re.findall(rf'Epoch\({mode}\).*?detection/{re.escape(name)}: ([0-9.]+)', log)
    assert values, f'no detection/{name} in the {mode} lines'
    return float(values[-1])


@pytest.fixture(scope='module')
def mmaction_trained(module_tmp, data_options) -> tuple[Path, str]:
    """Two epochs with MMAction2's train.py: validation after each, one rotated checkpoint."""
    work = module_tmp('mmaction_train')
    log = run_tool(str(MMACTION_TOOLS / 'train.py'), TINY_CONFIG,
                   '--work-dir', str(work), '--cfg-options', 'train_cfg.max_epochs=2',
                   'train_cfg.val_interval=1', 'default_hooks.checkpoint.max_keep_ckpts=1',
                   'optim_wrapper.detector.clip_grad.max_norm=100', *data_options).output
    return work, log


test_metric.__test__ = False  # a helper, not a test


def test_mmaction_train_validates_and_keeps_best_and_newest(mmaction_trained):
    work, log = mmaction_trained
    assert test_metric(log, 'val', 'mAP_avg') >= 0
    assert len(re.findall(r'Epoch\(val\) \[\d\]\[\d+/\d+\]\s+detection/mAP@0.1', log)) == 2
    best = sorted(p.name for p in work.glob('best_detection_mAP_avg_epoch_*.pth'))
    assert len(best) == 1
    # max_keep_ckpts=1: the epoch-1 checkpoint was removed once epoch 2 was saved.
    assert sorted(p.name for p in work.glob('epoch_*.pth')) == ['epoch_2.pth']


def test_log_lines_name_their_pass_and_carry_only_its_losses(mmaction_trained):
    work, log = mmaction_trained
    lines = [line for line in log.splitlines() if 'Epoch(train)' in line]
    cvae = [line for line in lines if '][cvae ' in line]
    detector = [line for line in lines if '][detector ' in line]
    # The tiny data has 2 batches: each pass logs steps 1/2 and 2/2 in each of 2 epochs.
    assert len(cvae) == len(detector) == 4 and len(lines) == 8
    # Only the detector's wrapper clips gradients: its norm is on its lines alone.
    assert all('cvae/loss' in line and 'det/' not in line and 'detector.lr' not in line
               and 'grad_norm' not in line for line in cvae)
    assert all('det/loss_bg' in line and 'det/grad_norm' in line and 'cvae/' not in line
               and 'cvae.lr' not in line and ' grad_norm' not in line for line in detector)
    scalars = [json.loads(line) for line in next(work.glob('*/vis_data/scalars.json'))
               .read_text().splitlines()]
    train = [s for s in scalars if 'time' in s and 'detection/mAP_avg' not in s
             and any(k.endswith('.lr') for k in s)]
    assert len(train) == 8
    for step in train:
        passes = {k.split('/')[0] for k in step if '/' in k}
        assert passes in ({'cvae'}, {'det'}), step


def test_mmaction_test_tool_reports_the_same_map_as_ours(mmaction_trained, data_options, tmp_path):
    work, _ = mmaction_trained
    checkpoint = str(work / 'epoch_2.pth')
    dump = tmp_path / 'windows.pkl'
    # (MMAction2's --dump turns test_evaluator into a list before --cfg-options are merged,
    # so test_evaluator.gt_file cannot be set beside it: ours merges the options first.)
    theirs = run_tool(str(MMACTION_TOOLS / 'test.py'), TINY_CONFIG, checkpoint,
                      '--work-dir', str(tmp_path / 'theirs'), '--cfg-options', *data_options).output
    ours = run_tool('tools/test.py', TINY_CONFIG, checkpoint,
                    '--work-dir', str(tmp_path / 'ours'), '--dump', str(dump),
                    '--show-dir', str(tmp_path / 'vis'), '--cfg-options', *data_options).output
    for name in ('mAP@0.1', 'mAP@0.3', 'mAP@0.5', 'mAP_avg'):
        assert test_metric(theirs, 'test', name) == test_metric(ours, 'test', name)
    with open(dump, 'rb') as f:
        windows = pickle.load(f)
    assert windows and all('pred_instances' in w and 'video_name' in w for w in windows)
    pictures = sorted(p.name for p in (tmp_path / 'vis').glob('timeline_*.png'))
    assert pictures == sorted(f'timeline_{w}.png' for w in {w['video_name'] for w in windows})
    assert all((tmp_path / 'vis' / p).stat().st_size > 5000 for p in pictures)


def test_test_tool_needs_a_checkpoint():
    proc = run_tool('tools/test.py', TINY_CONFIG, check=False)
    assert proc.returncode == 2 and 'the following arguments are required: checkpoint' in proc.stderr


@pytest.mark.parametrize('script,needed', [('dist_train.sh', 'CONFIG GPUS'),
                                           ('dist_test.sh', 'CONFIG CHECKPOINT GPUS'),
                                           ('slurm_train.sh', 'PARTITION JOB_NAME CONFIG'),
                                           ('slurm_test.sh', 'PARTITION JOB_NAME CONFIG CHECKPOINT')])
def test_launch_scripts_print_their_usage(script, needed):
    proc = run_tool(f'tools/{script}', TINY_CONFIG, check=False)
    assert proc.returncode == 2 and f'Usage: tools/{script} {needed}' in proc.stderr


def fake_slurm(folder: Path, srun_status: int = 0) -> dict[str, str]:
    """Stand-ins for sbatch (runs the job script at once, as job 4242, with the variables of
    --export), srun (prints its command, exits ``srun_status``) and scontrol (prints its
    command); the environment that finds them."""
    folder.mkdir(exist_ok=True)
    scripts = {
        'sbatch': (
            'echo "sbatch $*"\n'
            'while [ "${1#--}" != "$1" ]; do\n'
            '  case "$1" in --export=*) IFS=, read -ra pairs <<< "${1#--export=}";\n'
            '    for pair in "${pairs[@]}"; do [ "$pair" != ALL ] && export "$pair"; done;;\n'
            '  esac; shift\n'
            'done\n'
            'SLURM_JOB_ID=4242 exec bash "$@"\n'),
        'srun': f'echo "srun $*"\nexit {srun_status}\n',
        'scontrol': 'echo "scontrol $*"\n'}
    for name, body in scripts.items():
        (folder / name).write_text('#!/usr/bin/env bash\n' + body)
        (folder / name).chmod(0o755)
    return dict(os.environ, PATH=f'{folder}:{os.environ["PATH"]}')


def test_slurm_scripts_compose_the_srun_command(tmp_path):
    env = dict(fake_slurm(tmp_path), GPUS='16')
    train = subprocess.run(['bash', 'tools/slurm_train.sh', 'gpu', 'gaf', TINY_CONFIG,
                            '--work-dir', 'w'], cwd=REPO, env=env, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    # A batch job that Slurm warns 300 s before its time limit and may requeue ...
    assert train[0].startswith('sbatch --partition=gpu --job-name=gaf --ntasks=16 ')
    assert ' --signal=USR1@300 --requeue ' in train[0]
    assert train[0].endswith(f'tools/slurm_train.sh gpu gaf {TINY_CONFIG} --work-dir w')
    # ... whose job trains with srun, one task per GPU.
    assert train[1].startswith('srun -p gpu --job-name=gaf --gres=gpu:8 --ntasks=16 ')
    assert train[1].endswith(f'tools/train.py {TINY_CONFIG} --work-dir w --launcher slurm')
    assert len(train) == 2  # finished: no requeue
    test = subprocess.run(['bash', 'tools/slurm_test.sh', 'gpu', 'gaf', TINY_CONFIG, 'c.pth'],
                          cwd=REPO, env=env, capture_output=True, text=True,
                          check=True).stdout
    assert test.rstrip().endswith(f'tools/test.py {TINY_CONFIG} c.pth --launcher slurm')


def test_a_slurm_job_that_stopped_early_requeues_itself(tmp_path):
    proc = subprocess.run(['bash', 'tools/slurm_train.sh', 'gpu', 'gaf', TINY_CONFIG],
                          cwd=REPO, env=dict(fake_slurm(tmp_path, srun_status=75),
                                             SIGNAL_SECONDS='600'),
                          capture_output=True, text=True, check=False)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 75 and ' --signal=USR1@600 --requeue ' in lines[0]
    assert lines[-2:] == [('slurm_train.sh: training stopped before the end (status 75): '
                           'requeueing job 4242'), 'scontrol requeue 4242']
    failed = subprocess.run(['bash', 'tools/slurm_train.sh', 'gpu', 'gaf', TINY_CONFIG],
                            cwd=REPO, env=fake_slurm(tmp_path / 'failed', srun_status=1),
                            capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and 'scontrol' not in failed.stdout


def test_dist_train_restarts_and_forwards_the_stop_signals(tmp_path):
    # A stand-in interpreter that prints the torchrun command and the start time it inherits.
    fake = tmp_path / 'python'
    fake.write_text('#!/usr/bin/env bash\necho "$GAF_START_TIME $*"\n')
    fake.chmod(0o755)
    line = subprocess.run(['bash', 'tools/dist_train.sh', TINY_CONFIG, '2', '--work-dir', 'w'],
                          cwd=REPO, env=dict(os.environ, PYTHON=str(fake), MAX_RESTARTS='3'),
                          capture_output=True, text=True, check=True).stdout
    start, command = line.split(' ', 1)
    assert start.isdigit() and command.startswith('-m torch.distributed.run ')
    assert (' --max-restarts=3 --signals-to-handle=SIGTERM,SIGINT,SIGHUP,SIGQUIT,SIGUSR1 '
            '--shutdown-timeout=60 --nproc_per_node=2 ') in command
    assert command.rstrip().endswith(f'tools/train.py {TINY_CONFIG} --work-dir w --launcher pytorch')
