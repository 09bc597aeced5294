# RGB + flow fusion of GAF on ActivityNet-1.3 (the published anet/test_fusion.py), for testing:
# each stream decodes its own segments and the fused boundaries are their geometric mean; class
# and centerness logits are averaged. The flow detector runs without attention, as published.
# Detections scoring above 0 are kept; soft-NMS sigma 0.95 with candidates down to 1e-18.
# Fuse the two trained checkpoints with this config (the fusion tool's default is THUMOS14's):
#   python tools/fuse_checkpoints.py RGB.pth FLOW.pth fused.pth \
#       --config configs/gaf/gaf_i3d_768x96x96_activitynet-rgb-flow-fusion.py
#   python tools/test.py configs/gaf/gaf_i3d_768x96x96_activitynet-rgb-flow-fusion.py fused.pth
_base_ = [
    '../_base_/models/gaf_i3d_activitynet.py', '../_base_/datasets/activitynet_rgb.py',
    '../_base_/schedules/gaf_two_pass_activitynet.py', '../_base_/default_runtime.py'
]

model = dict(
    _delete_=True,
    type='GAFFusionDetector',
    data_preprocessor={{_base_.model.data_preprocessor}},
    rgb={{_base_.model}},
    flow={{_base_.model}},
    clip_length={{_base_.clip_length}}, crop_size={{_base_.crop_size}},
    flow_in_channels=2,
    flow_attention=False,
    boundary_fusion='geometric_mean',
    rgb_checkpoint=None,
    flow_checkpoint=None,
    test_cfg=dict(score_threshold=0.0))

# Each test video loads its RGB and its flow frames (data/activitynet/train_val_flow_npy,
# [T, 112, 112, 2] uint8), crops both alike and packs them on the channel axis (RGB first).
test_pipeline = [
    dict(type='LoadFrameWindow', pad_value=128),
    dict(type='LoadFrameWindow', pad_value=128, filename_key='flow_filename',
         out_key='flow_imgs'),
    dict(type='CenterCropClip', size={{_base_.crop_size}}, keys=('imgs', 'flow_imgs')),
    dict(type='PackDetectionInputs', input_keys=('imgs', 'flow_imgs')),
]
test_dataloader = dict(
    dataset=dict(data_prefix=dict(video='train_val_npy', flow='train_val_flow_npy'),
                 pipeline=test_pipeline))
val_dataloader = test_dataloader
test_evaluator = dict(post_processor=dict(nms_sigma=0.95, nms_score_threshold=1e-18))
val_evaluator = test_evaluator
