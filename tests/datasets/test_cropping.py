"""Crops and flips on index-valued frames (each output pixel says where it came from), and
packing."""
import numpy as np
import pytest
import torch

from gaf_mmaction.datasets.transforms import (
    CenterCropClip,
    FlipClip,
    PackDetectionInputs,
    RandomCropClip,
)


def indexed_clip(height: int, width: int, base: int = 0) -> np.ndarray:
    """[C=2, T=3, H, W] where pixel (c, t, y, x) holds base + c*1e6 + t*1e4 + y*100 + x."""
    c, t, y, x = np.meshgrid(np.arange(2), np.arange(3), np.arange(height), np.arange(width),
                             indexing='ij')
    return base + c * 1_000_000 + t * 10_000 + y * 100 + x


def test_flip_is_horizontal_and_applies_to_every_key():
    imgs, flow = indexed_clip(5, 7), indexed_clip(5, 7, base=50_000_000)
    out = FlipClip(prob=1.0, keys=('imgs', 'flow_imgs'))(dict(imgs=imgs.copy(),
                                                              flow_imgs=flow.copy()))
    # Column x comes from column W - 1 - x of the same row, channel and frame.
    assert np.array_equal(out['imgs'], imgs[..., ::-1])
    assert out['imgs'][1, 2, 3, 0] == 1_000_000 + 20_000 + 300 + 6
    assert np.array_equal(out['flow_imgs'] - out['imgs'], np.full(imgs.shape, 50_000_000))
    assert np.array_equal(FlipClip(prob=0.0)(dict(imgs=imgs.copy()))['imgs'], imgs)


def test_center_crop_offsets():
    # H 10, W 13, crop 4: top = round(3.0) = 3, left = round(4.5) = 4 (half to even).
    out = CenterCropClip(size=4)(dict(imgs=indexed_clip(10, 13)))['imgs']
    assert out.shape == (2, 3, 4, 4)
    assert out[0, 0, 0, 0] == 3 * 100 + 4 and out[0, 0, 3, 3] == 6 * 100 + 7
    # round(5.5) = 6: an odd margin goes half to even, as Python rounds.
    assert CenterCropClip(size=4)(dict(imgs=indexed_clip(10, 15)))['imgs'][0, 0, 0, 0] == 306


def test_random_crop_cuts_one_window_from_every_key_and_reaches_every_offset():
    np.random.seed(0)
    tops, lefts = set(), set()
    for _ in range(300):
        imgs, flow = indexed_clip(8, 9), indexed_clip(8, 9, base=50_000_000)
        out = RandomCropClip(size=5, keys=('imgs', 'flow_imgs'))(dict(imgs=imgs, flow_imgs=flow))
        assert out['imgs'].shape == out['flow_imgs'].shape == (2, 3, 5, 5)
        assert np.array_equal(out['flow_imgs'] - out['imgs'], np.full((2, 3, 5, 5), 50_000_000))
        top, left = divmod(int(out['imgs'][0, 0, 0, 0]), 100)
        # The crop is a contiguous block at (top, left) of every frame and channel.
        assert np.array_equal(out['imgs'], imgs[:, :, top:top + 5, left:left + 5])
        tops.add(top)
        lefts.add(left)
    assert tops == set(range(4)) and lefts == set(range(5))


def test_random_crop_of_frames_exactly_the_crop_size():
    imgs = indexed_clip(5, 5)
    assert np.array_equal(RandomCropClip(size=5)(dict(imgs=imgs.copy()))['imgs'], imgs)
    with pytest.raises(ValueError, match='smaller than the 5x5 crop'):
        RandomCropClip(size=5)(dict(imgs=indexed_clip(4, 5)))


def test_pack_concatenates_streams_on_channels_and_scales_targets():
    # RGB (3 channels) then flow (2) on the channel axis, as the fusion model splits them.
    rgb, flow = np.zeros((3, 64, 2, 2), np.uint8), np.full((2, 64, 2, 2), 7, np.uint8)
    packed = PackDetectionInputs(input_keys=('imgs', 'flow_imgs'))(dict(
        imgs=rgb, flow_imgs=flow, gt_annotations=[[16.0, 48.0, 2]],
        gt_boundaries=np.ones((2, 64), np.float64), splice_valid=np.True_,
        splice_imgs=rgb, splice_segments=np.zeros((3, 2), np.float32)))
    inputs, sample = packed['inputs'], packed['data_samples']
    assert inputs.shape == (5, 64, 2, 2) and inputs[:3].eq(0).all() and inputs[3:].eq(7).all()
    # Targets as fractions of the window (its length read from the clip: 64 frames), labels
    # as integers; boundaries as float32.
    assert sample.gt_instances.segments.tolist() == [[0.25, 0.75]]
    assert sample.gt_instances.labels.tolist() == [2]
    assert sample.gt_boundaries.dtype == torch.float32
    assert sample.metainfo['splice_valid'] is True


def test_crop_errors_name_the_file_or_key_and_the_frame_size():
    # Wide enough but too narrow, then too short; without a filename the key is named.
    with pytest.raises(ValueError, match=r'^a\.npy: frames of 8x4 are smaller than the 5x5'):
        CenterCropClip(size=5)(dict(imgs=indexed_clip(8, 4), filename='a.npy'))
    with pytest.raises(ValueError, match=r'^flow_imgs: frames of 4x8 are smaller'):
        CenterCropClip(size=5, keys=('flow_imgs', ))(dict(flow_imgs=indexed_clip(4, 8)))


def test_defaults_are_the_published_sizes():
    # docs/published_code.md §8.4: 96-pixel crops, horizontal flips half the time.
    assert RandomCropClip().size == CenterCropClip().size == 96
    assert FlipClip().prob == 0.5


def test_pack_several_actions():
    packed = PackDetectionInputs()(dict(
        imgs=np.zeros((3, 64, 2, 2), np.uint8),
        gt_annotations=np.array([[16.0, 48.0, 2], [0.0, 8.0, 1], [32.0, 64.0, 3]]),
        gt_boundaries=np.zeros((2, 64))))
    sample = packed['data_samples']
    assert sample.gt_instances.segments.tolist() == [[0.25, 0.75], [0.0, 0.125], [0.5, 1.0]]
    assert sample.gt_instances.labels.tolist() == [2, 1, 3]
