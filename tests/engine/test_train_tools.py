"""tools/train.py and tools/dist_train.sh on generated data: train, checkpoint, resume."""
import os
import subprocess
import sys

import pytest
import torch

from gaf_mmaction.checkpoint.safe_loading import allow_mmengine_checkpoints
from tests.helpers import REPO, TEST_DATA
from tests.synthetic_data import TINY_VIDEOS, write_thumos_like

CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny.py')


@pytest.fixture(scope='module')
def data_options(tmp_path_factory):
    files = write_thumos_like(tmp_path_factory.mktemp('thumos'), TINY_VIDEOS)
    return [f'train_dataloader.dataset.data_prefix.video={files["video_dir"]}',
            f'train_dataloader.dataset.video_info_file={files["video_info_file"]}',
            f'train_dataloader.dataset.ann_file={files["ann_file"]}',
            f'train_dataloader.dataset.class_index_file={files["class_index_file"]}']


def run(args: list[str], timeout: int = 300) -> str:
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONUNBUFFERED='1', PYTHON=sys.executable)
    proc = subprocess.run(args, check=False, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=timeout)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-4000:]
    return output


def load(path):
    allow_mmengine_checkpoints()
    return torch.load(path, map_location='cpu', weights_only=True)


def test_train_then_resume(tmp_path, data_options):
    work = tmp_path / 'work'
    run([sys.executable, 'tools/train.py', CONFIG, '--work-dir', str(work), '--cfg-options',
         'train_cfg.max_epochs=1', *data_options])
    first = load(work / 'epoch_1.pth')
    assert first['meta']['epoch'] == 1 and first['meta']['iter'] == 2 * 2  # 2 passes x (5 windows // 2)
    assert set(first['optimizer']) == {'detector', 'cvae'}
    assert any(k.startswith('attention.cvae.') for k in first['state_dict'])

    log = run([sys.executable, 'tools/train.py', CONFIG, '--work-dir', str(work), '--resume',
               '--cfg-options', 'train_cfg.max_epochs=2', *data_options])
    assert 'resumed epoch: 1, iter: 4' in log
    assert 'Epoch(train) [2][2/2]' in log and 'Epoch(train) [1]' not in log
    second = load(work / 'epoch_2.pth')
    assert second['meta']['epoch'] == 2 and second['meta']['iter'] == 8
    moved = [k for k, v in second['state_dict'].items()
             if v.is_floating_point() and not torch.equal(v, first['state_dict'][k])]
    assert any(k.startswith('attention.cvae.') for k in moved)
    assert any(k.startswith('backbone.') for k in moved)


def test_dist_train_two_cpu_processes(tmp_path, data_options):
    work = tmp_path / 'dist'
    log = run(['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir', str(work),
               '--cfg-options', 'train_cfg.max_epochs=1', 'train_dataloader.batch_size=1',
               'env_cfg.dist_cfg.backend=gloo', *data_options])
    # 5 windows split over 2 processes of batch 1: 3 iterations per pass.
    assert 'Epoch(train) [1][3/3]' in log and 'det/loss_loc' in log
    assert load(work / 'epoch_1.pth')['meta']['iter'] == 6
