# GAF, Inception-I3D, THUMOS14, TV-L1 optical flow (the published configs/thumos14_flow.yaml):
# [T, 112, 112, 2] uint8 npy frames, batch 1, 16 epochs, test soft-NMS sigma 0.5.
_base_ = ['./gaf_thumos14_rgb.py']

model = dict(
    backbone=dict(in_channels=2, pretrained='data/i3d_models/flow_imagenet.pt'),
    loss_recon=dict(warmup_epochs=16))

# The 'video' files hold flow here: 2 channels per frame.
train_dataloader = dict(batch_size=1, dataset=dict(data_prefix=dict(video='validation_flow_npy'),
                                                  channels=dict(video=2)))
train_cfg = dict(max_epochs=16, val_interval=2)
auto_scale_lr = dict(base_batch_size=1)
test_dataloader = dict(dataset=dict(data_prefix=dict(video='test_flow_npy'), channels=dict(video=2)))
test_evaluator = dict(nms_sigma=0.5)
val_dataloader = test_dataloader
val_evaluator = test_evaluator
