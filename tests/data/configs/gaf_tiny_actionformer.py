# configs/gaf/gaf_features_1xb8-256-30e_thumos14-actionformer-i3d.py at test sizes: 64-channel
# replica features of 3 classes, 32-step windows, a 64-wide model; trained from scratch on CPU
# with the synthetic demo's settings (configs/gaf/gaf_i3d_1xb4-64x32x32-18e_synthetic-demo.py
# says why each is needed): per-sample-mean attention, background weight 1, detector lr 1e-3.
_base_ = ['../../../configs/gaf/gaf_features_1xb8-256-30e_thumos14-actionformer-i3d.py']

window = 32
width = 64
model = dict(
    clip_length=window,
    backbone=dict(in_channels=64),
    attention=dict(head=dict(reduce_channels=width), norm='per_sample_mean',
                   loss_recon=dict(warmup_epochs=2)),
    neck=dict(channels=width),
    head=dict(num_classes=4, proposal_channels=width, loss_background=dict(loss_weight=1.0)))
optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-3), clip_grad=dict(max_norm=10)))
loader = dict(batch_size=8, num_workers=0, persistent_workers=False, pin_memory=False)
train_dataloader = dict(
    **loader, dataset=dict(num_classes=3, clip_length=window, clip_stride=8))
test_dataloader = dict(
    **loader, dataset=dict(num_classes=3, clip_length=window, clip_stride=16))
val_dataloader = test_dataloader
train_cfg = dict(max_epochs=1, val_interval=100)
default_hooks = dict(logger=dict(interval=5))
randomness = dict(seed=0)
