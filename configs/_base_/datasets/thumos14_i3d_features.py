# Pre-extracted THUMOS14 I3D features (the layout most temporal detection work uses): one
# data/thumos14/i3d_features/<video>.npy of [T, 2048] per video, a 16-frame snippet every 4
# frames at the video's own rate, each feature at its snippet's centre (docs/datasets.md).
# Windows of 256 feature steps (about 34 s) slide over feature time; LoadFeatureWindow reads
# them memory-mapped as [2048, 256, 1, 1] maps.
clip_length = 256
dataset = dict(
    type='Thumos14FeatureDataset',
    data_root='data/thumos14',
    data_prefix=dict(video='i3d_features'),
    feature_stride=4,
    snippet_length=16,
    video_info_file=None,
    class_index_file=None,
    clip_length=clip_length)

train_pipeline = [
    dict(type='LoadFeatureWindow'),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs'),
]
test_pipeline = [
    dict(type='LoadFeatureWindow'),
    dict(type='PackDetectionInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    drop_last=True,
    # DefaultSampler that can continue a pass where a stopped run left it (PreemptionHook).
    sampler=dict(type='ResumableSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(dataset, ann_file=None, clip_stride=64, pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(dataset, clip_stride=128, test_mode=True, pipeline=test_pipeline))
test_evaluator = dict(type='TemporalDetectionMetric', gt_file=None, subset='test',
                      post_processor=dict(type='VideoPostProcessor', nms_sigma=0.5, top_k=5000),
                      videos_without_gt=('video_test_0000270', 'video_test_0001496'))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
