# RGB + flow fusion of GAF on ActivityNet-1.3 (the published anet/test_fusion.py), for testing:
# each stream decodes its own segments and the fused boundaries are their geometric mean; class
# and centerness logits are averaged. The flow detector runs without attention, as published.
# Detections scoring above 0 are kept; soft-NMS sigma 0.95 with candidates down to 1e-18.
#   python tools/fuse_checkpoints.py RGB.pth FLOW.pth fused.pth
#   python tools/test.py configs/gaf/gaf_i3d_768x96x96_activitynet-rgb-flow-fusion.py fused.pth
_base_ = [
    '../_base_/models/gaf_i3d_activitynet.py', '../_base_/datasets/activitynet_rgb_flow.py',
    '../_base_/schedules/gaf_two_pass_activitynet.py', '../_base_/default_runtime.py'
]

model = dict(
    _delete_=True,
    type='GAFFusionDetector',
    data_preprocessor={{_base_.model.data_preprocessor}},
    rgb={{_base_.model}},
    flow={{_base_.model}},
    flow_in_channels=2,
    flow_attention=False,
    boundary_fusion='geometric_mean',
    rgb_checkpoint=None,
    flow_checkpoint=None,
    test_cfg=dict(score_threshold=0.0))

test_evaluator = dict(nms_sigma=0.95, nms_score_threshold=1e-18)
val_evaluator = test_evaluator
