# Your own videos as backbone features (docs/your_own_data.md): data/my_videos/features/
# <video>.npy, [T, C] float32, a feature every 4 frames at 10 fps (steps_per_second 2.5), as
# tools/data/extract_features.py writes them; the annotations as in ./own_videos_rgb.py.
# Windows of clip_length feature steps; feature_channels is the features' C (1024: I3D RGB).
data_root = 'data/my_videos'
clip_length = 128
feature_channels = 1024
num_classes = 3 + 1
dataset = dict(
    type='OwnVideosDataset',
    data_root=data_root,
    ann_file='annotations.json',
    class_file='classes.txt',
    data_prefix=dict(video='features'),
    steps_per_second=2.5,
    features=True,
    # extract_features.py's --snippet and --stride: a feature shows its snippet's centre.
    snippet_length=16,
    feature_stride=4,
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
    dataset=dict(dataset, subset='training', clip_stride=32, pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(dataset, subset='testing', clip_stride=64, test_mode=True,
                 pipeline=test_pipeline))
test_evaluator = dict(
    type='TemporalDetectionMetric', gt_file=None,
    post_processor=dict(type='VideoPostProcessor', nms_sigma=0.5, top_k=5000))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
