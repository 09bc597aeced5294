"""GAF's generative attention inside an MMAction2 recognizer config."""
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from tests.helpers import CONFIGS, sum_rtol


def test_recognizer_with_attention_neck_trains_and_predicts():
    cfg = Config.fromfile(CONFIGS / 'gaf/i3d-r50_gaf-attention-neck_8xb8-32x2x1-100e_kinetics400-rgb.py')
    cfg.merge_from_dict({'model.backbone.pretrained': None, 'model.backbone.pretrained2d': False,
                         'model.cls_head.num_classes': 5})
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'Recognizer3D'
    assert type(model.neck).__name__ == 'GenerativeAttentionNeck'
    clips = [torch.randint(0, 256, (1, 3, 32, 64, 64), dtype=torch.uint8) for _ in range(2)]
    samples = [ActionDataSample().set_gt_labels(label) for label in (1, 3)]
    wrapper = build_optim_wrapper(model, dict(optimizer=dict(type='SGD', lr=0.01)))
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    log_vars = model.train_step(dict(inputs=clips, data_samples=samples), optim_wrapper=wrapper)
    assert {'loss_cls', 'loss_cvae', 'loss_recon'} <= set(log_vars)
    moved = {k for k, v in model.state_dict().items() if not torch.equal(v, before[k])}
    assert any(k.startswith('neck.attention.cvae.') for k in moved)
    assert any(k.startswith('neck.attention.heads.') for k in moved)
    assert any(k.startswith('backbone.') for k in moved)
    model.eval()
    with torch.no_grad():
        preds = model.test_step(dict(inputs=clips, data_samples=[ActionDataSample()
                                                                 for _ in clips]))
    assert preds[0].pred_scores.item.shape == (5, )
    # Softmax probabilities of 5 classes sum to 1 within the sum's rounding (sum_rtol).
    assert torch.allclose(preds[0].pred_scores.item.sum(), torch.tensor(1.0),
                          rtol=sum_rtol(5, operations=4), atol=0)


def test_neck_keeps_the_map_shape_and_magnitude():
    neck = MODELS.build(dict(type='GenerativeAttentionNeck', in_channels=64, temporal_size=4))
    x = torch.rand(2, 64, 4, 3, 3)
    out, losses = neck.eval()(x)
    assert out.shape == x.shape and losses == {}
    # Divided by each clip's mean attention, the map keeps the input's scale:
    # out = x * a / mean_{C,T}(a), per clip.
    with torch.no_grad():
        att = neck.attention([x])[0]
    expected = x * (att / att.mean(dim=(1, 2), keepdim=True))[..., None, None]
    # The same mean of 256 positive weights, quotient and product, arranged as the module
    # arranges them or not: within the bound of two such sums (x >= 0, so relative).
    assert torch.allclose(out, expected, rtol=sum_rtol(att[0].numel(), operations=4), atol=0)
    assert not torch.allclose(att[0].mean(), att[1].mean())  # the two clips' factors differ
