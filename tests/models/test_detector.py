"""GAFDetector outputs (docs/published_code.md §3.5) at the published and at small sizes."""
import pytest
import torch
from mmaction.structures import ActionDataSample

from gaf_mmaction.models.heads import BaseTemporalHead
from gaf_mmaction.models.task_modules import window_detections
from tests.helpers import build_from_config, network_atol

# §3.5: mode='tensor' outputs for B clips of 256x96x96 (21 classes, 126 priors).
OUTPUT_SHAPES = {
    'loc': (126, 2), 'conf': (126, 21), 'prop_loc': (126, 2), 'prop_conf': (126, 21),
    'center': (126, 1), 'start': (256, 256), 'end': (256, 256),
    'start_loc_prop': (64, 512), 'end_loc_prop': (64, 512),
    'start_conf_prop': (64, 512), 'end_conf_prop': (64, 512),
}


def check_outputs(out: dict, batch: int) -> None:
    assert {k: tuple(v.shape) for k, v in out.items()} == {
        **{k: (batch, *s) for k, s in OUTPUT_SHAPES.items()}, 'priors': (126, 1),
        'prior_levels': (126, )}
    assert all(torch.isfinite(v).all() for v in out.values())


def test_rgb_outputs(rgb_model):
    with torch.no_grad():
        out = rgb_model(torch.rand(1, 3, 256, 96, 96) * 2 - 1, mode='tensor')
    check_outputs(out, 1)
    centres = torch.cat([(torch.arange(t) + 0.5) / t for t in (64, 32, 16, 8, 4, 2)])
    assert torch.equal(out['priors'].squeeze(1), centres)
    assert (out['loc'] > 0).all()  # distances are exp(.)


def test_flow_outputs():
    model = build_from_config('gaf/gaf_i3d_1xb1-256x96x96-16e_thumos14-flow.py')
    with torch.no_grad():
        check_outputs(model(torch.rand(1, 2, 256, 96, 96) * 2 - 1), 1)


def small_model(**overrides):
    """64-frame clips, 32x32 crops: Mixed_4f is 16x2x2, Mixed_5c 8x1x1."""
    sizes = dict(clip_length=64, crop_size=32)
    sizes.update(overrides)
    return build_from_config('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py', **sizes)


def test_configured_sizes_and_batch():
    model = small_model(head=dict(num_classes=5))
    # The clip length is stated once (model.clip_length): the attention's maps follow from the
    # backbone's temporal strides, the neck's frame level and the head's priors from it.
    assert [head.temporal_size for head in model.attention.heads] == [16, 8]
    assert model.neck.clip_length == model.head.clip_length == 64
    with torch.no_grad():
        out = model(torch.rand(3, 3, 64, 32, 32) * 2 - 1)
    # Levels of 16, 8, 4, 2, 1, 1 cells.
    assert out['loc'].shape == (3, 32, 2) and out['conf'].shape == (3, 32, 5)
    assert out['start'].shape == (3, 64, 256) and out['start_loc_prop'].shape == (3, 16, 512)


def windows() -> list[ActionDataSample]:
    return [ActionDataSample(metainfo=dict(offset=0, fps=10.0, num_frames=64)) for _ in range(2)]


def test_batch_sum_attention_couples_clips_in_training_only():
    # The attention picks its normalisation from its own mode: in training the published
    # batch sum couples the clips of a batch; in eval mode every caller (mode='tensor' and
    # prediction alike) normalises each window alone, in the model's own kind of norm.
    clips = torch.rand(2, 3, 64, 32, 32) * 2 - 1
    for norm, coupled in (('batch_sum', True), ('per_sample', False),
                          ('per_sample_mean', False)):
        # Threshold 0: every (prior, class) pair is a detection, so that rounding cannot move
        # one across the threshold.
        model = small_model(attention=dict(norm=norm), head=dict(test_cfg=dict(
            score_threshold=0.0)))
        with torch.no_grad():
            model.train()   # frozen BN: only the attention's normalisation changes
            pair, alone = model(clips)['conf'][0], model(clips[:1])['conf'][0]
            model.eval()
            eval_pair, eval_alone = model(clips)['conf'][0], model(clips[:1])['conf'][0]
            predicted = model.predict(clips, windows())[0].pred_instances.scores
            expected = model.forward_outputs(clips[:1])
        # A batch of two against one: the same arithmetic arranged otherwise, within the
        # layers' rounding bound (tests/helpers.py network_atol: about 2e-3 of the scale);
        # clips coupled through the batch-summed attention differ by about 8 %.
        atol = network_atol(model, alone)
        assert torch.allclose(pair, alone, rtol=0, atol=atol) is not coupled
        assert torch.allclose(eval_pair, eval_alone, rtol=0, atol=atol)
        # A batch of one sums over the clip alone: the published batch-1 test in either mode.
        assert torch.allclose(eval_alone, alone, rtol=0, atol=atol)
        assert torch.allclose(eval_pair, pair, rtol=0, atol=atol) is not coupled
        [window] = BaseTemporalHead.add_pred_to_samples(window_detections(expected, 64, 0.0),
                                                         windows()[:1])
        reference = window.pred_instances.scores
        assert torch.allclose(predicted, reference, rtol=0, atol=network_atol(model, reference))


def test_a_second_clip_length_is_refused():
    with pytest.raises(ValueError, match=r'model.head.clip_length=128 differs from 64, which '
                                         r'model.neck and clip_length gives: leave '
                                         r'model.head.clip_length out of the config'):
        small_model(head=dict(clip_length=128))
    with pytest.raises(ValueError, match=r'model.attention.spatial_sizes=\(2, 2\) differs from '
                                         r'\(2, 1\), which InceptionI3D with model.crop_size'):
        small_model(attention=dict(spatial_sizes=(2, 2)))
    with pytest.raises(ValueError, match=r"the score threshold is the head's"):
        small_model(test_cfg=dict(score_threshold=0.1))


def test_wrong_clip_size_is_explained(rgb_model):
    with pytest.raises(ValueError, match=r'expects clips \[B, C, 256, H, W\]'):
        rgb_model(torch.zeros(1, 3, 128, 96, 96))
    with pytest.raises(ValueError, match=r'configured for \(6, 3\) spatial maps'):
        rgb_model(torch.zeros(1, 3, 256, 112, 112))


def test_reference_initialisation(rgb_model):
    head, neck = rgb_model.head, rgb_model.neck
    # Appendix B: head convolutions ~ N(0, 0.01), neck convolutions Xavier-uniform.
    weight = head.conf_tower[0][0].conv1d.weight
    # (The std of 786,432 draws errs by about 0.01 / sqrt(2 x 786,432) = 8e-6.)
    assert abs(weight.std().item() - 0.01) < 1e-3 and not head.loc_head.conv1d.bias.any()
    conv = neck.pyramids[2][0].conv1d
    bound = (6 / (conv.in_channels * 3 + conv.out_channels * 3)) ** 0.5
    assert conv.weight.abs().max() <= bound and conv.weight.abs().max() > 0.99 * bound
    assert all(scale.scale.item() == 1.0 for scale in head.loc_heads)


def test_single_map_model_as_for_activitynet():
    model = small_model(
        backbone=dict(out_endpoints=('Mixed_5c', )), head=dict(num_classes=2))
    # The attention and the neck take Mixed_5c's channels and size from the backbone.
    assert model.attention.heads[0].temporal_size == 8 and len(model.attention.heads) == 1
    with torch.no_grad():
        out = model(torch.rand(1, 3, 64, 32, 32) * 2 - 1)
    # Levels of 8, 4, 2, 1, 1, 1 cells from Mixed_5c alone.
    assert out['loc'].shape == (1, 17, 2) and out['conf'].shape == (1, 17, 2)
    assert out['start'].shape == (1, 64, 256) and out['start_loc_prop'].shape == (1, 8, 512)
