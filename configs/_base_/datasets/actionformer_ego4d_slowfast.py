# Ego4D moment queries, SlowFast, as ActionFormer's tools/convert_ego4d_trainval.py writes them
# (docs/datasets.md): data/ego4d/annotations/ego4d.json and slowfast_features/<clip>.npy
# ([T, 2304], a 32-frame snippet every 16 frames at 30 fps).
_base_ = ['./feature_windows.py']

clip_length = 256
feature_channels = 2304
num_classes = 110 + 1
dataset = dict(
    type='ActionFormerFeatureDataset',
    data_root='data/ego4d',
    ann_file='annotations/ego4d.json',
    data_prefix=dict(video='slowfast_features'),
    release='actionformer_ego4d_slowfast',
    num_classes=num_classes - 1,
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='training', clip_stride=clip_length // 4))
test_dataloader = dict(dataset=dict(dataset, subset='validation', clip_stride=clip_length // 2))
val_dataloader = test_dataloader
# Ego4D moment queries' protocol (ActionFormer): tIoU 0.1:0.1:0.5, duplicates dropped.
test_evaluator = dict(
    tious=(0.1, 0.2, 0.3, 0.4, 0.5),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(nms_sigma=0.9))
val_evaluator = test_evaluator
