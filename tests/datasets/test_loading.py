"""Loading windows of frames and of features from npy files: values, layout, padding, types."""
import numpy as np
import pytest

from gaf_mmaction.datasets.transforms import LoadFeatureWindow, LoadFrameWindow


def test_feature_window_layout_values_and_padding(tmp_path):
    # 10 steps of 3 features; step t, feature c holds 10 * t + c.
    path = tmp_path / 'video.npy'
    np.save(path, (10 * np.arange(10)[:, None] + np.arange(3)).astype(np.float16))
    out = LoadFeatureWindow(window_length=4)(dict(filename=str(path), offset=2))
    assert out['imgs'].shape == (3, 4, 1, 1) and out['imgs'].dtype == np.float32
    assert out['imgs'].flags['C_CONTIGUOUS']
    assert out['imgs'][:, :, 0, 0].tolist() == [[20, 30, 40, 50], [21, 31, 41, 51],
                                                [22, 32, 42, 52]]
    assert out['valid_length'] == 4
    # Past the end: the 3 remaining steps, then pad_value.
    tail = LoadFeatureWindow(window_length=5, pad_value=-1.5)(dict(filename=str(path), offset=7))
    assert tail['imgs'][0, :, 0, 0].tolist() == [70, 80, 90, -1.5, -1.5]
    assert tail['valid_length'] == 3


def test_feature_window_length_from_the_window_and_bad_rank(tmp_path):
    # Without a length of its own, the loader reads the window's (the dataset's clip_length).
    path = tmp_path / 'video.npy'
    np.save(path, np.ones((300, 2), np.float32))
    out = LoadFeatureWindow()(dict(filename=str(path), offset=200, clip_length=256))
    # 100 steps left, padded with 0 by default.
    assert out['imgs'].shape == (2, 256, 1, 1) and out['imgs'].sum() == 200
    assert not out['imgs'][:, 100:].any()
    np.save(path, np.ones((3, 2, 2), np.float32))
    with pytest.raises(ValueError, match=r'video\.npy: expected \[T, C\] features'):
        LoadFeatureWindow()(dict(filename=str(path), offset=0))


def test_frame_window_refuses_frames_of_another_type_and_reads_the_window_length(tmp_path):
    path = tmp_path / 'video.npy'
    np.save(path, np.ones((300, 4, 4, 3), np.uint16))
    with pytest.raises(ValueError, match=r'video\.npy: .* elements of type uint16'):
        LoadFrameWindow()(dict(filename=str(path), offset=0, clip_length=256))
    np.save(path, np.ones((300, 4, 4, 3), np.uint8))
    window = dict(filename=str(path), offset=0, clip_length=256)
    assert LoadFrameWindow()(dict(window))['imgs'].shape == (3, 256, 4, 4)
    assert LoadFrameWindow(clip_length=8)(dict(window))['imgs'].shape == (3, 8, 4, 4)
