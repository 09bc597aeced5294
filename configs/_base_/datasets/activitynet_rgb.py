# ActivityNet-1.3 RGB (docs/activitynet.md): one window of at most 768 frames per re-encoded
# video, data/activitynet/train_val_npy/<video id>.npy ([T, 112, 112, 3] uint8), the video-info
# JSON of tools/data/activitynet_video_info.py. Padding is 0 after normalisation (the model's
# preprocessor; uint8 128 in the loader). Testing as published: soft-NMS sigma 0.95, labels and
# score factors from the CUHK video-level classifier, segments clipped to the video; then the
# best 100 per video, as ActivityNet's evaluation expects; mAP at 0.5:0.05:0.95 and their mean.
# The window length and crop, stated once here, are the model's clip_length and crop_size.
clip_length = 768
crop_size = 96
train_pipeline = [
    dict(type='LoadFrameWindow', pad_value=128),
    dict(type='RandomCropClip', size=crop_size),
    dict(type='FlipClip', prob=0.5),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs'),
]
train_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,
    drop_last=True,
    # DefaultSampler that can continue a pass where a stopped run left it (PreemptionHook).
    sampler=dict(type='ResumableSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='ActivityNetDetectionDataset',
        data_root='data/activitynet',
        ann_file='video_info_train_val.json',
        subset='training',
        data_prefix=dict(video='train_val_npy'),
        clip_length=clip_length,
        binary_class=True,
        pipeline=train_pipeline))

test_pipeline = [
    dict(type='LoadFrameWindow', pad_value=128),
    dict(type='CenterCropClip', size=crop_size),
    dict(type='PackDetectionInputs'),
]
test_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='ActivityNetDetectionDataset',
        data_root='data/activitynet',
        ann_file='video_info_train_val.json',
        subset='validation',
        data_prefix=dict(video='train_val_npy'),
        clip_length=clip_length,
        binary_class=True,
        test_mode=True,
        pipeline=test_pipeline))
test_evaluator = dict(
    type='TemporalDetectionMetric',
    gt_file='data/activitynet/activity_net.v1-3.min.json',
    subset='validation',
    tious=(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
    average_tious=None,
    post_processor=dict(
        type='VideoPostProcessor',
        nms_sigma=0.95,
        top_k=5000,
        nms_score_threshold=1e-9,
        video_classification_file='data/activitynet/cuhk_val_simp_share.json',
        clip_to_duration=True,
        max_per_video=100),
    version='ActivityNet-v1.3')
test_cfg = dict(type='TestLoop')

# Validation during training: the validation subset, as testing.
val_dataloader = test_dataloader
val_evaluator = test_evaluator
