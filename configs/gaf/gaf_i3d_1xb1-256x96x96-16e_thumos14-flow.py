# GAF, Inception-I3D, THUMOS14 TV-L1 optical flow (the published configs/thumos14_flow.yaml):
# 2-channel clips, batch 1, 16 epochs, test soft-NMS sigma 0.5.
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/thumos14_rgb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

model = dict(
    clip_length={{_base_.clip_length}}, crop_size={{_base_.crop_size}},
    backbone=dict(in_channels=2, pretrained='data/i3d_models/flow_imagenet.pt'),
    attention=dict(loss_recon=dict(warmup_epochs=16)))

# [T, 112, 112, 2] uint8 TV-L1 flow (x, y) per frame.
train_dataloader = dict(batch_size=1, dataset=dict(data_prefix=dict(video='validation_flow_npy'),
                                                   channels=dict(video=2)))
test_dataloader = dict(dataset=dict(data_prefix=dict(video='test_flow_npy'),
                                    channels=dict(video=2)))
val_dataloader = test_dataloader
train_cfg = dict(max_epochs=16, val_interval=2)
auto_scale_lr = dict(base_batch_size=1)
test_evaluator = dict(post_processor=dict(nms_sigma=0.5))
val_evaluator = test_evaluator
randomness = dict(seed=2020)
