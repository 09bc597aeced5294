# ActionFormer's THUMOS14 release as downloaded (docs/datasets.md): data/thumos/annotations/
# thumos14.json and data/thumos/i3d_features/<video>.npy, [T, 2048] float32 (RGB then flow
# I3D), a 16-frame snippet every 4 frames at each video's own rate (the JSON's fps).
# Windows of clip_length feature steps; stream='rgb' or 'flow' reads 1024 of the channels.
_base_ = ['./feature_windows.py']

clip_length = 256
feature_channels = 2048
num_classes = 20 + 1
dataset = dict(
    type='ActionFormerFeatureDataset',
    data_root='data/thumos',
    ann_file='annotations/thumos14.json',
    data_prefix=dict(video='i3d_features'),
    release='actionformer_thumos14_i3d',
    num_classes=num_classes - 1,
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='validation', clip_stride=clip_length // 4))
test_dataloader = dict(dataset=dict(dataset, subset='test', clip_stride=clip_length // 2))
val_dataloader = test_dataloader
# ActionFormer's protocol: tIoU 0.3:0.1:0.7, duplicate annotations dropped; the ground truth
# is the annotation file's own test subset (gt_file=None).
test_evaluator = dict(
    tious=(0.3, 0.4, 0.5, 0.6, 0.7),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(nms_sigma=0.5))
val_evaluator = test_evaluator
