# configs/gaf/gaf_features_1xb8-256-30e_thumos14-opentad-i3d.py at the sizes and training
# settings of ./gaf_tiny_actionformer.py.
_base_ = ['../../../configs/gaf/gaf_features_1xb8-256-30e_thumos14-opentad-i3d.py']

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
train_dataloader = dict(**loader, dataset=dict(clip_length=window, clip_stride=8))
test_dataloader = dict(**loader, dataset=dict(clip_length=window, clip_stride=16))
val_dataloader = test_dataloader
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=5))
randomness = dict(seed=0)
