"""bf16 inference (``test_cfg.autocast_dtype``) against fp32, on the CPU and on CUDA."""
import pytest
import torch
from mmaction.structures import ActionDataSample

from gaf_mmaction.models.task_modules import decode_outputs
from tests.helpers import autocast_rtol, build_from_config

TINY = dict(clip_length=64, crop_size=32)


def windows(count: int) -> list[ActionDataSample]:
    return [ActionDataSample(metainfo=dict(offset=0, fps=10.0)) for _ in range(count)]


def compare(model, clips: torch.Tensor) -> None:
    """Decoded scores and segments of bf16 within bf16 rounding of fp32's; predict runs."""
    device = clips.device.type
    with torch.no_grad():
        fp32 = model.forward_outputs(clips)
        with torch.autocast(device, dtype=torch.bfloat16):
            bf16 = model.forward_outputs(clips)
        assert bf16['conf'].dtype == torch.bfloat16  # the autocast did reach the head
        segments, scores = decode_outputs(fp32, model.clip_length)
        segments_bf16, scores_bf16 = decode_outputs(bf16, model.clip_length)
        # Scores are probabilities (at most 1); segments are frames of the clip. Both within
        # bf16's rounding carried through the layers (tests/helpers.py autocast_rtol) of
        # their scale; a path left out of the autocast or cast wrongly fails by far more.
        assert (scores_bf16 - scores).abs().max() <= autocast_rtol() * scores.abs().max()
        assert (segments_bf16 - segments).abs().max() <= autocast_rtol() * model.clip_length
        model.test_cfg['autocast_dtype'] = 'bfloat16'
        predicted = model.predict(clips, windows(len(clips)))
    assert all(p.pred_instances.scores.dtype == torch.float32 for p in predicted)
    assert sum(len(p.pred_instances.scores) for p in predicted) > 0


def test_bf16_inference_matches_fp32_on_the_cpu():
    model = build_from_config('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py', **TINY)
    compare(model, torch.rand(2, 3, 64, 32, 32) * 2 - 1)


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs CUDA')
def test_bf16_inference_matches_fp32_on_cuda_at_full_size():
    model = build_from_config('gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py').cuda()
    compare(model, torch.rand(2, 3, 256, 96, 96, device='cuda') * 2 - 1)
