# GAF's two-pass schedule (./gaf_two_pass.py) with the published ActivityNet recipe (anet.yaml):
# the detector's Adam at lr 1e-4 (the backbone at a tenth of it) with weight decay 1e-4, 16
# epochs, validation every 2, for batch 1 on one GPU.
train_cfg = dict(type='TwoPassTrainLoop', max_epochs=16, val_interval=2, interleave=False)
val_cfg = dict(type='ValLoop')

optim_wrapper = dict(
    constructor='GAFOptimWrapperConstructor',
    detector=dict(
        type='SkipNonFiniteOptimWrapper',
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.999), weight_decay=1e-4, fused=True),
        paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1)))),
    cvae=dict(
        type='SkipNonFiniteOptimWrapper',
        optimizer=dict(type='Adam', lr=1e-3, betas=(0.8, 0.999), weight_decay=0, fused=True)))

param_scheduler = []
model_wrapper_cfg = dict(type='TwoPassDistributedDataParallel')
auto_scale_lr = dict(enable=False, base_batch_size=1)
