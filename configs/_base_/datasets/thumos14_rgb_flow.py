# THUMOS14 test windows of both streams for RGB + flow fusion: each window loads its RGB and its
# flow frames, crops both alike and packs them on the channel axis (RGB first).
_base_ = ['./thumos14_rgb.py']

test_pipeline = [
    dict(type='LoadFrameWindow', pad_value=0),
    dict(type='LoadFrameWindow', pad_value=0, filename_key='flow_filename',
         out_key='flow_imgs'),
    dict(type='CenterCropClip', size=96, keys=('imgs', 'flow_imgs')),
    dict(type='PackDetectionInputs', input_keys=('imgs', 'flow_imgs')),
]
test_dataloader = dict(
    dataset=dict(data_prefix=dict(video='test_npy', flow='test_flow_npy'),
                 pipeline=test_pipeline))
val_dataloader = test_dataloader
