# RGB + flow fusion of GAF on THUMOS14 (the published `test.py --fusion`): the raw outputs of the
# RGB detector (with attention) and of the flow detector (run without attention, as published)
# are averaged before decoding; soft-NMS sigma 0.01. Combine the two trained checkpoints into one
# checkpoint of this config, then test it (with our test tool or MMAction2's):
#   python tools/fuse_checkpoints.py RGB.pth FLOW.pth fused.pth
#   python tools/test.py configs/gaf_thumos14_fusion.py fused.pth
_base_ = ['./gaf_thumos14_rgb.py']

model = dict(
    _delete_=True,
    type='GAFFusionDetector',
    data_preprocessor=dict(type='ClipDataPreprocessor', test_pad_value=0.0),
    rgb={{_base_.model}},
    flow={{_base_.model}},
    flow_in_channels=2,
    flow_attention=False,
    rgb_checkpoint=None,
    flow_checkpoint=None)

test_pipeline = [
    dict(type='LoadFrameWindow', clip_length=256, pad_value=0),
    dict(type='LoadFrameWindow', clip_length=256, pad_value=0, filename_key='flow_filename',
         out_key='flow_imgs'),
    dict(type='CenterCropClip', size=96, keys=('imgs', 'flow_imgs')),
    dict(type='PackDetectionInputs', clip_length=256, input_keys=('imgs', 'flow_imgs')),
]
test_dataloader = dict(
    dataset=dict(data_prefix=dict(video='test_npy', flow='test_flow_npy'),
                 pipeline=test_pipeline))
test_evaluator = dict(nms_sigma=0.01)
