# GAF on Inception-I3D with AFSD's ActivityNet-1.3 head (docs/activitynet.md): 768-frame clips
# (every video re-encoded to at most 768 frames), Mixed_5c only (96 steps of 8 frames, 3x3), a
# six-level pyramid of 96, 48, 24, 12, 6, 3 cells (189 priors) whose coarse distances are
# scaled by the level strides, class-agnostic detection (action vs background: labels come
# from a video-level classifier at test time).
_base_ = ['./gaf_i3d.py']

model = dict(
    clip_length=768,
    # ActivityNet pads short videos with 127.5 in training and testing, i.e. 0 after
    # normalisation (§11 Q10).
    data_preprocessor=dict(train_pad_value=0.0, test_pad_value=0.0),
    backbone=dict(out_endpoints=('Mixed_5c', )),
    # The published ActivityNet attention lacks the reduce-and-upsample step before its
    # Linear(1024, 96) and does not run; it is built here as on THUMOS14 (docs/activitynet.md).
    attention=dict(in_channels=(1024, ), temporal_strides=(8, ), spatial_sizes=(3, ),
                   loss_recon=dict(warmup_epochs=16)),
    neck=dict(in_channels=(1024, ), spatial_sizes=(3, )),
    head=dict(
        num_classes=2,
        level_strides=(4, 8, 16, 32, 64, 128),
        # A prior of level i takes only ground truths whose larger distance from its centre
        # lies in (low_i, high_i] frames.
        matcher=dict(type='LevelRangeMatcher',
                     level_ranges=((0, 30), (15, 60), (30, 120), (60, 240), (96, 768),
                                   (256, 768))),
        # Refined positives at IoU >= min(piou, the clip's best), smooth-L1 offsets, every
        # term normalised per clip and averaged over the batch.
        loss_det=dict(refined_piou='adaptive', refined_loc_loss='smooth_l1',
                      normalization='per_sample'),
        loss_background=dict(loss_weight=700.0, normalization='per_sample')),
    # The triplet loss of every clip whose splice succeeded, averaged.
    splice_mode='all',
    # The published ActivityNet test keeps detections scoring above 1e-9.
    test_cfg=dict(score_threshold=1e-9))
