"""Two gloo processes on CPU: tools/dist_train.sh, then tools/dist_test.sh against tools/test.py.

Marked ``distributed``; ``.ci/run`` runs these as their own step.
"""
import json

import pytest
import torch

from gaf_mmaction.checkpoint.safe_loading import allow_mmengine_checkpoints
from gaf_mmaction.evaluation import THUMOS14_TIOUS, detection_map, load_ground_truth
from tests.helpers import TINY_CONFIG, assert_same_detections, run_tool

pytestmark = pytest.mark.distributed


@pytest.fixture(scope='module')
def dist_trained(module_tmp, data_options):
    """Work dir and log of a 2-process, one-epoch, interleaved tools/dist_train.sh run."""
    work = module_tmp('dist')
    log = run_tool('tools/dist_train.sh', TINY_CONFIG, '2', '--work-dir', str(work),
                   '--cfg-options', 'train_cfg.max_epochs=1', 'train_dataloader.batch_size=1',
                   'train_cfg.interleave=True', 'default_hooks.logger.interval=1',
                   *data_options).output
    return work, log


def test_dist_train_two_cpu_processes_interleaved(dist_trained):
    work, log = dist_trained
    # 5 windows over 2 processes of batch 1: 3 batches, each a CVAE step then a detector step.
    steps = [line for line in log.splitlines() if 'Epoch(train) [1][' in line]
    assert len(steps) == 6 and 'det/loss_loc' in steps[1] and 'det/loss_loc' not in steps[0]
    allow_mmengine_checkpoints()
    assert torch.load(work / 'epoch_1.pth', weights_only=True)['meta']['iter'] == 6


def test_single_and_two_process_testing_agree(dist_trained, tmp_path, data_options, tiny_files):
    checkpoint = str(dist_trained[0] / 'epoch_1.pth')
    # One window per batch in both runs (each process of the two gets every other window), on
    # one thread each, and whole windows (a shared stem follows the windows a process sees:
    # consecutive ones in one process, none in two): every window is computed the same way,
    # so the detections agree bit for bit (tests/helpers.py assert_same_detections says why
    # not to batch them differently).
    options = [*data_options, 'test_dataloader.batch_size=1', 'model.test_cfg.share_stem=False']
    single = tmp_path / 'single.json'
    log = run_tool('tools/test.py', TINY_CONFIG, checkpoint, '--work-dir',
                   str(tmp_path / 'w1'), '--out', str(single), '--cfg-options', *options).output
    assert 'detection/mAP@0.5' in log and 'Detection mAP (%) on 2 videos' in log
    double = tmp_path / 'double.json'
    run_tool('tools/dist_test.sh', TINY_CONFIG, checkpoint, '2', '--work-dir',
             str(tmp_path / 'w2'), '--out', str(double), '--cfg-options', *options)
    one, two = (json.loads(p.read_text()) for p in (single, double))
    assert set(one['results']) == set(two['results']) == {'video_a', 'video_b'}
    gt = load_ground_truth(tiny_files['gt_file'], 'test')
    map_one, _ = detection_map(gt, one['results'], THUMOS14_TIOUS)
    map_two, _ = detection_map(gt, two['results'], THUMOS14_TIOUS)
    assert map_one.tolist() == map_two.tolist()
    for video in one['results']:
        assert_same_detections(one['results'][video], two['results'][video])
