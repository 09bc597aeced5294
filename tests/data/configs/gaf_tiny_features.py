# configs/gaf_features_thumos14_i3d.py at test sizes: 64-channel features, 32-step windows.
_base_ = ['../../../configs/gaf_features_thumos14_i3d.py']

window = 32
channels = 64
model = dict(
    backbone=dict(in_channels=channels),
    attention=dict(in_channels=(channels, ), temporal_sizes=(window, )),
    neck=dict(in_channels=(channels, ), clip_length=window),
    head=dict(clip_length=window, num_classes=4),
    loss_recon=dict(warmup_epochs=2))
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=None, clip_length=window, clip_stride=8, pipeline=[
        dict(type='LoadFeatureWindow', window_length=window),
        dict(type='BoundarySplice'),
        dict(type='PackDetectionInputs', clip_length=window)]))
test_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=None, clip_length=window, clip_stride=16, pipeline=[
        dict(type='LoadFeatureWindow', window_length=window),
        dict(type='PackDetectionInputs', clip_length=window)]))
train_cfg = dict(max_epochs=1)
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)
val_dataloader = test_dataloader
