# The GAF ActivityNet RGB config at test sizes: videos re-encoded to at most 64 frames, 32-pixel
# crops, Mixed_5c only (8 steps, 1x1 pixels), 6 levels (8, 4, 2, 1, 1, 1 cells) with per-level
# ranges for 64-frame clips, random initialisation. Point the data at generated files with
# --cfg-options (tests/e2e/test_activitynet_pipeline.py).
_base_ = ['../../../configs/gaf/gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py']

clip_length = 64
crop_size = 32

model = dict(
    clip_length=clip_length,
    crop_size=crop_size,
    backbone=dict(pretrained=None),
    attention=dict(loss_recon=dict(warmup_epochs=2)),
    head=dict(matcher=dict(level_ranges=((0, 8), (4, 16), (8, 32), (16, 64), (24, 64),
                                         (32, 64)))))

train_pipeline = [
    dict(type='LoadFrameWindow', pad_value=128),
    dict(type='RandomCropClip', size=crop_size),
    dict(type='FlipClip', prob=0.5),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs'),
]
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=None, clip_length=clip_length, pipeline=train_pipeline))
train_cfg = dict(max_epochs=2, val_interval=2)
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)

test_pipeline = [
    dict(type='LoadFrameWindow', pad_value=128),
    dict(type='CenterCropClip', size=crop_size),
    dict(type='PackDetectionInputs'),
]
test_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=None, clip_length=clip_length, pipeline=test_pipeline))
val_dataloader = test_dataloader
