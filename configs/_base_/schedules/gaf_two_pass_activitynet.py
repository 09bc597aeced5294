# The two-pass schedule with the published ActivityNet recipe (anet.yaml): the detector's Adam
# at lr 1e-4 (the backbone at a tenth of it) with weight decay 1e-4, 16 epochs, validation every
# 2, for batch 1 on one GPU.
_base_ = ['./gaf_two_pass.py']

optim_wrapper = dict(
    detector=dict(
        optimizer=dict(lr=1e-4, weight_decay=1e-4),
        paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1)))))
train_cfg = dict(max_epochs=16, val_interval=2)
auto_scale_lr = dict(base_batch_size=1)
