# GAF on ActivityNet-1.3, RGB, with AFSD's ActivityNet head and loss (docs/activitynet.md): one
# 768-frame window per re-encoded video, Mixed_5c only, stride-scaled distances, per-level
# regression ranges, class-agnostic detection labelled by a video-level classifier at test time,
# background loss x700. Batch 1, Adam lr 1e-4 (backbone x0.1), weight decay 1e-4, 16 epochs.
#   python tools/train.py configs/gaf/gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py
_base_ = [
    '../_base_/models/gaf_i3d_activitynet.py', '../_base_/datasets/activitynet_rgb.py',
    '../_base_/schedules/gaf_two_pass_activitynet.py', '../_base_/default_runtime.py'
]

model = dict(clip_length={{_base_.clip_length}}, crop_size={{_base_.crop_size}},
             backbone=dict(pretrained='data/i3d_models/rgb_imagenet.pt'))

randomness = dict(seed=2020)
