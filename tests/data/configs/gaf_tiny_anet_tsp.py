# configs/gaf/gaf_features_1xb8-192-30e_activitynet-actionformer-tsp.py at the sizes and
# training settings of ./gaf_tiny_actionformer.py (videos resampled to 192 steps, as there).
_base_ = ['../../../configs/gaf/gaf_features_1xb8-192-30e_activitynet-actionformer-tsp.py']

width = 64
model = dict(
    backbone=dict(in_channels=64),
    attention=dict(head=dict(reduce_channels=width), norm='per_sample_mean',
                   loss_recon=dict(warmup_epochs=2)),
    neck=dict(channels=width),
    head=dict(proposal_channels=width, loss_background=dict(loss_weight=1.0)))
optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-3), clip_grad=dict(max_norm=10)))
loader = dict(batch_size=2, num_workers=0, persistent_workers=False, pin_memory=False)
train_dataloader = dict(**loader)
test_dataloader = dict(**loader)
val_dataloader = test_dataloader
train_cfg = dict(max_epochs=1, val_interval=1)
default_hooks = dict(logger=dict(interval=1))
randomness = dict(seed=0)
