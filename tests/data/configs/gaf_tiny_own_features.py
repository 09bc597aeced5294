# The own-videos feature config at test sizes: 1024-channel features (the tiny I3D's), 16-step
# windows, 2 classes.
_base_ = ['../../../configs/gaf/gaf_i3d-features_1xb8-128-30e_own-videos.py']

window = 16
model = dict(
    clip_length=window,
    attention=dict(loss_recon=dict(warmup_epochs=2)),
    head=dict(num_classes=3))
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(clip_length=window, clip_stride=4, pipeline={{_base_.train_pipeline}}))
test_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(clip_length=window, clip_stride=8, pipeline={{_base_.test_pipeline}}))
val_dataloader = test_dataloader
train_cfg = dict(max_epochs=1)
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)
