"""Channels-last-3d at test time (``model.test_cfg.channels_last``, on by default).

The claim: laying the backbone out channels-last changes only the order in which each 3-D
convolution sums its products. Checked in three parts: every convolution stays within its
reordering bound (tests/rounding.py); with the convolutions' sums taken as in the default
layout, everything else gives the same values bit for bit; and the detections stay within
the envelope of those bounds. Then the switch, the fusion's two backbones, and training.
"""
import pytest
import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample
from torch import nn

from gaf_mmaction.models.task_modules import decode_outputs
from gaf_mmaction.models.utils import CHANNELS_LAST
from tests.helpers import build_from_config
from tests.models.test_mixed_precision import TINY
from tests.rounding import conv_reorder_bound, decoded_tolerances, rounding_envelope

CONFIG = 'gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py'


def tiny_model(**overrides) -> nn.Module:
    return build_from_config(CONFIG, **TINY, **overrides)


def clips(count: int = 2) -> torch.Tensor:
    torch.manual_seed(1)
    return torch.rand(count, 3, 64, 32, 32) * 2 - 1


def windows(count: int) -> list[ActionDataSample]:
    return [ActionDataSample(metainfo=dict(video_name='v', offset=16 * i, fps=10.0))
            for i in range(count)]


def convolutions(module: nn.Module) -> list[nn.Conv3d]:
    return [m for m in module.modules() if isinstance(m, nn.Conv3d)]


def test_outputs(model: nn.Module, inputs: torch.Tensor, channels_last: bool) -> dict:
    model.test_cfg['channels_last'] = channels_last
    with torch.no_grad():
        return model.test_outputs(inputs)


test_outputs.__test__ = False  # a helper, not a test


def test_each_backbone_convolution_is_within_its_reordering_bound():
    model = tiny_model()
    inputs = {}
    handles = [conv.register_forward_pre_hook(
        lambda conv, args: inputs.setdefault(conv, args[0])) for conv in
        convolutions(model.backbone)]
    test_outputs(model, clips(), channels_last=False)
    for handle in handles:
        handle.remove()
    assert len(inputs) == 57  # every 3-D convolution of Inception-I3D up to Mixed_5c
    for conv, x in inputs.items():
        with torch.no_grad():
            default = conv(x)
            channels_last = F.conv3d(x.contiguous(memory_format=CHANNELS_LAST),
                                     conv.weight.contiguous(memory_format=CHANNELS_LAST),
                                     conv.bias, conv.stride, conv.padding)
        assert ((channels_last - default).double().abs() <= conv_reorder_bound(conv, x)).all()


def test_all_but_the_convolution_sums_computes_as_in_the_default_layout():
    # Each backbone convolution's sums taken in the default layout and laid out as the
    # channels-last path lays them (its 1x1x1 convolutions give the default layout): then
    # padding, batch norm, ReLU, pooling, concatenation, the layout's way back and everything
    # after the backbone give the same bits.
    model = tiny_model()
    inputs = clips(3)
    default = test_outputs(model, inputs, channels_last=False)
    layouts = []

    def default_sums(conv: nn.Conv3d, args: tuple, output: torch.Tensor) -> torch.Tensor:
        layouts.append(args[0].is_contiguous(memory_format=CHANNELS_LAST))
        same = F.conv3d(args[0].contiguous(), conv.weight.contiguous(), conv.bias, conv.stride,
                        conv.padding)
        return torch.empty_like(output).copy_(same)

    handles = [conv.register_forward_hook(default_sums) for conv in convolutions(model.backbone)]
    laid_out = test_outputs(model, inputs, channels_last=True)
    for handle in handles:
        handle.remove()
    assert layouts[0] and len(layouts) == 57  # the clips came in channels-last
    assert sorted(laid_out) == sorted(default)
    for key, value in default.items():
        assert torch.equal(laid_out[key], value), key
        assert laid_out[key].stride() == value.stride(), key  # laid out as without it


def check_within_envelope(device: str) -> None:
    model = tiny_model().to(device)
    inputs = clips(3).to(device)
    default = test_outputs(model, inputs, channels_last=False)
    envelope = rounding_envelope(lambda: test_outputs(model, inputs, False),
                                 convolutions(model.backbone))
    laid_out = test_outputs(model, inputs, channels_last=True)
    assert model.backbone.Conv3d_1a_7x7.conv3d.weight.is_contiguous(memory_format=CHANNELS_LAST)
    for key in ('loc', 'conf', 'prop_loc', 'prop_conf', 'center'):
        assert (laid_out[key].double() - default[key].double()).abs().max() <= envelope[key], key
    segments, scores = decode_outputs(default, model.clip_length)
    cl_segments, cl_scores = decode_outputs(laid_out, model.clip_length)
    score_tolerance, segment_tolerance = decoded_tolerances(envelope, default,
                                                            model.clip_length)
    assert (cl_scores - scores).abs().max() <= score_tolerance
    assert (cl_segments - segments).abs().max() <= segment_tolerance
    with torch.no_grad():
        model.test_cfg['channels_last'] = True
        predicted = model.predict(inputs, windows(3))
        model.test_cfg['channels_last'] = False
        reference = model.predict(inputs, windows(3))
    for a, b in zip(predicted, reference):
        assert torch.equal(a.pred_instances.labels, b.pred_instances.labels)


def test_detections_are_the_default_layouts_within_the_rounding_envelope():
    check_within_envelope('cpu')


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_channels_last_on_cuda_within_the_rounding_envelope(monkeypatch):
    # TF32 off (PyTorch's default for cuDNN convolutions is on): float32 sums on both sides.
    monkeypatch.setattr(torch.backends.cudnn, 'allow_tf32', False)
    check_within_envelope('cuda')


def test_the_switch_turns_it_off():
    model = build_from_config(CONFIG, **TINY, test_cfg=dict(channels_last=False))
    assert model.test_cfg['channels_last'] is False
    with torch.no_grad():
        model.predict(clips(1), windows(1))
    assert all(conv.weight.is_contiguous() for conv in convolutions(model))
    model = tiny_model()
    assert model.test_cfg['channels_last'] is True  # the default
    with torch.no_grad():
        model.predict(clips(1), windows(1))
        # Switched off after a call: the weights go back.
        model.test_cfg['channels_last'] = False
        model.predict(clips(1), windows(1))
    assert all(conv.weight.is_contiguous() for conv in convolutions(model))


def test_weights_are_laid_out_once():
    model = tiny_model()
    inputs = clips(1)
    with torch.no_grad():
        model.predict(inputs, windows(1))
        weights = [conv.weight.data_ptr() for conv in convolutions(model.backbone)]
        model.predict(inputs, windows(1))
    assert [conv.weight.data_ptr() for conv in convolutions(model.backbone)] == weights
    # Outside the backbone the weights keep the default layout.
    assert all(conv.weight.is_contiguous() for conv in convolutions(model.neck))


def test_fusion_lays_out_both_streams():
    from mmaction.registry import MODELS
    from mmengine.config import Config

    from tests.helpers import TEST_DATA
    stream = Config.fromfile(TEST_DATA / 'configs' / 'gaf_tiny.py').model
    torch.manual_seed(3)
    fusion = MODELS.build(dict(type='GAFFusionDetector', rgb=stream, flow=stream)).eval()
    inputs = torch.rand(2, 5, 64, 32, 32) * 2 - 1
    with torch.no_grad():
        fusion.test_cfg['channels_last'] = False
        default = fusion.test_outputs(inputs)
        fusion.test_cfg['channels_last'] = True
        laid_out = fusion.test_outputs(inputs)
    for stream_model in (fusion.rgb, fusion.flow):
        assert stream_model.backbone.Conv3d_1a_7x7.conv3d.weight.is_contiguous(
            memory_format=CHANNELS_LAST)
    assert torch.equal(default['priors'], laid_out['priors'])
    assert not any(laid_out[k].is_contiguous(memory_format=CHANNELS_LAST) and laid_out[k].dim()
                   == 5 for k in laid_out)


def test_training_after_a_test_computes_in_the_default_layout():
    # Validation during training tests the model; the next training step must compute as if
    # it had not (the weights go back to the default layout).
    tested, untested = tiny_model(), tiny_model()
    with torch.no_grad():
        tested.predict(clips(1), windows(1))
    assert not tested.backbone.Conv3d_1a_7x7.conv3d.weight.is_contiguous()
    inputs = clips(2)
    outputs = []
    for model in (tested, untested):
        model.train()
        with torch.no_grad():
            outputs.append(model.forward_features(inputs)['feats'])
    assert all(conv.weight.is_contiguous() for conv in convolutions(tested))
    for a, b in zip(*outputs):
        assert torch.equal(a, b)
