# The GAF RGB config at test sizes: 64-frame windows, 32-pixel crops of 40-pixel frames (as
# gaf_mmaction.testing writes them), 6 levels (16, 8, 4, 2, 1, 1 cells), 3 action classes,
# random initialisation.
_base_ = ['../../../configs/gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py']

clip_length = 64
crop_size = 32
frame_size = 40

model = dict(
    clip_length=clip_length,
    crop_size=crop_size,
    backbone=dict(pretrained=None),
    attention=dict(loss_recon=dict(warmup_epochs=2)),
    head=dict(num_classes=4))

train_pipeline = [
    dict(type='LoadFrameWindow', pad_value=0),
    dict(type='RandomCropClip', size=crop_size),
    dict(type='FlipClip', prob=0.5),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs'),
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=None, frame_size=frame_size, clip_length=clip_length, clip_stride=16,
                 pipeline=train_pipeline))
train_cfg = dict(max_epochs=2)
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)

test_pipeline = [
    dict(type='LoadFrameWindow', pad_value=0),
    dict(type='CenterCropClip', size=crop_size),
    dict(type='PackDetectionInputs'),
]
test_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=None, frame_size=frame_size, clip_length=clip_length, clip_stride=32,
                 pipeline=test_pipeline))
val_dataloader = test_dataloader
