# OpenTAD's Multi-THUMOS release as downloaded (docs/datasets.md): data/multithumos/annotations/
# multithumos_anno.json and category_idx.txt (65 classes) over THUMOS14's I3D features,
# data/thumos-14/features/i3d_actionformer_stride4_thumos/ (shared with the THUMOS14 release).
clip_length = 256
feature_channels = 2048
num_classes = 65 + 1
feature_dir = 'thumos-14/features/i3d_actionformer_stride4_thumos'
dataset = dict(
    type='OpenTADFeatureDataset',
    data_root='data',
    ann_file='multithumos/annotations/multithumos_anno.json',
    class_map='multithumos/annotations/category_idx.txt',
    data_prefix=dict(video=feature_dir),
    block_list=feature_dir + '/missing_files.txt',
    release='opentad_thumos14_i3d',
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
# Multi-THUMOS's protocol (OpenTAD): tIoU 0.1:0.1:0.9, duplicates dropped.
test_evaluator = dict(
    type='TemporalDetectionMetric',
    gt_file=None,
    tious=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(
        type='VideoPostProcessor',
        nms_sigma=0.75,
        top_k=5000))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
