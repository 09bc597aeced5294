# GAF on ActivityNet-1.3 TV-L1 optical flow (the published anet_flow.yaml): the RGB recipe on
# 2-channel clips (data/activitynet/train_val_flow_npy), test soft-NMS sigma 0.85.
_base_ = ['./gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py']

model = dict(backbone=dict(in_channels=2, pretrained='data/i3d_models/flow_imagenet.pt'))

train_dataloader = dict(dataset=dict(data_prefix=dict(video='train_val_flow_npy'),
                                     channels=dict(video=2)))
test_dataloader = dict(dataset=dict(data_prefix=dict(video='train_val_flow_npy'),
                                    channels=dict(video=2)))
val_dataloader = test_dataloader
test_evaluator = dict(post_processor=dict(nms_sigma=0.85))
val_evaluator = test_evaluator
