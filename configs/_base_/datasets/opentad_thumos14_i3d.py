# OpenTAD's THUMOS14 release as downloaded (docs/datasets.md): data/thumos-14/annotations/
# thumos_14_anno.json (subsets training = THUMOS14 validation, validation = its test; "frame"
# counts), annotations/category_idx.txt, and the same I3D features under features/
# i3d_actionformer_stride4_thumos/ (with its missing_files.txt). Ambiguous segments are skipped.
_base_ = ['./feature_windows.py']

clip_length = 256
feature_channels = 2048
num_classes = 20 + 1
feature_dir = 'features/i3d_actionformer_stride4_thumos'
dataset = dict(
    type='OpenTADFeatureDataset',
    data_root='data/thumos-14',
    ann_file='annotations/thumos_14_anno.json',
    class_map='annotations/category_idx.txt',
    data_prefix=dict(video=feature_dir),
    block_list=feature_dir + '/missing_files.txt',
    release='opentad_thumos14_i3d',
    ignore_labels=('Ambiguous', ),
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='training', clip_stride=clip_length // 4))
test_dataloader = dict(dataset=dict(dataset, subset='validation', clip_stride=clip_length // 2))
val_dataloader = test_dataloader
# OpenTAD's protocol: tIoU 0.3:0.1:0.7, duplicate annotations dropped, Ambiguous ignored.
test_evaluator = dict(
    tious=(0.3, 0.4, 0.5, 0.6, 0.7),
    average_tious=None,
    duplicates='drop',
    ignore_labels=('Ambiguous', ),
    post_processor=dict(nms_sigma=0.5))
val_evaluator = test_evaluator
