# ActionFormer's THUMOS14 release as downloaded (docs/datasets.md): data/thumos/annotations/
# thumos14.json and data/thumos/i3d_features/<video>.npy, [T, 2048] float32 (RGB then flow
# I3D), a 16-frame snippet every 4 frames at each video's own rate (the JSON's fps).
# Windows of clip_length feature steps; stream='rgb' or 'flow' reads 1024 of the channels.
clip_length = 256
feature_channels = 2048
num_classes = 20 + 1
dataset = dict(
    type='ActionFormerFeatureDataset',
    data_root='data/thumos',
    ann_file='annotations/thumos14.json',
    data_prefix=dict(video='i3d_features'),
    release='actionformer_thumos14_i3d',
    num_classes=num_classes - 1,
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
    sampler=dict(type='ResumableSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(dataset, subset='validation', clip_stride=clip_length // 4,
                 pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(dataset, subset='test', clip_stride=clip_length // 2,
                 test_mode=True, pipeline=test_pipeline))
# ActionFormer's protocol: tIoU 0.3:0.1:0.7, duplicate annotations dropped; the ground truth
# is the annotation file's own test subset (gt_file=None).
test_evaluator = dict(
    type='TemporalDetectionMetric',
    gt_file=None,
    tious=(0.3, 0.4, 0.5, 0.6, 0.7),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(
        type='VideoPostProcessor',
        nms_sigma=0.5,
        top_k=5000))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
