# ActionFormer's EPIC-Kitchens-100 SlowFast release as downloaded, verbs (docs/datasets.md):
# data/epic_kitchens/annotations/epic_kitchens_100_verb.json and features/<video>.npz ("feats"
# [T, 2304], a 32-frame snippet every 16 frames at 30 fps).
clip_length = 256
feature_channels = 2304
num_classes = 97 + 1
dataset = dict(
    type='ActionFormerFeatureDataset',
    data_root='data/epic_kitchens',
    ann_file='annotations/epic_kitchens_100_verb.json',
    data_prefix=dict(video='features'),
    release='actionformer_epic_slowfast',
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
    dataset=dict(dataset, subset='training', clip_stride=clip_length // 4,
                 pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(dataset, subset='validation', clip_stride=clip_length // 2,
                 test_mode=True, pipeline=test_pipeline))
# EPIC-Kitchens' protocol (ActionFormer): tIoU 0.1:0.1:0.5, duplicates dropped.
test_evaluator = dict(
    type='TemporalDetectionMetric',
    gt_file=None,
    tious=(0.1, 0.2, 0.3, 0.4, 0.5),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(
        type='VideoPostProcessor',
        nms_sigma=0.4,
        top_k=5000))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
