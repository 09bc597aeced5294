# GAF, Inception-I3D, THUMOS14 TV-L1 optical flow (the published configs/thumos14_flow.yaml):
# 2-channel clips, batch 1, 16 epochs, test soft-NMS sigma 0.5.
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/thumos14_flow.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

model = dict(
    backbone=dict(in_channels=2, pretrained='data/i3d_models/flow_imagenet.pt'),
    attention=dict(loss_recon=dict(warmup_epochs=16)))

train_dataloader = dict(batch_size=1)
train_cfg = dict(max_epochs=16, val_interval=2)
auto_scale_lr = dict(base_batch_size=1)
test_evaluator = dict(nms_sigma=0.5)
val_evaluator = test_evaluator
randomness = dict(seed=2020)
