"""Decoding (docs/published_code.md §9 step 5), batched prediction, RGB + flow fusion (§9 step 4).

Tolerances (tests/helpers.py): decoding by hand takes a handful of float32 roundings (2^-24
each), inside torch.allclose's default relative 1e-5 and pytest.approx's 1e-6; the model
compared with itself in another batch arrangement stays within network_atol; the same
computation twice is compared exactly."""
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from gaf_mmaction.checkpoint import load_checkpoint_exact
from gaf_mmaction.checkpoint.fusion import fuse_checkpoints
from gaf_mmaction.models.attention.feature_split import ATTENTION_NORMS
from gaf_mmaction.models.heads import BaseTemporalHead
from gaf_mmaction.models.task_modules import decode_outputs, decode_segments, window_detections
from tests.helpers import CONFIGS, TEST_DATA, network_atol
from tests.models.test_detector import small_model


def hand_outputs():
    return dict(priors=torch.tensor([[0.25], [0.75]]),
                loc=torch.tensor([[[1.0, 1.0], [2.0, 0.0]]]),
                prop_loc=torch.tensor([[[0.0, 0.0], [0.5, -0.5]]]),
                conf=torch.zeros(1, 2, 3), prop_conf=torch.zeros(1, 2, 3),
                center=torch.tensor([[[0.0], [100.0]]]))


def test_decoding_by_hand():
    segments, scores = decode_outputs(hand_outputs(), clip_length=8)
    # Prior 0 (frame 2): [2 - 1, 2 + 1]. Prior 1 (frame 6): width 2, refined
    # (2 + 0.5 * 2 * 0.5, 0 - 0.5 * 2 * 0.5) = (2.5, -0.5) -> [3.5, 5.5].
    assert torch.allclose(segments, torch.tensor([[[1.0, 3.0], [3.5, 5.5]]]))
    # Softmax 1/3 (coarse and refined alike) times sigmoid(center).
    assert torch.allclose(scores[0, 0], torch.full((3,), 1 / 6))
    assert torch.allclose(scores[0, 1], torch.full((3,), 1 / 3))


def test_segments_are_clamped_to_the_whole_clip():
    # Prior at frame 2 of an 8-frame clip, distances (5, 10) refined by (-0.2, 0.1) x half the
    # width 15: (3.5, 10.75), so [-1.5, 12.75] -> [0, 8] (the clip ends at 8, not 7).
    outputs = dict(hand_outputs(), loc=torch.tensor([[[5.0, 10.0], [0.5, 0.5]]]),
                   prop_loc=torch.tensor([[[-0.2, 0.1], [0.0, 0.0]]]))
    outputs['priors'] = torch.tensor([[0.25], [0.5]])
    segments, _ = decode_outputs(outputs, clip_length=8)
    assert segments[0, 0].tolist() == [0.0, 8.0] and segments[0, 1].tolist() == [3.5, 4.5]


def in_seconds(outputs: dict, samples: list, clip_length: int, score_threshold: float) -> list:
    """The head base's conversion of the decoded window detections to seconds."""
    return BaseTemporalHead.add_pred_to_samples(
        window_detections(outputs, clip_length, score_threshold), samples)


def test_detections_in_seconds_above_threshold():
    sample = ActionDataSample(metainfo=dict(offset=20, fps=10.0))
    [window] = window_detections(hand_outputs(), clip_length=8, score_threshold=0.2)
    # In frames of the window first: prior 1's [3.5, 5.5].
    assert torch.allclose(window.segments, torch.tensor([[3.5, 5.5], [3.5, 5.5]]))
    [sample] = in_seconds(hand_outputs(), [sample], clip_length=8, score_threshold=0.2)
    pred = sample.pred_instances
    # Only prior 1 (score 1/3) passes, for both action classes 1 and 2.
    assert pred.labels.tolist() == [1, 2]
    assert torch.allclose(pred.segments, torch.tensor([[2.35, 2.55], [2.35, 2.55]]))
    assert torch.allclose(pred.scores, torch.full((2,), 1 / 3))


def windows(batch):
    return [ActionDataSample(metainfo=dict(offset=16 * i, fps=10.0, video_name='v'))
            for i in range(batch)]


def test_batched_prediction_equals_one_window_at_a_time():
    # Threshold 0: every (prior, class) pair is a detection, so that rounding cannot move one
    # across the threshold.
    model = small_model(head=dict(test_cfg=dict(score_threshold=0.0)))
    clips = torch.rand(3, 3, 64, 32, 32) * 2 - 1
    with torch.no_grad():
        together = model.predict(clips, windows(3))
        alone = [model.predict(clips[i:i + 1], [windows(3)[i]])[0] for i in range(3)]
        # The published test: one window, attention normalised over the batch (of one).
        reference = in_seconds(model.forward_outputs(clips[1:2]), [windows(3)[1]], 64, 0.0)[0]
    # Three windows against one: the same arithmetic arranged otherwise, within the layers'
    # rounding bound (tests/helpers.py network_atol).
    for a, b in zip(together, alone):
        a, b = a.pred_instances, b.pred_instances
        assert torch.allclose(a.scores, b.scores, rtol=0, atol=network_atol(model, b.scores))
        assert torch.equal(a.labels, b.labels)
    expected = reference.pred_instances.segments
    assert torch.allclose(together[1].pred_instances.segments, expected, rtol=0,
                          atol=network_atol(model, expected))


def small_stream_config() -> dict:
    """The RGB model config at the 64-frame, 32-pixel test sizes of ``small_model``."""
    cfg = Config.fromfile(CONFIGS / 'gaf' / 'gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py')
    cfg.merge_from_dict({'model.clip_length': 64, 'model.crop_size': 32})
    return cfg.model


def test_fusion_averages_rgb_and_attention_free_flow(tmp_path):
    rgb = small_model()
    flow_with_attention = small_model(backbone=dict(in_channels=2))
    rgb_path, flow_path = tmp_path / 'rgb.pth', tmp_path / 'flow.pth'
    # The RGB checkpoint has no CVAE (as a converted published one); the flow one has attention.
    torch.save(dict(state_dict={k: v for k, v in rgb.state_dict().items()
                                if not k.startswith('attention.cvae.')}), rgb_path)
    torch.save(dict(meta={}, state_dict=flow_with_attention.state_dict()), flow_path)
    stream = small_stream_config()
    fusion = MODELS.build(dict(type='GAFFusionDetector', rgb=stream, flow=stream,
                               rgb_checkpoint=str(rgb_path),
                               flow_checkpoint=str(flow_path))).eval()
    assert fusion.flow.attention is None and fusion.rgb.attention is not None
    plain_flow = small_model(backbone=dict(in_channels=2), attention=None).eval()
    plain_flow.load_state_dict({k: v for k, v in flow_with_attention.state_dict().items()
                                if not k.startswith('attention.')})
    clips = torch.rand(2, 5, 64, 32, 32) * 2 - 1
    with torch.no_grad():
        fused = fusion(clips)
        expected_rgb = rgb.forward_outputs(clips[:, :3])
        expected_flow = plain_flow.forward_outputs(clips[:, 3:])
    # Each stream's model (the same weights) run apart on the same slices of the clips: the
    # same arithmetic, the same bits.
    for key in ('loc', 'prop_loc', 'conf', 'prop_conf', 'center'):
        assert torch.equal(fused[key], (expected_rgb[key] + expected_flow[key]) / 2)
    with pytest.raises(ValueError, match='is for testing'):
        fusion(clips, mode='loss')

    # tools/fuse_checkpoints.py: one checkpoint of the fusion config (what test.py takes) that
    # loads exactly into a fresh fusion model and gives the same outputs, without the CVAE.
    config = tmp_path / 'fusion_small.py'
    fusion_config = CONFIGS / 'gaf' / 'gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py'
    config.write_text(f"_base_ = [{str(fusion_config)!r}]\n"
                      'model = dict(clip_length=64, crop_size=32)\n')
    fused_path = tmp_path / 'fused.pth'
    assert fuse_checkpoints(config, rgb_path, flow_path, fused_path) == len(
        [k for k in fusion.state_dict() if '.cvae.' not in k])
    fresh = MODELS.build(dict(type='GAFFusionDetector', rgb=stream, flow=stream)).eval()
    load_checkpoint_exact(fresh, str(fused_path), allow_missing=('*attention.cvae.*', ))
    with torch.no_grad():
        again = fresh(clips)
    for key in ('loc', 'prop_loc', 'conf', 'prop_conf', 'center'):
        assert torch.equal(again[key], fused[key])


def test_detection_threshold_class_index_and_non_finite_count():
    # Three windows of 2 priors and 4 classes (0 = background); center logit +inf, so a score
    # is the class probability (coarse and refined alike). Window 0: all logits 0, every
    # probability exactly 0.25; window 1: class 3 far ahead; window 2: a NaN class logit at
    # prior 0 and a NaN distance at prior 1.
    conf = torch.zeros(3, 2, 4)
    conf[1, :, 3] = 10.0
    conf[2, 0, 1] = float('nan')
    loc = torch.ones(3, 2, 2)
    loc[2, 1, 0] = float('nan')
    outputs = dict(priors=torch.tensor([[0.25], [0.75]]), loc=loc,
                   prop_loc=torch.zeros(3, 2, 2), conf=conf, prop_conf=conf.clone(),
                   center=torch.full((3, 2, 1), float('inf')))
    samples = [ActionDataSample(metainfo=dict(offset=0, fps=1.0)) for _ in range(3)]
    in_seconds(outputs, samples, clip_length=8, score_threshold=0.25)
    # A score equal to the threshold is not above it.
    assert len(samples[0].pred_instances.scores) == 0
    second = samples[1].pred_instances
    p3 = conf[1, 0].softmax(-1)[3].item()
    assert second.labels.tolist() == [3, 3] and second.scores.tolist() == pytest.approx([p3, p3])
    assert samples[0].metainfo['non_finite_outputs'] == samples[1].metainfo[
        'non_finite_outputs'] == 0
    # NaN logits make all 4 class scores of prior 0 NaN; the NaN distance one segment.
    assert samples[2].metainfo['non_finite_outputs'] == 4 + 1


def test_activitynet_fusion_takes_the_geometric_mean_of_decoded_boundaries():
    # The published ActivityNet fusion: each stream decodes its segments, the fused boundaries
    # are sqrt(rgb x flow); class and centerness logits are averaged.
    stream = Config.fromfile(TEST_DATA / 'configs' / 'gaf_tiny_activitynet.py').model
    torch.manual_seed(0)
    fusion = MODELS.build(dict(type='GAFFusionDetector', rgb=stream, flow=stream,
                               boundary_fusion='geometric_mean',
                               test_cfg=dict(score_threshold=0.0))).eval()
    clips = torch.rand(1, 5, 64, 32, 32) * 2 - 1
    with torch.no_grad():
        fused = fusion(clips)
        rgb = fusion.rgb.forward_outputs(clips[:, :3])
        flow = fusion.flow.forward_outputs(clips[:, 3:])
    rgb_segments, _ = decode_outputs(rgb, 64)
    flow_segments, _ = decode_outputs(flow, 64)
    # The fusion's own streams on the same slices, decoded alike: the same bits.
    assert torch.equal(fused['segments'], (rgb_segments * flow_segments).sqrt())
    # (not what decoding the averaged distances gives, THUMOS14's fusion)
    assert not torch.allclose(fused['segments'], decode_segments(fused, 64))
    for key in ('conf', 'prop_conf', 'center'):
        assert torch.equal(fused[key], (rgb[key] + flow[key]) / 2)
    sample = ActionDataSample(metainfo=dict(video_name='v', offset=0, fps=2.0))
    with torch.no_grad():
        pred = fusion(clips, [sample], mode='predict')[0].pred_instances
        # Prediction runs the test path (channels-last backbone: other arithmetic than
        # mode='tensor'); its own raw outputs convert exactly.
        tested = fusion.test_outputs(clips)
    # Every prior's action score is above 0; segments in seconds (frames / fps).
    assert len(pred.scores) == fused['loc'].shape[1]
    assert torch.equal(pred.segments, tested['segments'][0] / 2.0)  # offset 0, 2 fps: exact
    with pytest.raises(ValueError, match='boundary_fusion must be one of'):
        MODELS.build(dict(type='GAFFusionDetector', rgb=stream, flow=stream,
                          boundary_fusion='max'))


@pytest.mark.parametrize('norm', ATTENTION_NORMS)
def test_each_fusion_stream_tests_as_the_single_model(norm):
    # A fusion of one model with itself (attention kept in both streams) fuses two copies of
    # the single model's test outputs: each stream normalises its attention as the single
    # model does at test time, whatever the norm (the published 'batch_sum' tests per window).
    # Threshold 0 (every pair a detection): rounding cannot move a pair across it.
    single = small_model(attention=dict(norm=norm), head=dict(test_cfg=dict(
        score_threshold=0.0))).eval()
    stream = dict(small_stream_config(), attention=dict(small_stream_config()['attention'],
                                                        norm=norm))
    fusion = MODELS.build(dict(type='GAFFusionDetector', rgb=stream, flow=stream,
                               flow_in_channels=3, flow_attention=True,
                               test_cfg=dict(score_threshold=0.0))).eval()
    fusion.rgb.load_state_dict(single.state_dict())
    fusion.flow.load_state_dict(single.state_dict())
    clips = torch.rand(3, 3, 64, 32, 32) * 2 - 1
    with torch.no_grad():
        fused = fusion(torch.cat([clips, clips], dim=1))
        expected = single.forward_outputs(clips)
        # The attention in training mode splits by its training norm.
        single.attention.train()
        trained_norm = single.forward_outputs(clips)
        single.attention.eval()
    # Within the layers' rounding bound (tests/helpers.py network_atol) of the single model's:
    # each stream takes a channel slice of the stacked clips, the single model the clips
    # themselves, which the kernels may arrange otherwise.
    for key in ('loc', 'prop_loc', 'conf', 'prop_conf', 'center'):
        assert torch.allclose(fused[key], expected[key], rtol=0,
                              atol=network_atol(single, expected[key])), key
    # The check can fail: batch-summed normalisation gives other outputs for 3 windows.
    assert torch.allclose(trained_norm['conf'], expected['conf'], rtol=0,
                          atol=network_atol(single, expected['conf'])) is (norm != 'batch_sum')
    samples = windows(3)
    with torch.no_grad():
        fused_pred = fusion(torch.cat([clips, clips], dim=1), samples, mode='predict')
        single_pred = single.predict(clips, windows(3))
    for a, b in zip(fused_pred, single_pred):
        assert torch.allclose(a.pred_instances.scores, b.pred_instances.scores, rtol=0,
                              atol=network_atol(single, b.pred_instances.scores))
