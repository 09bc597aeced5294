# GAF on pre-extracted THUMOS14 I3D features (the layout most temporal detection work uses: one
# data/thumos14/i3d_features/<video>.npy of [T, 2048] per video, a feature every 4 frames).
# No backbone runs: attention, CVAE, neck and heads work on [B, 2048, T] (a 1 x 1 spatial map);
# windows of 256 feature steps (about 34 s) slide over feature time. A new setting, not part of
# the published code: its learning rate, epochs and soft-NMS sigma are our choices.
_base_ = [
    './_base_/models/gaf_i3d.py', './_base_/schedules/gaf_two_pass.py',
    './_base_/default_runtime.py'
]

window = 256
channels = 2048
model = dict(
    data_preprocessor=dict(type='ClipDataPreprocessor', normalize=False, test_pad_value=None),
    backbone=dict(_delete_=True, type='PrecomputedFeatures', in_channels=channels),
    attention=dict(in_channels=(channels, ), temporal_sizes=(window, ), spatial_sizes=(1, )),
    neck=dict(in_channels=(channels, ), spatial_sizes=(1, ), clip_length=window),
    head=dict(clip_length=window),
    loss_recon=dict(warmup_epochs=30))

train_pipeline = [
    dict(type='LoadFeatureWindow', window_length=window),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs', clip_length=window),
]
test_pipeline = [
    dict(type='LoadFeatureWindow', window_length=window),
    dict(type='PackDetectionInputs', clip_length=window),
]
dataset = dict(
    type='Thumos14FeatureDataset',
    data_root='data/thumos14',
    data_prefix=dict(video='i3d_features'),
    feature_stride=4,
    video_info_file=None,
    class_index_file=None,
    clip_length=window)
train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    pin_memory=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
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
                      nms_sigma=0.5, top_k=5000,
                      videos_without_gt=('video_test_0000270', 'video_test_0001496'))
test_cfg = dict(type='TestLoop')
val_dataloader = test_dataloader
val_evaluator = test_evaluator

optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-4)))
train_cfg = dict(max_epochs=30, val_interval=5)
randomness = dict(seed=2020)
