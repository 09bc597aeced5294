# THUMOS14 RGB windows (docs/published_code.md §8, §9). Frames:
# data/thumos14/<split>_npy/<video>.npy, [T, 112, 112, 3] uint8 at 10 fps. The annotation
# files ship with the package (None = shipped).
# The window length and crop, stated once here (the loader and packer read the length from the
# window), are the model's clip_length and crop_size. The frames' rate and size (checked against
# the files) are what the video API turns a video into.
dataset_type = 'Thumos14Dataset'
data_root = 'data/thumos14'
clip_length = 256
crop_size = 96
frame_size = 112
steps_per_second = 10.0

train_pipeline = [
    # Published training pads short videos with raw zeros (-1 after normalisation).
    dict(type='LoadFrameWindow', pad_value=0),
    dict(type='RandomCropClip', size=crop_size),
    dict(type='FlipClip', prob=0.5),
    dict(type='BoundarySplice'),
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
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(video='validation_npy'),
        video_info_file=None,
        ann_file=None,
        class_index_file=None,
        frame_size=frame_size,
        steps_per_second=steps_per_second,
        clip_length=clip_length,
        clip_stride=30,
        pipeline=train_pipeline))

test_pipeline = [
    # Test windows are padded with 0 after normalisation (the preprocessor's test_pad_value).
    dict(type='LoadFrameWindow', pad_value=0),
    dict(type='CenterCropClip', size=crop_size),
    dict(type='PackDetectionInputs'),
]

test_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        data_prefix=dict(video='test_npy'),
        video_info_file=None,
        class_index_file=None,
        frame_size=frame_size,
        steps_per_second=steps_per_second,
        clip_length=clip_length,
        clip_stride=128,
        test_mode=True,
        pipeline=test_pipeline))

# Soft-NMS sigma 0.01 as the published RGB (and fusion) test; tIoU 0.1 ... 0.7. Two published
# test videos have no ground truth (docs/published_code.md §10) and are left out of the mAP.
test_evaluator = dict(type='TemporalDetectionMetric', gt_file=None, subset='test',
                      post_processor=dict(type='VideoPostProcessor', nms_sigma=0.01, top_k=5000),
                      videos_without_gt=('video_test_0000270', 'video_test_0001496'))
test_cfg = dict(type='TestLoop')

# Validation during training is the test split, as the published code and the literature
# evaluate. A config that changes the test data says `val_dataloader = test_dataloader` (and
# the same for the evaluator) after it, so that both change together.
val_dataloader = test_dataloader
val_evaluator = test_evaluator
