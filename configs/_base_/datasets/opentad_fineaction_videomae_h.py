# OpenTAD's FineAction VideoMAE-H release as downloaded (docs/datasets.md): data/fineaction/
# annotations/annotations_gt.json and category_idx.txt, features/
# intervideo_mae_huge_k700_stride16_len16_fineaction/<video>.npy ([T, 1280], a 16-frame snippet
# every 16 frames at 30 fps).
_base_ = ['./feature_windows.py']

clip_length = 256
feature_channels = 1280
num_classes = 106 + 1
feature_dir = 'features/intervideo_mae_huge_k700_stride16_len16_fineaction'
dataset = dict(
    type='OpenTADFeatureDataset',
    data_root='data/fineaction',
    ann_file='annotations/annotations_gt.json',
    class_map='annotations/category_idx.txt',
    data_prefix=dict(video=feature_dir),
    block_list=feature_dir + '/missing_files.txt',
    release='opentad_fineaction_videomae_h',
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='training', clip_stride=clip_length // 4))
test_dataloader = dict(dataset=dict(dataset, subset='validation', clip_stride=clip_length // 2))
val_dataloader = test_dataloader
# FineAction's protocol (OpenTAD): tIoU 0.5:0.05:0.95, duplicates dropped.
test_evaluator = dict(
    tious=(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(nms_sigma=0.75))
val_evaluator = test_evaluator
