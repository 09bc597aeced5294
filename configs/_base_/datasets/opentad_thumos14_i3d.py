# OpenTAD's THUMOS14 release as downloaded (docs/datasets.md): data/thumos-14/annotations/
# thumos_14_anno.json (subsets training = THUMOS14 validation, validation = its test; "frame"
# counts), annotations/category_idx.txt, and the same I3D features under features/
# i3d_actionformer_stride4_thumos/ (with its missing_files.txt). Ambiguous segments are skipped.
clip_length = 256
feature_channels = 2048
num_classes = 20 + 1
feature_dir = 'features/i3d_actionformer_stride4_thumos'
dataset = dict(
    type='OpenTADFeatureDataset',
    data_root='data/thumos-14',
    ann_file='annotations/thumos_14_anno.json',
    class_map='annotations/category_idx.txt',
    data_prefix=dict(video=feature_dir),
    block_list=feature_dir + '/missing_files.txt',
    release='opentad_thumos14_i3d',
    ignore_labels=('Ambiguous', ),
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
# OpenTAD's protocol: tIoU 0.3:0.1:0.7, duplicate annotations dropped, Ambiguous ignored.
test_evaluator = dict(
    type='TemporalDetectionMetric',
    gt_file=None,
    tious=(0.3, 0.4, 0.5, 0.6, 0.7),
    average_tious=None,
    duplicates='drop',
    ignore_labels=('Ambiguous', ),
    post_processor=dict(
        type='VideoPostProcessor',
        nms_sigma=0.5,
        top_k=5000))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator
