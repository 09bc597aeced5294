"""The synthetic dataset and a short run of the demo's whole path."""
import json
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pytest
from mmengine.config import Config

from gaf_mmaction.apis import DEMO_CONFIG, run_demo
from gaf_mmaction.apis.demo import prepare_demo_data
from gaf_mmaction.datasets.annotation_files import (
    read_annotations,
    read_class_index,
    read_video_info,
)
from gaf_mmaction.datasets.synthetic import make_synthetic_dataset, read_settings
from gaf_mmaction.utils import UserError


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


def frames_of(folder: Path) -> dict[str, np.ndarray]:
    return {p.name: np.load(p) for p in sorted((folder / 'validation_npy').glob('*.npy'))}


def test_a_work_dir_holding_another_seed_is_generated_again(tmp_path):
    data = tmp_path / 'data'
    # More videos than the demo makes: left-over files would show.
    make_synthetic_dataset(data, seed=3, num_train=26, num_test=1)
    assert read_settings(data)['seed'] == 3
    prepare_demo_data(data, seed=3)  # the same seed: kept as it is (26 videos, not 24)
    assert len(frames_of(data)) == 26
    prepare_demo_data(data, seed=4)
    make_synthetic_dataset(tmp_path / 'seed4', seed=4)
    expected = frames_of(tmp_path / 'seed4')
    regenerated = frames_of(data)
    assert read_settings(data)['seed'] == 4 and regenerated.keys() == expected.keys()
    assert all(np.array_equal(regenerated[name], expected[name]) for name in expected)


def test_a_work_dir_with_data_of_unknown_seed_is_refused_by_name(tmp_path):
    data = tmp_path / 'data'
    make_synthetic_dataset(data, seed=0, num_train=2, num_test=1)
    (data / 'synthetic_dataset.json').unlink()  # as a folder of an older demo has it
    with pytest.raises(UserError, match=f'{data} holds files but no synthetic_dataset.json'):
        prepare_demo_data(data, seed=1)
    assert len(frames_of(data)) == 2  # nothing deleted
