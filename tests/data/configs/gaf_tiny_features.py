# configs/gaf/gaf_i3d-features_1xb8-256-30e_thumos14.py at test sizes: 64-channel features, 32-step windows.
_base_ = ['../../../configs/gaf/gaf_i3d-features_1xb8-256-30e_thumos14.py']

window = 32
model = dict(
    clip_length=window,
    backbone=dict(in_channels=64),
    attention=dict(loss_recon=dict(warmup_epochs=2)),
    head=dict(num_classes=4))
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=None, clip_length=window, clip_stride=8, pipeline=[
        dict(type='LoadFeatureWindow'),
        dict(type='BoundarySplice'),
        dict(type='PackDetectionInputs')]))
test_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=None, clip_length=window, clip_stride=16, pipeline=[
        dict(type='LoadFeatureWindow'),
        dict(type='PackDetectionInputs')]))
train_cfg = dict(max_epochs=1)
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)
val_dataloader = test_dataloader
