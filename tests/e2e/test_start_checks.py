"""Our tools check every input of the config before anything is built (one `error:` line, exit
status 2); the same checks are hooks of the base runtime (tests/engine/test_start_check_hooks.py),
so MMAction2's own tools/train.py and tools/test.py (from its wheel) stop with the same messages
before training or testing."""
import re
import resource
import subprocess
import sys
from pathlib import Path

import mmaction
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from tests.helpers import CONFIGS, REPO, TINY_CONFIG, run_tool

MMACTION_TOOLS = Path(mmaction.__file__).parent / '.mim' / 'tools'


def run_counting_cpu(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run a tool in ``cwd``; its CPU seconds (user + system: what the machine's load does
    not inflate)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return proc, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_train_without_data_says_what_to_do_in_one_line(tmp_path):
    # A fresh clone without data/ (the tool runs where the relative data paths find nothing).
    proc, cpu_seconds = run_counting_cpu(
        [sys.executable, str(REPO / 'tools' / 'train.py'), str(CONFIGS / 'gaf_thumos14_rgb.py')],
        tmp_path)
    output = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode == 2 and len(output) == 1, output
    assert re.fullmatch(
        r'error: data/thumos14/validation_npy does not exist: the frame folder of the training '
        r'data \(train_dataloader\.dataset\.data_prefix\.video\); prepare it as '
        r'docs/data_preparation\.md#thumos14 says, or point data_root at where it is '
        r'\(--data-root DIR\) \(also missing: data/thumos14/test_npy, '
        r'data/i3d_models/rgb_imagenet\.pt\)', output[0]), output[0]
    # Nothing was built: no banner, no work dir; a few seconds of imports.
    assert not (tmp_path / 'work_dirs').exists()
    print(f'tools/train.py without data: {cpu_seconds:.1f} CPU seconds')
    assert cpu_seconds < 10


def test_test_with_a_missing_checkpoint_says_so_in_one_line(tmp_path, data_options):
    proc, _ = run_counting_cpu([sys.executable, str(REPO / 'tools' / 'test.py'), TINY_CONFIG,
                                str(tmp_path / 'missing.pth'), '--cfg-options', *data_options],
                               tmp_path)
    output = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode == 2 and output == [
        (f'error: {tmp_path}/missing.pth does not exist: the checkpoint to test (the CHECKPOINT '
        'argument); give a checkpoint of tools/train.py, or a published one converted as '
        'docs/model_zoo.md#converting says')]


@pytest.fixture(scope='module')
def other_architecture(module_tmp) -> str:
    """A checkpoint of the tiny model with another head (5 classes), as a misfit start."""
    init_default_scope('mmaction')
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.model.head.num_classes = 5
    torch.manual_seed(0)
    path = module_tmp('other') / 'other.pth'
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict()}, path)
    return str(path)


@pytest.mark.parametrize('tool,options,message', [
    ('train.py', ['model.head.num_classes=5'],
     (r'model.head.num_classes=5 \(background included\), but the train_dataloader dataset '
     r'\(.+\) has 3 classes: set model.head.num_classes=4')),
    ('train.py', ['load_from={other}'],
     (r'GAFDetector cannot load \S+other.pth:\n.*head.conf_head.conv1d.weight: checkpoint '
      r'\(5, 512, 3\) vs model \(4, 512, 3\)')),
    ('train.py', ['train_dataloader.dataset.data_prefix.video={missing}'],
     (r'\S+/missing does not exist: the frame folder of the training data '
     r'\(train_dataloader.dataset.data_prefix.video\); prepare it as '
     r'docs/data_preparation.md#thumos14 says')),
    ('test.py', [], r'GAFDetector cannot load \S+other.pth:'),
])
def test_mmaction_tools_stop_with_our_messages(tool, options, message, data_options,
                                               other_architecture, tmp_path):
    checkpoint = [other_architecture] if tool == 'test.py' else []
    options = [o.format(other=other_architecture, missing=tmp_path / 'missing')
               for o in options]
    proc = run_tool(MMACTION_TOOLS / tool, TINY_CONFIG, *checkpoint, '--work-dir', tmp_path / 'w',
                    '--cfg-options', *data_options, *options, check=False)
    log = proc.output
    assert proc.returncode != 0 and re.search(message, log), log[-3000:]
    # Stopped before the first step (or test window).
    assert 'Epoch(train)' not in log and 'Epoch(test)' not in log
    assert not list((tmp_path / 'w').glob('*.pth'))
