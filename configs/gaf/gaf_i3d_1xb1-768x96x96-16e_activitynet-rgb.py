# GAF on ActivityNet-1.3, RGB, with AFSD's ActivityNet head and loss (docs/activitynet.md): one
# 768-frame window per re-encoded video, Mixed_5c only, stride-scaled distances, per-level
# regression ranges, class-agnostic detection labelled by a video-level classifier at test time,
# background loss x700. Batch 1, Adam lr 1e-4 (backbone x0.1), weight decay 1e-4, 16 epochs.
#   python tools/train.py configs/gaf/gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py
_base_ = [
    '../_base_/models/gaf_i3d_activitynet.py', '../_base_/datasets/activitynet_rgb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

model = dict(backbone=dict(pretrained='data/i3d_models/rgb_imagenet.pt'))

optim_wrapper = dict(
    detector=dict(
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.999), weight_decay=1e-4),
        paramwise_cfg=dict(custom_keys=dict(backbone=dict(lr_mult=0.1)))))
train_cfg = dict(max_epochs=16, val_interval=2)
auto_scale_lr = dict(base_batch_size=1)
randomness = dict(seed=2020)
