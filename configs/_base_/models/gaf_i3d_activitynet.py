# GAF on Inception-I3D with AFSD's ActivityNet-1.3 head (docs/activitynet.md): 768-frame clips
# (every video re-encoded to at most 768 frames) of 96x96 pixels, Mixed_5c only (96 steps of 8
# frames, 3x3 pixels), a six-level pyramid of 96, 48, 24, 12, 6, 3 cells (189 priors) whose
# coarse distances are scaled by the level strides, class-agnostic detection (action vs
# background: labels come from a video-level classifier at test time). Sizes as in
# ./gaf_i3d.py: the dataset config's, handed to model.clip_length and model.crop_size.
model = dict(
    type='GAFDetector',
    # ActivityNet pads short videos with 127.5 in training and testing, i.e. 0 after
    # normalisation (§11 Q10).
    data_preprocessor=dict(type='ClipDataPreprocessor', train_pad_value=0.0,
                           test_pad_value=0.0),
    backbone=dict(
        type='InceptionI3D',
        in_channels=3,
        out_endpoints=('Mixed_5c', ),
        freeze_bn=True,
        freeze_bn_affine=False,
        pretrained=None),
    # The published ActivityNet attention lacks the reduce-and-upsample step before its
    # Linear(1024, 96) and does not run; it is built here as on THUMOS14 (docs/activitynet.md).
    attention=dict(
        type='GenerativeAttention',
        head=dict(type='TemporalAttentionHead', reduce_channels=512),
        cvae=dict(type='FeatureCVAE'),
        norm='batch_sum',
        loss_cvae=dict(type='CVAELoss', kld_weight=0.1, recon_weight=1.0),
        loss_recon=dict(type='ReconstructionLoss', max_weight=0.5, warmup_epochs=16),
        recon_target='aliased'),
    neck=dict(type='TemporalPyramidNeck', channels=512, num_levels=6),
    head=dict(
        type='AFSDHead',
        num_classes=2,
        proposal_channels=512,
        num_levels=6,
        level_strides=(4, 8, 16, 32, 64, 128),
        # A prior of level i takes only ground truths whose larger distance from its centre
        # lies in (low_i, high_i] frames.
        matcher=dict(type='LevelRangeMatcher',
                     level_ranges=((0, 30), (15, 60), (30, 120), (60, 240), (96, 768),
                                   (256, 768))),
        # Refined positives at IoU >= min(piou, the clip's best), smooth-L1 offsets, every
        # term normalised per clip and averaged over the batch.
        loss_det=dict(type='MultiSegmentLoss', piou=0.5, loc_weight=10.0, conf_weight=1.0,
                      detach_center_target=False, refined_piou='adaptive',
                      refined_loc_loss='smooth_l1', normalization='per_sample'),
        loss_boundary=dict(type='BoundaryBCELoss', proposal_weight=0.1),
        loss_background=dict(type='BackgroundLoss', loss_weight=700.0, conf_weight=1.0,
                             normalization='per_sample'),
        # The published ActivityNet test keeps detections scoring above 1e-9.
        test_cfg=dict(score_threshold=1e-9)),
    # The triplet loss of every clip whose splice succeeded, averaged.
    splice=dict(type='SpliceTripletLoss', mode='all', level_weights=(1.0, 0.1, 0.1),
                margin=1.0, loss_weight=0.1))
