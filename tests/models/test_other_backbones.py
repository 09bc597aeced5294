"""GAF's modules on MMAction2's ResNet3d and with spatial sizes taken from the input."""

import torch
from mmaction.models.backbones import ResNet3d
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.structures import InstanceData

from tests.helpers import CONFIGS


def r50_model(**overrides):
    """The ResNet3d GAF config at 64 frames: res4 has 16 steps, res5 8."""
    cfg = Config.fromfile(CONFIGS / 'gaf' / 'gaf_r50-i3d_1xb8-256x96x96-300e_thumos14-rgb.py')
    cfg.merge_from_dict({'model.backbone.pretrained': None, 'model.backbone.pretrained2d': False,
                         'model.clip_length': 64, 'model.head.num_classes': 3, **overrides})
    torch.manual_seed(0)
    return cfg, MODELS.build(cfg.model)


def samples(batch):
    out = []
    for i in range(batch):
        sample = ActionDataSample(metainfo=dict(offset=0, fps=10.0, video_name=f'v{i}'))
        sample.gt_instances = InstanceData(segments=torch.tensor([[0.2, 0.6]]),
                                           labels=torch.tensor([1 + i % 2]))
        boundaries = torch.zeros(2, 64)
        boundaries[0, 12:15] = boundaries[1, 37:40] = 1
        sample.set_data(dict(gt_boundaries=boundaries))
        out.append(sample)
    return out


def test_r50_config_uses_mmaction_resnet3d_and_trains_both_passes():
    cfg, model = r50_model()
    assert type(model.backbone) is ResNet3d
    clips = torch.rand(2, 3, 64, 32, 32) * 2 - 1
    with torch.no_grad():
        res4, res5 = model.backbone(clips)
    assert res4.shape == (2, 1024, 16, 2, 2) and res5.shape == (2, 2048, 8, 1, 1)
    wrappers = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    for pass_name in ('cvae', 'detector'):
        before = {k: v.clone() for k, v in model.state_dict().items()}
        model.set_train_state(pass_name, 1)
        log_vars = model.train_step(dict(inputs=list((clips * 127.5 + 127.5).byte()),
                                         data_samples=samples(2)),
                                    optim_wrapper=wrappers[pass_name])
        moved = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
        assert moved and all(torch.isfinite(v) for v in log_vars.values())
        assert all(k.startswith('attention.cvae.') for k in moved) is (pass_name == 'cvae')
    model.eval()
    with torch.no_grad():
        out = model(clips)
        preds = model.predict(clips, samples(2))
    # Levels of 16 (res4 + upsampled res5), 8 (res5), 4, 2, 1, 1 cells.
    assert out['loc'].shape == (2, 32, 2) and out['conf'].shape == (2, 32, 3)
    assert all(p.pred_instances.segments.shape[1] == 2 for p in preds)


def test_spatial_sizes_from_the_input_accept_any_crop():
    _, model = r50_model()
    model.eval()
    with torch.no_grad():
        for size in (48, 64):
            out = model(torch.rand(1, 3, 64, size, size) * 2 - 1)
            assert out['loc'].shape == (1, 32, 2)
    cvae = model.attention.cvae[1]
    feat, att = torch.rand(1, 2048, 8, 2, 2), torch.rand(1, 2048, 8)
    recon = cvae(feat, att)[3]
    assert recon.shape == (1, 2048, 8, 1, 1)
    assert torch.equal(cvae.target(feat), feat.mean((-2, -1), keepdim=True))
    # The neck averages over space too, by a mean (deterministic on CUDA, unlike adaptive pooling).
    feat = torch.rand(1, 1024, 8, 3, 3)
    reduce = model.neck.pyramids[0][0]
    # SpatialMean is that mean: the same arithmetic, the same bits.
    assert torch.equal(reduce(feat), reduce[1](feat.mean((-2, -1), keepdim=True)))
