"""Folders laid out as the feature releases train and test with the documented commands
(docs/datasets.md): ``tools/train.py CONFIG --data-root DIR`` and ``tools/test.py``.

The replica features (gaf_mmaction.testing.feature_release_replicas) say in each step which
class its snippet shows and how much of it, so a model trained a few epochs finds the actions;
the actions are short (1-2 s), so that reading the same model's windows half a snippet off
(2 steps, 0.27-0.33 s) costs most of the mAP at tIoU 0.7. The tiny configs shrink the model
and take the synthetic demo's from-scratch training settings.
"""
import json
import re

import numpy as np
import pytest

from gaf_mmaction.testing import (
    REPLICA_ANET_VIDEOS,
    write_actionformer_replica,
    write_opentad_replica,
)
from tests.helpers import TEST_DATA, run_tool


def short_action_videos(seed: int = 0) -> dict:
    """Four 30 s videos at THUMOS14's four frame rates, 1-2 s actions of 3 classes."""
    rng = np.random.default_rng(seed)
    videos = {}
    for i, fps in enumerate((30.0, 25.0, 29.97, 24.0)):
        actions, t = [], 1.0
        while t < 26:
            length = rng.uniform(1.0, 2.0)
            actions.append((round(t, 2), round(t + length, 2), int(rng.integers(3))))
            t += length + rng.uniform(1.5, 3.0)
        videos[f'video_validation_{i:07d}'] = (fps, 30.0, actions)
    return videos


def metrics_of(log: str) -> dict[str, float]:
    """The last evaluation's mAP values printed in a tool's log."""
    found = re.findall(r'detection/(mAP@[0-9.]+|mAP_avg): ([0-9.]+)', log)
    return {key: float(value) for key, value in found}


def test_actionformer_thumos14_folder_trains_finds_the_actions_and_needs_the_centres(tmp_path):
    data = tmp_path / 'thumos'
    write_actionformer_replica(data, videos=short_action_videos(), channels=64, with_time=False)
    config = str(TEST_DATA / 'configs' / 'gaf_tiny_actionformer.py')
    work = tmp_path / 'work'
    run_tool('tools/train.py', config, '--data-root', str(data),
             '--work-dir', str(work), '--cfg-options', 'train_cfg.max_epochs=10')
    out = tmp_path / 'dets.json'
    aligned = metrics_of(run_tool('tools/test.py', config,
                                  str(work / 'epoch_10.pth'), '--data-root', str(data),
                                  '--work-dir', str(work), '--out', str(out)).output)
    assert aligned['mAP@0.5'] >= 0.9 and aligned['mAP@0.7'] >= 0.7, aligned
    assert set(json.loads(out.read_text())['results']) == {
        f'video_validation_{i:07d}_test' for i in range(4)}
    # The same model with its steps read as the snippets' starts, half a snippet early.
    shifted = metrics_of(run_tool('tools/test.py', config,
                                  str(work / 'epoch_10.pth'), '--data-root', str(data),
                                  '--work-dir', str(work), '--cfg-options',
                                  'test_dataloader.dataset.geometry.offset_frames=0').output)
    assert shifted['mAP@0.7'] < aligned['mAP@0.7'] - 0.3, (aligned, shifted)


@pytest.mark.parametrize('layout', ['opentad', 'activitynet_tsp'])
def test_other_layouts_train_and_test_with_one_command(tmp_path, layout):
    data = tmp_path / 'data'
    if layout == 'opentad':
        write_opentad_replica(data, videos=short_action_videos(), channels=64, with_time=False)
        config, options = 'gaf_tiny_opentad.py', []
    else:
        write_actionformer_replica(data, 'actionformer_anet_tsp', REPLICA_ANET_VIDEOS,
                                   subsets=('training', 'validation'), channels=64,
                                   feature_dir='tsp_features',
                                   ann_name='anet1.3_tsp_filtered.json', with_time=False)
        classifier = data / 'annotations' / 'cuhk_val_simp_share.json'
        classifier.write_text(json.dumps({'class': ['BaseballPitch', 'BasketballDunk',
                                                    'Billiards'],
                                          'results': {'abc123_test': [0.7, 0.2, 0.1],
                                                      'xyz789_test': [0.1, 0.1, 0.8]}}))
        config = 'gaf_tiny_anet_tsp.py'
        options = ['--cfg-options', f'val_evaluator.post_processor.video_classification_file={classifier}',
                   f'test_evaluator.post_processor.video_classification_file={classifier}']
    log = run_tool('tools/train.py', str(TEST_DATA / 'configs' / config),
                   '--data-root', str(data), '--work-dir', str(tmp_path / 'work'), *options).output
    assert 'det/loss_loc' in log and 'duplicate annotations dropped' in log
    assert 0 <= metrics_of(log)['mAP_avg'] <= 1
