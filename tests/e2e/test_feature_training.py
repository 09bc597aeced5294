"""GAF on pre-extracted features through tools/train.py and tools/test.py."""
import json

import numpy as np
import pytest

from gaf_mmaction.datasets.annotation_files import read_video_info
from tests.helpers import TEST_DATA, options_for, run_tool

CONFIG = str(TEST_DATA / 'configs' / 'gaf_tiny_features.py')


@pytest.fixture(scope='module')
def feature_options(tiny_files, module_tmp):
    """[T, 64] features (a step per 4 original frames) for the tiny videos."""
    feature_dir = module_tmp('features')
    rng = np.random.default_rng(0)
    for video, info in read_video_info(tiny_files['video_info_file']).items():
        steps = int(info.count) // 4
        np.save(feature_dir / f'{video}.npy', rng.standard_normal((steps, 64), np.float32))
    return options_for(tiny_files, str(feature_dir))


def test_train_and_test_on_features(tmp_path, feature_options):
    work = tmp_path / 'work'
    log = run_tool('tools/train.py', CONFIG, '--work-dir', str(work),
                   '--cfg-options', *feature_options).output
    assert 'cvae/loss_cvae_0' in log and 'det/loss_loc' in log
    out = tmp_path / 'dets.json'
    log = run_tool('tools/test.py', CONFIG, str(work / 'epoch_1.pth'),
                   '--work-dir', str(work), '--out', str(out), '--cfg-options',
                   *feature_options).output
    assert 'detection/mAP@0.5' in log
    assert set(json.loads(out.read_text())['results']) == {'video_a', 'video_b'}


def test_feature_windows_are_in_feature_steps(tiny_files, feature_options):
    from mmaction.registry import DATASETS
    from mmengine.config import Config
    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(dict(o.split('=', 1) for o in feature_options))
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    info = dataset.get_data_info(len(dataset) - 1)
    # video_b: 50 sampled frames = 150 original = 37 steps of 4 frames; its action runs
    # 0.5-3.5 s = frames 15-105. Step s shows the centre of its 16-frame snippet, frame
    # 4 s + 8, so the action runs over steps (15 - 8) / 4 = 1.75 to (105 - 8) / 4 = 24.25,
    # at 7.5 steps per second, step s at time (s + 2) / 7.5.
    assert info['video_name'] == 'video_b' and info['num_frames'] == 37 and info['fps'] == 7.5
    assert np.allclose(info['gt_annotations'][:, :2], [[1.75, 24.25]])
    assert info['step_origin'] == 2.0
    sample = dataset[len(dataset) - 1]
    assert sample['inputs'].shape == (64, 32, 1, 1)
