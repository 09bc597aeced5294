"""The THUMOS14 dataset, its pipeline and the data preprocessor, on generated files."""
import shutil

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS, MODELS
from mmaction.structures import ActionDataSample

from gaf_mmaction.datasets.transforms import LoadFrameWindow
from gaf_mmaction.testing import TINY_VIDEOS, write_thumos_like
from gaf_mmaction.utils import MissingInputError

PIPELINE = [
    dict(type='LoadFrameWindow'),
    dict(type='RandomCropClip', size=32),
    dict(type='FlipClip', prob=0.5),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs'),
]


@pytest.fixture(scope='module')
def files(module_tmp):
    return write_thumos_like(module_tmp('thumos'), TINY_VIDEOS)


def build(files, test_mode=False, pipeline=PIPELINE):
    return DATASETS.build(dict(
        type='Thumos14Dataset', data_prefix=dict(video=files['video_dir']),
        video_info_file=files['video_info_file'], ann_file=files['ann_file'],
        class_index_file=files['class_index_file'], clip_length=64,
        clip_stride=128 if test_mode else 16, test_mode=test_mode, pipeline=pipeline))


def test_training_windows_and_samples(files):
    dataset = build(files)
    # video_a: 100 frames, offsets 0, 16, 32, 36; video_b: 50 frames, one window.
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [(d['video_name'], d['offset']) for d in infos] == [
        ('video_a', 0), ('video_a', 16), ('video_a', 32), ('video_a', 36), ('video_b', 0)]
    assert dataset.metainfo['classes'] == ['BaseballPitch', 'BasketballDunk', 'Billiards']
    sample = dataset[4]
    assert sample['inputs'].dtype == torch.uint8 and sample['inputs'].shape == (3, 64, 32, 32)
    assert (sample['inputs'][:, 50:] == 0).all()  # padded past the 50 frames
    data = sample['data_samples']
    # video_b: action 0.5-3.5 s = frames 5-35 of 10 fps, label 2 (BasketballDunk).
    # (5 / 64 and 35 / 64 are binary fractions: exact in float32.)
    assert data.gt_instances.segments.tolist() == [[5 / 64, 35 / 64]]
    assert data.gt_instances.labels.tolist() == [2]
    assert data.gt_boundaries.shape == (2, 64) and data.metainfo['valid_length'] == 50
    assert data.splice_inputs.shape == (3, 64, 32, 32) and data.splice_segments.shape == (3, 2)


def test_test_windows(files):
    dataset = build(files, test_mode=True, pipeline=[])
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [(d['video_name'], d['offset']) for d in infos] == [
        ('video_a', 0), ('video_a', 36), ('video_b', 0)]
    assert 'gt_annotations' not in infos[0] and infos[0]['fps'] == 10.0


def test_window_is_read_memory_mapped(files, monkeypatch):
    calls = []
    real_load = np.load
    monkeypatch.setattr(np, 'load', lambda *a, **k: calls.append(k) or real_load(*a, **k))
    path = f"{files['video_dir']}/video_a.npy"
    out = LoadFrameWindow(clip_length=64)(dict(filename=path, offset=36))
    assert calls == [dict(mmap_mode='r')]
    frames = real_load(path)
    assert np.array_equal(out['imgs'], frames[36:100].transpose(3, 0, 1, 2))


def test_unreadable_frames_are_named(tmp_path):
    truncated = tmp_path / 'cut.npy'
    np.save(truncated, np.zeros((10, 8, 8, 3), np.uint8))
    truncated.write_bytes(truncated.read_bytes()[:200])
    flat = tmp_path / 'flat.npy'
    np.save(flat, np.zeros((10, 8), np.uint8))
    load = LoadFrameWindow(clip_length=4)
    with pytest.raises(FileNotFoundError, match='No such npy file: .*missing.npy'):
        load(dict(filename=str(tmp_path / 'missing.npy'), offset=0))
    with pytest.raises(ValueError, match='cut.npy is not a readable npy array'):
        load(dict(filename=str(truncated), offset=0))
    with pytest.raises(ValueError, match=r'flat.npy: expected \[T, H, W, C\] uint8 frames'):
        load(dict(filename=str(flat), offset=0))


def test_unknown_class_is_named(files, tmp_path):
    bad = tmp_path / 'bad.csv'
    bad.write_text('video,type,type_idx,start,end,startFrame,endFrame\n'
                   'video_a,Mystery,99,1.0,2.0,30,60\n')
    with pytest.raises(ValueError, match=r"bad.csv, row 2: video 'video_a' has unknown class"):
        build(dict(files, ann_file=str(bad)))


def test_a_class_name_that_disagrees_with_its_index_is_named(files, tmp_path):
    # Index 9 is BasketballDunk in the class index file: the row trains under neither silently.
    bad = tmp_path / 'bad.csv'
    bad.write_text('video,type,type_idx,start,end,startFrame,endFrame\n'
                   'video_a,BaseballPitch,9,1.0,2.0,30,60\n')
    with pytest.raises(ValueError, match=r"bad.csv, row 2: video 'video_a' has class name "
                                         r"'BaseballPitch' but class index 9, which "
                                         r".*Class_Index_Detection.txt gives to 'BasketballDunk'"):
        build(dict(files, ann_file=str(bad)))


def test_a_missing_data_folder_is_named_and_lost_spaces_are_pointed_out(files, tmp_path):
    # MMEngine's --cfg-options drops the spaces of '<tmp>/my frames': the folder is not found.
    shutil.copytree(files['video_dir'], tmp_path / 'my frames')
    with pytest.raises(FileNotFoundError, match=r"myframes does not exist: the frame folder of "
                                                r"the training data \(train_dataloader.dataset."
                                                r"data_prefix.video\) - but .*my frames exists: "
                                                r"MMEngine's --cfg-options drops every space"):
        build(dict(files, video_dir=str(tmp_path / 'myframes')))
    # One line: the path, the key, and the docs section that makes the data.
    with pytest.raises(MissingInputError, match=r'^\S+elsewhere does not exist: the frame folder '
                                                r'of the test data \(test_dataloader.dataset.'
                                                r'data_prefix.video\); prepare it as docs/data_'
                                                r'preparation.md#thumos14 says[^\n]*$'):
        build(dict(files, video_dir=str(tmp_path / 'elsewhere')), test_mode=True)
    # Each missing file is named with its key; the others that are missing are listed too.
    with pytest.raises(MissingInputError, match=r'^\S+/no_info.csv does not exist: the video-info '
                                                r'CSV of the training data \(train_dataloader.'
                                                r'dataset.video_info_file\); .* \(also missing: '
                                                r'\S+/no_classes.txt\)$'):
        build(dict(files, video_info_file=str(tmp_path / 'no_info.csv'),
                   class_index_file=str(tmp_path / 'no_classes.txt')))


def test_preprocessor_normalises_on_device_and_pads_tests():
    pre = MODELS.build(dict(type='ClipDataPreprocessor', test_pad_value=0.0))
    clip = torch.tensor([0, 255, 51, 0], dtype=torch.uint8).view(1, 4, 1, 1).repeat(3, 1, 2, 2)
    sample = ActionDataSample(metainfo=dict(valid_length=3))
    sample.set_data(dict(splice_inputs=clip.clone()))
    train = pre(dict(inputs=[clip], data_samples=[sample]), training=True)
    assert train['inputs'].dtype == torch.float32
    # 51 / 127.5 - 1 = -0.6 after two float32 roundings (2 u = 1.2e-7): within approx's 1e-6.
    assert train['inputs'][0, 0, :, 0, 0].tolist() == pytest.approx([-1.0, 1.0, -0.6, -1.0])
    # The splice clip stays uint8 on the host until the pass that uses it asks for it.
    assert train['data_samples'][0].splice_inputs.dtype == torch.uint8
    assert pre.splice_batch(train['data_samples'])[0, 0, :, 0, 0].tolist() == pytest.approx(
        [-1.0, 1.0, -0.6, -1.0])
    test = pre(dict(inputs=[clip], data_samples=[ActionDataSample(metainfo=dict(valid_length=3))]),
               training=False)
    assert test['inputs'][0, 0, :, 0, 0].tolist() == pytest.approx([-1.0, 1.0, -0.6, 0.0])
