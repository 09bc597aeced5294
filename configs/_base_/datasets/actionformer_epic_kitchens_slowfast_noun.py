# ActionFormer's EPIC-Kitchens-100 SlowFast release as downloaded, nouns (docs/datasets.md):
# data/epic_kitchens/annotations/epic_kitchens_100_noun.json and features/<video>.npz ("feats"
# [T, 2304], a 32-frame snippet every 16 frames at 30 fps).
_base_ = ['./feature_windows.py']

clip_length = 256
feature_channels = 2304
num_classes = 300 + 1
dataset = dict(
    type='ActionFormerFeatureDataset',
    data_root='data/epic_kitchens',
    ann_file='annotations/epic_kitchens_100_noun.json',
    data_prefix=dict(video='features'),
    release='actionformer_epic_slowfast',
    num_classes=num_classes - 1,
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='training', clip_stride=clip_length // 4))
test_dataloader = dict(dataset=dict(dataset, subset='validation', clip_stride=clip_length // 2))
val_dataloader = test_dataloader
# EPIC-Kitchens' protocol (ActionFormer): tIoU 0.1:0.1:0.5, duplicates dropped.
test_evaluator = dict(
    tious=(0.1, 0.2, 0.3, 0.4, 0.5),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(nms_sigma=0.4))
val_evaluator = test_evaluator
