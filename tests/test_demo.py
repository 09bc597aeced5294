"""The synthetic dataset and a short run of the demo's whole path."""
import json
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
from mmengine.config import Config

from gaf_mmaction.apis import DEMO_CONFIG, run_demo
from gaf_mmaction.datasets.annotation_files import (
    read_annotations,
    read_class_index,
    read_video_info,
)
from gaf_mmaction.datasets.synthetic import make_synthetic_dataset


def test_synthetic_dataset_is_deterministic_and_thumos_shaped(tmp_path):
    a = make_synthetic_dataset(tmp_path / 'a', seed=3, num_train=6, num_test=3)
    make_synthetic_dataset(tmp_path / 'b', seed=3, num_train=6, num_test=3)
    make_synthetic_dataset(tmp_path / 'c', seed=4, num_train=6, num_test=3)
    frames = sorted((tmp_path / 'a' / 'validation_npy').glob('*.npy'))
    assert len(frames) == 6 and len(list((tmp_path / 'a' / 'test_npy').glob('*.npy'))) == 3
    for path in frames:
        same = np.load(tmp_path / 'b' / 'validation_npy' / path.name)
        assert np.array_equal(np.load(path), same)
    assert not np.array_equal(np.load(frames[0]),
                              np.load(tmp_path / 'c' / 'validation_npy' / frames[0].name))
    infos = read_video_info(a['val_video_info'])
    classes = read_class_index(a['class_index'])
    annos = read_annotations(a['val_annotations'], infos, a['class_index'])
    assert set(annos) == set(infos) and set(classes.values()) == {1, 2, 3}
    gt = json.loads(Path(a['gt']).read_text())['database']
    assert {v['subset'] for v in gt.values()} == {'train', 'test'}
    # The training and test videos are different draws, not copies.
    test_first = np.load(min((tmp_path / 'a' / 'test_npy').glob('*.npy')))
    assert all(np.load(p).shape != test_first.shape or not np.array_equal(np.load(p), test_first)
               for p in frames)


def test_default_dataset_has_short_videos_and_overlaps(tmp_path):
    paths = make_synthetic_dataset(tmp_path, seed=0)
    infos = read_video_info(paths['val_video_info'])
    annos = read_annotations(paths['val_annotations'], infos, paths['class_index'])
    clip = Config.fromfile(DEMO_CONFIG).clip
    assert min(i.sample_count for i in infos.values()) < clip  # shorter than a demo window
    overlapping = [v for v, a in annos.items()
                   if any(s2 < e1 for (s1, e1, _), (s2, _, _) in zip(sorted(a), sorted(a)[1:]))]
    assert overlapping


def test_demo_short_path(tmp_path):
    make_synthetic_dataset(tmp_path / 'data', seed=0, num_train=3, num_test=2,
                           frame_range=(48, 96))
    metrics = run_demo(tmp_path, cfg_options={'train_cfg.max_epochs': 1,
                                              'train_dataloader.batch_size': 2})
    saved = json.loads((tmp_path / 'demo_metrics.json').read_text())
    assert saved == metrics and {'mAP@0.5', 'mAP_avg'} <= set(saved)
    assert all(0 <= v <= 1 for v in saved.values())
    timelines = sorted(tmp_path.glob('timeline_*.png'))
    assert len(timelines) == 2
    for png in (*timelines, tmp_path / 'class_ap.png'):
        image = mpimg.imread(png)
        assert image.ndim == 3 and image.shape[0] > 100 and image.std() > 0
