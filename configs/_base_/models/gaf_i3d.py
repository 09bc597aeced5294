# GAF on Inception-I3D (docs/published_code.md §1-§5), the published sizes: 256-frame clips
# (model.clip_length; attention, neck and head take it from there), 96x96 crops, 20 THUMOS14
# actions + background, a six-level pyramid. A config that changes the crop restates the
# spatial sizes below (crop // 16, crop // 32); one that changes the clip length restates
# model.clip_length and the data's clip_length.
model = dict(
    type='GAFDetector',
    clip_length=256,
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
    # Mixed_4f and Mixed_5c: 832 and 1024 channels, every 4 and 8 frames, 6x6 and 3x3 pixels.
    attention=dict(
        type='GenerativeAttention',
        in_channels=(832, 1024),
        temporal_strides=(4, 8),
        spatial_sizes=(6, 3),
        head=dict(type='TemporalAttentionHead', reduce_channels=512),
        cvae=dict(type='FeatureCVAE'),
        norm='batch_sum',
        # §5.4, §5.9: KLD x0.1; reconstruction weight up to 0.5 over max_epoch.
        loss_cvae=dict(type='CVAELoss', kld_weight=0.1, recon_weight=1.0),
        loss_recon=dict(type='ReconstructionLoss', max_weight=0.5, warmup_epochs=300)),
    neck=dict(
        type='TemporalPyramidNeck',
        in_channels=(832, 1024),
        spatial_sizes=(6, 3),
        channels=512,
        num_levels=6),
    head=dict(
        type='AFSDHead',
        num_classes=21,
        in_channels=512,
        proposal_channels=512,
        num_levels=6,
        matcher=dict(type='CentreInSegmentMatcher'),
        # §5.5-§5.8: lw=10, cw=1, piou=0.5, proposal-level boundary terms x0.1, bg x35.
        loss_det=dict(type='MultiSegmentLoss', piou=0.5, loc_weight=10.0, conf_weight=1.0,
                      detach_center_target=False),
        loss_boundary=dict(type='BoundaryBCELoss', proposal_weight=0.1),
        loss_background=dict(type='BackgroundLoss', loss_weight=35.0, conf_weight=1.0)),
    # §5.7: the splice clips' triplet loss, x0.1.
    loss_triplet=dict(type='BoundaryTripletLoss', level_weights=(1.0, 0.1, 0.1), margin=1.0,
                      loss_weight=0.1),
    with_splice=True,
    splice_mode='first',
    recon_target='aliased')
