# GAF on Inception-I3D (docs/published_code.md §1-§5): 20 THUMOS14 actions + background, a
# six-level pyramid. The clip length and crop (256 frames of 96x96 pixels, as published) are the
# data's: an experiment config hands the dataset config's clip_length and crop_size to
# model.clip_length and model.crop_size, and the detector gives the attention and the neck the
# backbone maps' channels, strides and spatial sizes (Mixed_4f and Mixed_5c: 832 and 1024
# channels every 4 and 8 frames, 6x6 and 3x3 pixels) and the head its channels and clip length.
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
        head=dict(type='TemporalAttentionHead', reduce_channels=512),
        cvae=dict(type='FeatureCVAE'),
        norm='batch_sum',
        # §5.4, §5.9: KLD x0.1; reconstruction weight up to 0.5 over max_epoch, compared with
        # the published (aliased) target (§11 Q2).
        loss_cvae=dict(type='CVAELoss', kld_weight=0.1, recon_weight=1.0),
        loss_recon=dict(type='ReconstructionLoss', max_weight=0.5, warmup_epochs=300),
        recon_target='aliased'),
    neck=dict(type='TemporalPyramidNeck', channels=512, num_levels=6),
    head=dict(
        type='AFSDHead',
        num_classes=21,
        proposal_channels=512,
        num_levels=6,
        matcher=dict(type='CentreInSegmentMatcher'),
        # §5.5-§5.8: lw=10, cw=1, piou=0.5, proposal-level boundary terms x0.1, bg x35.
        loss_det=dict(type='MultiSegmentLoss', piou=0.5, loc_weight=10.0, conf_weight=1.0,
                      detach_center_target=False),
        loss_boundary=dict(type='BoundaryBCELoss', proposal_weight=0.1),
        loss_background=dict(type='BackgroundLoss', loss_weight=35.0, conf_weight=1.0),
        # The published conf_thresh: a (prior, class) pair above it becomes a detection.
        test_cfg=dict(score_threshold=0.01)),
    # §5.7: the first splice clip's triplet loss, x0.1.
    splice=dict(type='SpliceTripletLoss', mode='first', level_weights=(1.0, 0.1, 0.1),
                margin=1.0, loss_weight=0.1))
