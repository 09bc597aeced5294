"""Sharing the I3D stem between overlapping windows: the plan against the receptive field by
hand, the stitched maps and the detector's outputs against whole windows (within a batch, from
one batch to the next, and at another stride), that the kept margins are needed, and that a
kept window is used only for the frames it holds."""
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from gaf_mmaction.models.backbones import InceptionI3D, TopHeavyInceptionI3D
from gaf_mmaction.models.backbones.stem_reuse import StemSharing, StemStitch, stitch_windows
from gaf_mmaction.models.detectors.test_path import window_places
from gaf_mmaction.models.utils import use_channels_last
from tests.helpers import build_from_config, network_atol


def test_the_stitch_of_the_published_windows_by_hand():
    # Conv3d_1a (kernel 7, stride 2, same padding 2 in front and 3 behind for an even length):
    # stem position u reads frames 2u - 2 ... 2u + 4, so u >= 1 and u <= 125 avoid the padding
    # of a 256-frame window; Conv3d_2c, Mixed_3b and Mixed_3c (temporal kernel 3) each widen
    # that by one position: positions 4 ... 122 of 128 read none (4 in front, 5 behind). The
    # front strip needs 9 positions for its first 4 to reach past its own back margin: 18
    # frames; the tail starts where its own front margin ends at position 128 - 5 - 64 = 59:
    # position 55, frame 110.
    assert InceptionI3D().stem_stitch(256, 128) == StemStitch(
        scale=2, positions=128, shift=64, front=4, back=5, strip_frames=18, tail_start=110)
    # The top-heavy student's stem is spatial-only (temporal kernels 1): nothing reads padding.
    top_heavy = TopHeavyInceptionI3D().stem_stitch(256, 128)
    assert top_heavy.front == 0 and top_heavy.back == 0
    # Windows that do not overlap, or too short to save frames, are computed whole.
    assert InceptionI3D().stem_stitch(256, 256) is None
    assert InceptionI3D().stem_stitch(64, 32) is None


def i3d(backbone: type = InceptionI3D) -> InceptionI3D:
    torch.manual_seed(0)
    model = backbone().eval()
    for module in model.modules():  # unit-scale activations through the depth
        if isinstance(module, nn.Conv3d):
            nn.init.kaiming_normal_(module.weight)
    return model


def windows(video: torch.Tensor, length: int, stride: int, count: int) -> torch.Tensor:
    return torch.cat([video[:, :, stride * i:stride * i + length] for i in range(count)])


@pytest.mark.parametrize('backbone', [InceptionI3D, TopHeavyInceptionI3D])
def test_a_run_of_windows_gives_the_maps_of_whole_windows(backbone):
    model = i3d(backbone)
    torch.manual_seed(1)
    clips = windows(torch.rand(1, 3, 128 + 3 * 64, 32, 32) * 2 - 1, 128, 64, 4)
    with torch.no_grad():
        whole = model(clips)
        run = model.forward_windows(clips, [('a', 64 * i) for i in range(4)])
    # The same arithmetic on the same frames, the convolutions at other lengths.
    for expected, stitched in zip(whole, run):
        assert expected.shape == stitched.shape
        assert torch.allclose(stitched, expected, rtol=0, atol=network_atol(model, expected))


def test_the_margins_are_the_positions_the_padding_reaches():
    model = i3d()
    plan = model.stem_stitch(128, 64)
    torch.manual_seed(1)
    clips = windows(torch.rand(1, 3, 192, 32, 32) * 2 - 1, 128, 64, 2)
    with torch.no_grad():
        maps = model.forward_stem(clips)
    first, second = maps[0], maps[1]

    def same(position: int) -> bool:
        """Window 2's stem at ``position`` against window 1's at the same frames."""
        return torch.allclose(second[:, position], first[:, position + plan.shift],
                              rtol=0, atol=1e-4 * first.abs().max().item())

    # Window 2's front margin reads its padding, its first clean position does not; window
    # 1's back margin likewise.
    assert not same(plan.front - 1) and same(plan.front)
    last_clean = plan.positions - plan.back - 1 - plan.shift
    assert same(last_clean) and not same(last_clean + 1)


def counting(model: InceptionI3D) -> tuple[list, object]:
    """The frames of each call of ``model``'s stem, and the stem."""
    calls = []

    def stem(clips: torch.Tensor) -> torch.Tensor:
        calls.append(tuple(clips.shape[:3]))
        return model.forward_stem(clips)
    return calls, stem


def test_windows_follow_the_previous_window_of_their_video():
    model = i3d()
    torch.manual_seed(1)
    video = torch.rand(1, 3, 128 + 3 * 64, 32, 32) * 2 - 1
    # b's third window is 32 frames after its second (as a video's last window, flush with
    # its end, is closer): another stitch. The last window has no place.
    clips = torch.cat([windows(video, 128, 64, 3), windows(video, 128, 64, 2),
                       video[:, :, 96:224], video[:, :, :128]])
    places = [('a', 0), ('a', 64), ('a', 128), ('b', 0), ('b', 64), ('b', 96), None]
    calls, stem = counting(model)
    sharing = StemSharing()
    with torch.no_grad():
        shared = sharing(stem, model.stem_stitch, clips, places)
        whole = model.forward_stem(clips)
    one, two = model.stem_stitch(128, 64), model.stem_stitch(128, 32)
    assert two.tail_start > one.tail_start
    # The first of each video and the placeless window whole, in one call; then the tails
    # and strips of each stride, the shorter stride first.
    assert calls == [(3, 3, 128), (1, 3, 128 - two.tail_start), (1, 3, two.strip_frames),
                     (3, 3, 128 - one.tail_start), (3, 3, one.strip_frames)]
    assert torch.allclose(shared, whole, rtol=0, atol=network_atol(model, whole))
    assert sharing.last is None  # a placeless window is not kept


def test_the_next_batch_follows_the_last_window_kept():
    model = i3d()
    torch.manual_seed(1)
    video = torch.rand(1, 3, 128 + 3 * 64, 32, 32) * 2 - 1
    clips = windows(video, 128, 64, 4)
    calls, stem = counting(model)
    sharing = StemSharing()
    with torch.no_grad():
        whole = model.forward_stem(clips)
        first = sharing(stem, model.stem_stitch, clips[:2], [('a', 0), ('a', 64)])
        second = sharing(stem, model.stem_stitch, clips[2:], [('a', 128), ('a', 192)])
    plan = model.stem_stitch(128, 64)
    # Only the first window of the video is computed whole.
    assert calls == [(1, 3, 128), (1, 3, 128 - plan.tail_start), (1, 3, plan.strip_frames),
                     (2, 3, 128 - plan.tail_start), (2, 3, plan.strip_frames)]
    stitched = torch.cat([first, second])
    assert torch.allclose(stitched, whole, rtol=0, atol=network_atol(model, whole))


def test_a_window_follows_another_only_where_their_frames_agree():
    # The video API names every video alike: another video's window at the next offset must
    # not take the kept map, and a change of mode (weights may change) drops it.
    model = i3d()
    torch.manual_seed(1)
    clips = windows(torch.rand(1, 3, 192, 32, 32) * 2 - 1, 128, 64, 2)
    calls, stem = counting(model)
    with torch.no_grad():
        model.stem_sharing(stem, model.stem_stitch, clips[:1], [('video', 0)])
        other = clips[1:].clone()
        other[:, :, 0, 0, 0] += 0.5  # one frame the windows share differs
        model.stem_sharing(stem, model.stem_stitch, other, [('video', 64)])
        assert calls == [(1, 3, 128), (1, 3, 128)]
        model.eval()
        assert model.stem_sharing.last is None
        # Within a batch too: places that claim consecutive windows of unrelated frames.
        unrelated = torch.cat([clips[:1], clips[:1].flip(2)])
        model.stem_sharing(stem, model.stem_stitch, unrelated, [('video', 0), ('video', 64)])
        assert calls[2:] == [(2, 3, 128)]
    with pytest.raises(ValueError, match='previous one, whose map is missing'):
        stitch_windows(stem, clips[1:], [model.stem_stitch(128, 64)])


def test_the_detector_shares_the_stem_between_windows_of_a_video():
    model = build_from_config('gaf/gaf_i3d_1xb4-64x32x32-18e_synthetic-demo.py', clip_length=128)
    torch.manual_seed(1)
    video = torch.rand(1, 3, 128 + 2 * 64, 32, 32) * 2 - 1
    clips = torch.cat([windows(video, 128, 64, 3), video[:, :, :128]])
    with torch.no_grad():
        whole = model.forward_outputs(clips)
        shared = model.forward_outputs(clips, window_places([
            SimpleNamespace(video_name='a', offset=64 * i) for i in range(3)]
            + [SimpleNamespace(video_name='b', offset=0)]))
    for key, expected in whole.items():
        assert torch.allclose(shared[key], expected, rtol=0,
                              atol=network_atol(model, expected)), key


def test_the_stitched_maps_keep_the_channels_last_layout():
    # The test path runs the backbone channels-last: the stitched maps must stay so, or the
    # layers after the stem would convert them back.
    model = i3d()
    use_channels_last(model)
    torch.manual_seed(1)
    clips = windows(torch.rand(1, 3, 256, 32, 32) * 2 - 1, 128, 64, 3).contiguous(
        memory_format=torch.channels_last_3d)
    with torch.no_grad():
        stitched = StemSharing()(model.forward_stem, model.stem_stitch, clips,
                                 [('a', 0), ('a', 64), ('a', 128)])
        whole = model.forward_stem(clips)
    assert stitched.is_contiguous(memory_format=torch.channels_last_3d)
    assert torch.allclose(stitched, whole, rtol=0, atol=network_atol(model, whole))


def test_samples_without_a_place_share_nothing():
    # Data samples built by hand (no video_name or offset) are tested window by window.
    samples = [SimpleNamespace(), SimpleNamespace(video_name='a', offset=0),
               SimpleNamespace(video_name='a'), SimpleNamespace(video_name='a', offset=64)]
    assert window_places(samples) == [None, ('a', 0), None, ('a', 64)]
