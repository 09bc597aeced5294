# GAF on Inception-I3D (GAF_REFERENCE.md §1-§5). The sizes below are the
# published ones; a config that changes one of them restates the model
# fields that depend on it (see configs/README of each experiment).
clip_length = 256  # frames per clip (10 fps)
crop_size = 96  # square crop, pixels
num_classes = 21  # 20 THUMOS14 actions + background
num_levels = 6  # temporal pyramid levels
# Mixed_4f and Mixed_5c: channels, temporal stride, spatial stride.
feat_channels = (832, 1024)
feat_sizes = (clip_length // 4, clip_length // 8)
feat_spatial = (crop_size // 16, crop_size // 32)

model = dict(
    type='GAFDetector',
    backbone=dict(
        type='InceptionI3D',
        in_channels=3,
        out_endpoints=('Mixed_4f', 'Mixed_5c'),
        freeze_bn=True,
        # The published training trains BN affine parameters (§11 Q3).
        freeze_bn_affine=False,
        pretrained=None),
    attention=dict(
        type='GenerativeAttention',
        in_channels=feat_channels,
        temporal_sizes=feat_sizes,
        spatial_sizes=feat_spatial,
        head=dict(type='TemporalAttentionHead', reduce_channels=512),
        cvae=dict(type='FeatureCVAE'),
        norm='batch_sum'),
    neck=dict(
        type='TemporalPyramidNeck',
        in_channels=feat_channels,
        spatial_sizes=feat_spatial,
        channels=512,
        num_levels=num_levels,
        clip_length=clip_length),
    head=dict(
        type='AFSDHead',
        num_classes=num_classes,
        in_channels=512,
        proposal_channels=512,
        num_levels=num_levels,
        clip_length=clip_length))
