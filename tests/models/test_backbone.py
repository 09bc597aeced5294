"""Inception-I3D (docs/published_code.md §1) and its top-heavy variant (§7.1)."""
import pytest
import torch
from mmaction.registry import MODELS

from gaf_mmaction.checkpoint import CheckpointMismatchError
from gaf_mmaction.models.backbones.inception_i3d import ENDPOINTS

# §1.1: every endpoint for a [1, 3, 256, 96, 96] clip.
ENDPOINT_SHAPES = {
    'Conv3d_1a_7x7': (64, 128, 48), 'MaxPool3d_2a_3x3': (64, 128, 24),
    'Conv3d_2b_1x1': (64, 128, 24), 'Conv3d_2c_3x3': (192, 128, 24),
    'MaxPool3d_3a_3x3': (192, 128, 12), 'Mixed_3b': (256, 128, 12), 'Mixed_3c': (480, 128, 12),
    'MaxPool3d_4a_3x3': (480, 64, 6), 'Mixed_4b': (512, 64, 6), 'Mixed_4c': (512, 64, 6),
    'Mixed_4d': (512, 64, 6), 'Mixed_4e': (528, 64, 6), 'Mixed_4f': (832, 64, 6),
    'MaxPool3d_5a_2x2': (832, 32, 3), 'Mixed_5b': (832, 32, 3), 'Mixed_5c': (1024, 32, 3),
}
# Appendix A.2: the ten convolutions whose temporal kernel is 1 in the student.
STUDENT_FLAT = {
    'Conv3d_1a_7x7.conv3d.weight': (64, 3, 1, 7, 7),
    'Conv3d_2c_3x3.conv3d.weight': (192, 64, 1, 3, 3),
    'Mixed_3b.b1b.conv3d.weight': (128, 96, 1, 3, 3),
    'Mixed_3b.b2b.conv3d.weight': (32, 16, 1, 3, 3),
    'Mixed_3c.b1b.conv3d.weight': (192, 128, 1, 3, 3),
    'Mixed_3c.b2b.conv3d.weight': (96, 32, 1, 3, 3),
    'Mixed_4b.b1b.conv3d.weight': (208, 96, 1, 3, 3),
    'Mixed_4b.b2b.conv3d.weight': (48, 16, 1, 3, 3),
    'Mixed_4c.b1b.conv3d.weight': (224, 112, 1, 3, 3),
    'Mixed_4c.b2b.conv3d.weight': (64, 24, 1, 3, 3),
}


def n_params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('backbone', ['InceptionI3D', 'TopHeavyInceptionI3D'])
def test_every_endpoint_shape(backbone):
    torch.manual_seed(0)
    model = MODELS.build(dict(type=backbone, out_endpoints=ENDPOINTS)).eval()
    with torch.no_grad():
        outs = model(torch.rand(1, 3, 256, 96, 96) * 2 - 1)
    shapes = {name: tuple(o.shape) for name, o in zip(ENDPOINTS, outs)}
    assert shapes == {k: (1, c, t, s, s) for k, (c, t, s) in ENDPOINT_SHAPES.items()}


def test_student_kernels_and_size():
    teacher = MODELS.build(dict(type='InceptionI3D'))
    student = MODELS.build(dict(type='TopHeavyInceptionI3D'))
    t_shapes = {k: tuple(v.shape) for k, v in teacher.state_dict().items()}
    s_shapes = {k: tuple(v.shape) for k, v in student.state_dict().items()}
    assert t_shapes.keys() == s_shapes.keys()
    changed = {k: v for k, v in s_shapes.items() if v != t_shapes[k]}
    assert changed == STUDENT_FLAT
    # Appendix A.1: backbone 12.29 M parameters, student 10.43 M.
    assert round(n_params(teacher) / 1e6, 2) == 12.29
    assert round(n_params(student) / 1e6, 2) == 10.43


def test_flow_input_channels():
    model = MODELS.build(dict(type='InceptionI3D', in_channels=2))
    assert model.Conv3d_1a_7x7.conv3d.weight.shape == (64, 2, 7, 7, 7)
    with pytest.raises(ValueError, match=r'expects \[B, 2, T, H, W\]'):
        model(torch.zeros(1, 3, 8, 32, 32))


@pytest.mark.parametrize('affine_frozen', [False, True])
def test_frozen_batchnorm(affine_frozen):
    model = MODELS.build(dict(type='InceptionI3D', out_endpoints=('Mixed_3b',),
                              freeze_bn=True, freeze_bn_affine=affine_frozen))
    model.train()
    bn = model.Conv3d_1a_7x7.bn
    assert not bn.training
    before = bn.running_mean.clone()
    model(torch.randn(2, 3, 8, 32, 32))
    assert torch.equal(bn.running_mean, before)
    assert bn.weight.requires_grad is not affine_frozen
    assert model.Conv3d_1a_7x7.conv3d.weight.requires_grad


def test_batchnorm_trains_when_not_frozen():
    model = MODELS.build(dict(type='InceptionI3D', out_endpoints=('Conv3d_1a_7x7',),
                              freeze_bn=False)).train()
    model(torch.randn(2, 3, 8, 32, 32))
    assert model.Conv3d_1a_7x7.bn.running_mean.abs().sum() > 0


def pytorch_i3d_checkpoint(in_channels: int) -> dict:
    """A checkpoint in pytorch-i3d's layout: endpoints, classifier, no BN counters."""
    torch.manual_seed(1)
    full = MODELS.build(dict(type='InceptionI3D', in_channels=in_channels))
    state = {k: torch.randn_like(v.float()) for k, v in full.state_dict().items()
             if not k.endswith('num_batches_tracked')}
    state['logits.conv3d.weight'] = torch.randn(400, 1024, 1, 1, 1)
    state['logits.conv3d.bias'] = torch.randn(400)
    return state


def test_load_pytorch_i3d_weights(tmp_path):
    state = pytorch_i3d_checkpoint(3)
    path = tmp_path / 'rgb_imagenet.pt'
    torch.save(state, path)
    model = MODELS.build(dict(type='InceptionI3D', pretrained=str(path)))
    model.init_weights()
    loaded = model.state_dict()
    assert all(torch.equal(loaded[k], v) for k, v in state.items() if not k.startswith('logits'))


def test_load_reports_every_misfit_key(tmp_path):
    state = pytorch_i3d_checkpoint(3)
    del state['Mixed_4f.b1b.bn.running_var']
    state['Mixed_9z.conv3d.weight'] = torch.zeros(1)
    path = tmp_path / 'broken.pt'
    torch.save(state, path)
    model = MODELS.build(dict(type='InceptionI3D'))
    with pytest.raises(CheckpointMismatchError) as err:
        model.load_pytorch_i3d(str(path))
    message = str(err.value)
    assert 'Mixed_4f.b1b.bn.running_var' in message and 'missing' in message
    assert 'Mixed_9z.conv3d.weight' in message and 'unexpected' in message
    assert str(path) in message


@pytest.mark.parametrize('backbone,in_channels', [('InceptionI3D', 3),
                                                  ('TopHeavyInceptionI3D', 2)])
def test_load_fails_on_shape_mismatch(tmp_path, backbone, in_channels):
    path = tmp_path / 'flow_imagenet.pt'
    torch.save(pytorch_i3d_checkpoint(2), path)
    model = MODELS.build(dict(type=backbone, in_channels=in_channels))
    with pytest.raises(CheckpointMismatchError, match=r'Conv3d_1a_7x7\.conv3d\.weight: '
                                                      r'checkpoint \(64, 2, 7, 7, 7\)'):
        model.load_pytorch_i3d(str(path))


def saved_bytes_and_grads(model, clip):
    """Bytes autograd keeps for the backward pass, and the input gradients."""
    saved = []

    def pack(tensor):
        saved.append(tensor.numel() * tensor.element_size())
        return tensor
    clip = clip.clone().requires_grad_()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        outputs = model(clip)
    weights = [torch.linspace(-1, 1, o.numel()).view_as(o) for o in outputs]
    sum((o * w).sum() for o, w in zip(outputs, weights)).backward()
    return sum(saved), outputs, clip.grad, {k: p.grad.clone() for k, p in
                                          model.named_parameters()}


def test_activation_checkpointing_keeps_values_and_gradients_and_saves_memory():
    torch.manual_seed(0)
    plain = MODELS.build(dict(type='InceptionI3D')).train()
    torch.manual_seed(0)
    checkpointed = MODELS.build(dict(type='InceptionI3D', with_cp=True)).train()
    clip = torch.rand(1, 3, 16, 32, 32) * 2 - 1
    kept_plain, out_plain, grad_plain, params_plain = saved_bytes_and_grads(plain, clip)
    kept_cp, out_cp, grad_cp, params_cp = saved_bytes_and_grads(checkpointed, clip)
    # The recomputation repeats the forward's operations, and the backward runs the same
    # operations and adds the same gradients in the same order: the same bits.
    assert all(torch.equal(a, b) for a, b in zip(out_plain, out_cp))
    assert torch.equal(grad_cp, grad_plain)
    assert all(torch.equal(params_cp[k], g) for k, g in params_plain.items())
    # Only the blocks' inputs stay for the backward pass: less than a fifth of the bytes.
    assert kept_cp < kept_plain / 5
    with pytest.raises(ValueError, match='with_cp=True needs freeze_bn=True'):
        MODELS.build(dict(type='InceptionI3D', with_cp=True, freeze_bn=False))
