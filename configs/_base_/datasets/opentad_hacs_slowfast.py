# OpenTAD's HACS Segments v1.1.1 SlowFast release as downloaded (docs/datasets.md): data/
# hacs-1.1.1/annotations/HACS_segments_v1.1.1.json and category_idx.txt, features/
# slowfast101_15fps_stride8_len32_hacs/<video>.npy ([T, 2304], a 32-frame snippet every 8 frames
# at 15 fps).
_base_ = ['./feature_windows.py']

clip_length = 256
feature_channels = 2304
num_classes = 200 + 1
feature_dir = 'features/slowfast101_15fps_stride8_len32_hacs'
dataset = dict(
    type='OpenTADFeatureDataset',
    data_root='data/hacs-1.1.1',
    ann_file='annotations/HACS_segments_v1.1.1.json',
    class_map='annotations/category_idx.txt',
    data_prefix=dict(video=feature_dir),
    block_list=feature_dir + '/missing_files.txt',
    release='opentad_hacs_slowfast',
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='training', clip_stride=clip_length // 4))
test_dataloader = dict(dataset=dict(dataset, subset='validation', clip_stride=clip_length // 2))
val_dataloader = test_dataloader
# HACS's protocol (OpenTAD): tIoU 0.5:0.05:0.95, duplicates dropped.
test_evaluator = dict(
    tious=(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(nms_sigma=0.75))
val_evaluator = test_evaluator
