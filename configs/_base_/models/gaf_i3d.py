# GAF on Inception-I3D (docs/published_code.md §1-§5). The sizes below are the
# published ones; a config that changes one of them restates the model
# fields that depend on it (and the data pipeline's clip length and crop).
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
    # THUMOS14 tests pad short videos with 0 after normalisation (§11 Q10).
    data_preprocessor=dict(type='ClipDataPreprocessor', test_pad_value=0.0),
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
        clip_length=clip_length),
    # Loss weights of the published training (§5.5-§5.10): lw=10, cw=1,
    # piou=0.5, bg x35, ssl 0.1, reconstruction up to 0.5 over max_epoch.
    loss_det=dict(type='MultiSegmentLoss', piou=0.5, loc_weight=10.0, conf_weight=1.0,
                  detach_center_target=False),
    loss_boundary=dict(type='BoundaryBCELoss', proposal_weight=0.1),
    loss_background=dict(type='BackgroundLoss', loss_weight=35.0, conf_weight=1.0),
    loss_triplet=dict(type='BoundaryTripletLoss', level_weights=(1.0, 0.1, 0.1), margin=1.0,
                      loss_weight=0.1),
    loss_cvae=dict(type='CVAELoss', kld_weight=0.1, recon_weight=1.0),
    loss_recon=dict(type='ReconstructionLoss', max_weight=0.5, warmup_epochs=300),
    with_ssl=True,
    ssl_mode='first',
    recon_target='aliased')
