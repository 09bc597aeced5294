# OpenTAD's Multi-THUMOS release as downloaded (docs/datasets.md): data/multithumos/annotations/
# multithumos_anno.json and category_idx.txt (65 classes) over THUMOS14's I3D features,
# data/thumos-14/features/i3d_actionformer_stride4_thumos/ (shared with the THUMOS14 release).
_base_ = ['./feature_windows.py']

clip_length = 256
feature_channels = 2048
num_classes = 65 + 1
feature_dir = 'thumos-14/features/i3d_actionformer_stride4_thumos'
dataset = dict(
    type='OpenTADFeatureDataset',
    data_root='data',
    ann_file='multithumos/annotations/multithumos_anno.json',
    class_map='multithumos/annotations/category_idx.txt',
    data_prefix=dict(video=feature_dir),
    block_list=feature_dir + '/missing_files.txt',
    release='opentad_thumos14_i3d',
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='training', clip_stride=clip_length // 4))
test_dataloader = dict(dataset=dict(dataset, subset='validation', clip_stride=clip_length // 2))
val_dataloader = test_dataloader
# Multi-THUMOS's protocol (OpenTAD): tIoU 0.1:0.1:0.9, duplicates dropped.
test_evaluator = dict(
    tious=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(nms_sigma=0.75))
val_evaluator = test_evaluator
