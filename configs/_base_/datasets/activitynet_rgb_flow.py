# ActivityNet-1.3 test videos of both streams for RGB + flow fusion: each video loads its RGB and
# its flow frames (data/activitynet/train_val_flow_npy/<video id>.npy, [T, 112, 112, 2] uint8),
# crops both alike and packs them on the channel axis (RGB first).
_base_ = ['./activitynet_rgb.py']

test_pipeline = [
    dict(type='LoadFrameWindow', pad_value=128),
    dict(type='LoadFrameWindow', pad_value=128, filename_key='flow_filename',
         out_key='flow_imgs'),
    dict(type='CenterCropClip', size=96, keys=('imgs', 'flow_imgs')),
    dict(type='PackDetectionInputs', input_keys=('imgs', 'flow_imgs')),
]
test_dataloader = dict(
    dataset=dict(data_prefix=dict(video='train_val_npy', flow='train_val_flow_npy'),
                 pipeline=test_pipeline))
val_dataloader = test_dataloader
