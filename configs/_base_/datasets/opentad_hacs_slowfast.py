# OpenTAD's HACS Segments v1.1.1 SlowFast release as downloaded (docs/datasets.md): data/
# hacs-1.1.1/annotations/HACS_segments_v1.1.1.json and category_idx.txt, features/
# slowfast101_15fps_stride8_len32_hacs/<video>.npy ([T, 2304], a 32-frame snippet every 8 frames
# at 15 fps).
clip_length = 256
feature_channels = 2304
num_classes = 200 + 1
feature_dir = 'features/slowfast101_15fps_stride8_len32_hacs'
dataset = dict(
    type='OpenTADFeatureDataset',
    data_root='data/hacs-1.1.1',
    ann_file='annotations/HACS_segments_v1.1.1.json',
    class_map='annotations/category_idx.txt',
    data_prefix=dict(video=feature_dir),
    block_list=feature_dir + '/missing_files.txt',
    release='opentad_hacs_slowfast',
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
# HACS's protocol (OpenTAD): tIoU 0.5:0.05:0.95, duplicates dropped.
test_evaluator = dict(
    type='TemporalDetectionMetric',
    gt_file=None,
    tious=(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(
        type='VideoPostProcessor',
        nms_sigma=0.75,
        top_k=5000))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
