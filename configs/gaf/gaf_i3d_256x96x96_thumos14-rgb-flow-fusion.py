# RGB + flow fusion of GAF on THUMOS14 (the published `test.py --fusion`), for testing: the raw
# outputs of the RGB detector (with attention) and of the flow detector (run without attention,
# as published) are averaged before decoding; soft-NMS sigma 0.01. Combine the two trained
# checkpoints into one checkpoint of this config, then test it (our test tool or MMAction2's):
#   python tools/fuse_checkpoints.py RGB.pth FLOW.pth fused.pth
#   python tools/test.py configs/gaf/gaf_i3d_256x96x96_thumos14-rgb-flow-fusion.py fused.pth
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/thumos14_rgb.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
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
    rgb_checkpoint=None,
    flow_checkpoint=None)

# Each test window loads its RGB and its flow frames, crops both alike and packs them on the
# channel axis (RGB first).
test_pipeline = [
    dict(type='LoadFrameWindow', pad_value=0),
    dict(type='LoadFrameWindow', pad_value=0, filename_key='flow_filename',
         out_key='flow_imgs'),
    dict(type='CenterCropClip', size={{_base_.crop_size}}, keys=('imgs', 'flow_imgs')),
    dict(type='PackDetectionInputs', input_keys=('imgs', 'flow_imgs')),
]
test_dataloader = dict(dataset=dict(data_prefix=dict(video='test_npy', flow='test_flow_npy'),
                                    pipeline=test_pipeline))
val_dataloader = test_dataloader
test_evaluator = dict(post_processor=dict(nms_sigma=0.01))
