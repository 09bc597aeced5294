"""Generative attention (docs/published_code.md §5.1-§5.4): heads, fg/bg split, CVAE, its loss."""
import pytest
import torch
from mmaction.registry import MODELS

from gaf_mmaction.models.attention import TemporalAttentionHead, split_foreground_background
from gaf_mmaction.models.losses import CVAELoss
from tests.helpers import sum_rtol


def test_attention_heads_shapes_and_range():
    torch.manual_seed(0)
    module = MODELS.build(dict(type='GenerativeAttention'))
    feats = [torch.randn(2, 832, 64, 6, 6).relu(), torch.randn(2, 1024, 32, 3, 3).relu()]
    att_4f, att_5c = module(feats)
    assert att_4f.shape == (2, 832, 64) and att_5c.shape == (2, 1024, 32)
    assert module.heads[0].attend[3].weight.shape == (64, 832)  # Linear(832 -> 64)
    assert module.heads[1].attend[3].weight.shape == (32, 1024)  # Linear(1024 -> 32)
    for att in (att_4f, att_5c):
        assert att.min() > 0 and att.max() < 1
    with pytest.raises(ValueError, match='built for 32 time steps'):
        module.heads[1](torch.randn(1, 1024, 16, 3, 3))


def test_split_batch_sum_by_hand():
    feat = torch.tensor([1.0, 2.0, 3.0, 4.0]).view(2, 1, 2, 1, 1)
    att = torch.tensor([0.5, 0.25, 0.75, 0.5]).view(2, 1, 2)
    fg, bg = split_foreground_background(feat, att, 'batch_sum')
    # sum(att) = 2, sum(1 - att) = 2 over the whole batch.
    assert fg.flatten().tolist() == [0.25, 0.25, 1.125, 1.0]
    assert bg.flatten().tolist() == [0.25, 0.75, 0.375, 1.0]
    fg, bg = split_foreground_background(feat, att, 'per_sample')
    # per clip: sum(att) = 0.75 and 1.25, sum(1 - att) = 1.25 and 0.75. (A sum, a quotient and
    # a product in float32 against these quotients: a few roundings of 2^-24, far inside
    # torch.allclose's default relative 1e-5.)
    assert torch.allclose(fg.flatten(), torch.tensor([0.5 / 0.75, 0.5 / 0.75, 2.25 / 1.25, 2 / 1.25]))
    assert torch.allclose(bg.flatten(), torch.tensor([0.5 / 1.25, 1.5 / 1.25, 0.75 / 0.75, 2 / 0.75]))
    fg, bg = split_foreground_background(feat, att, 'per_sample_mean')
    # per clip: mean(att) = 0.375 and 0.625, mean(1 - att) = 0.625 and 0.375.
    assert torch.allclose(fg.flatten(), torch.tensor([0.5 / 0.375, 0.5 / 0.375, 2.25 / 0.625,
                                                      2 / 0.625]))
    assert torch.allclose(bg.flatten(), torch.tensor([0.5 / 0.625, 1.5 / 0.625, 0.75 / 0.375,
                                                      2 / 0.375]))


def test_split_norms_agree_for_one_clip():
    feat, att = torch.randn(1, 8, 4, 2, 2), torch.rand(1, 8, 4)
    # The same sum of 32 positive weights, reduced over other dimensions (in another order),
    # then the same quotient and product.
    for a, b in zip(split_foreground_background(feat, att, 'batch_sum'),
                    split_foreground_background(feat, att, 'per_sample')):
        assert torch.allclose(a, b, rtol=sum_rtol(att.numel(), operations=3), atol=0)


def test_cvae_shapes_and_dtype():
    cvae = MODELS.build(dict(type='FeatureCVAE', channels=64, spatial_size=3)).double()
    feat, att = torch.randn(2, 64, 8, 3, 3).double(), torch.rand(2, 64, 8).double()
    mean, log_var, z, recon = cvae(feat, att)
    assert mean.shape == log_var.shape == z.shape == (2, 8, 64)
    assert recon.shape == feat.shape and recon.dtype == torch.float64
    assert cvae.inference(att).shape == feat.shape


def test_cvae_inference_samples_around_attention():
    # z = eps + att^T with eps ~ N(0, I): with the generator seeded, eps is exactly the
    # torch.randn draw of that seed, in the [B, T, C] layout.
    cvae = MODELS.build(dict(type='FeatureCVAE', channels=32, spatial_size=1))
    seen = []
    cvae.decoder.forward = lambda z, att: seen.append(z) or att
    att = torch.rand(2, 32, 50)
    torch.manual_seed(7)
    cvae.inference(att)
    torch.manual_seed(7)
    eps = torch.randn(2, 50, 32)
    assert torch.equal(seen[0], eps + att.transpose(1, 2))


def test_cvae_loss_by_hand():
    # One map of 2 elements, a latent of 2 elements (B=1, C=2, T=1, S=1).
    feat = torch.tensor([1.0, 3.0]).view(1, 2, 1, 1, 1)
    recon = torch.tensor([0.0, 1.0]).view(1, 2, 1, 1, 1)
    mean = torch.tensor([[[0.5, 0.0]]])
    log_var = torch.tensor([[[0.0, 1.0]]])
    att = torch.tensor([0.5, 1.0]).view(1, 2, 1)
    # mse = (1 + 4) / 2 = 2.5
    # kld = -0.5 * mean([1 + 0 - 0 - 1, 1 + 1 - 1 - e]) = -0.5 * (1 - e) / 2
    kld = -0.5 * (1 - torch.e) / 2
    # exp, a few sums and products in float32 against these float64 values: a handful of
    # roundings of 2^-24, far inside torch.isclose's default relative 1e-5.
    assert torch.isclose(CVAELoss.kld(mean, log_var, att), torch.tensor(kld))
    loss = CVAELoss()(feat, recon, mean, log_var, att)
    assert torch.isclose(loss, torch.tensor(2.5 + 0.1 * kld))
    loss = CVAELoss(kld_weight=1.0, recon_weight=0.5)(feat, recon, mean, log_var, att)
    assert torch.isclose(loss, torch.tensor(1.25 + kld))


def test_kld_is_zero_at_the_prior():
    att = torch.rand(2, 16, 5)
    assert CVAELoss.kld(att.transpose(1, 2), torch.zeros(2, 5, 16), att) == 0


def test_attention_head_upsamples_with_the_legacy_nearest_index():
    # T = 3 steps upsampled to L = 4: the published (legacy) nearest takes source steps
    # floor(i * 3 / 4) = [0, 0, 1, 2]; 'nearest-exact' would take [0, 1, 1, 2].
    torch.manual_seed(0)
    head = TemporalAttentionHead(in_channels=4, temporal_size=3, spatial_size=None,
                                 reduce_channels=2, upsample_length=4, num_groups=1).eval()
    feat = torch.randn(2, 4, 3, 2, 2)
    with torch.no_grad():
        reduced = head.reduce(feat).flatten(2)
        assert not torch.allclose(reduced[..., 0], reduced[..., 1])
        expected = head.attend(reduced[..., [0, 0, 1, 2]])
        assert torch.equal(head(feat), expected)
        assert not torch.allclose(head(feat), head.attend(reduced[..., [0, 1, 1, 2]]))
