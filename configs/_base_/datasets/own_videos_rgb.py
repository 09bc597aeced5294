# Your own videos (docs/your_own_data.md). Frames: data/my_videos/npy/<video>.npy, [T, 112, 112,
# 3] uint8 at 10 fps (tools/data/videos_to_npy.py); data/my_videos/annotations.json, the generic
# JSON of tools/data/segments_to_json.py, whose 'training' subset trains and 'testing' subset
# tests (and is the metric's ground truth); data/my_videos/classes.txt, one class per line.
# The window length and crop, stated once here, are the model's clip_length and crop_size;
# num_classes (your classes + background) is the head's. The frames' rate and size (checked
# against the files) are what the video API turns a video into.
data_root = 'data/my_videos'
clip_length = 256
crop_size = 96
num_classes = 3 + 1
dataset = dict(
    type='OwnVideosDataset',
    data_root=data_root,
    ann_file='annotations.json',
    class_file='classes.txt',
    data_prefix=dict(video='npy'),
    steps_per_second=10.0,
    frame_size=112,
    clip_length=clip_length)

train_pipeline = [
    dict(type='LoadFrameWindow', pad_value=0),
    dict(type='RandomCropClip', size=crop_size),
    dict(type='FlipClip', prob=0.5),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs'),
]
test_pipeline = [
    dict(type='LoadFrameWindow', pad_value=0),
    dict(type='CenterCropClip', size=crop_size),
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
    dataset=dict(dataset, subset='training', clip_stride=30, pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(dataset, subset='testing', clip_stride=128, test_mode=True,
                 pipeline=test_pipeline))
# gt_file=None: the ground truth is the test dataset's JSON and subset.
test_evaluator = dict(
    type='TemporalDetectionMetric', gt_file=None,
    post_processor=dict(type='VideoPostProcessor', nms_sigma=0.01, top_k=5000))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
