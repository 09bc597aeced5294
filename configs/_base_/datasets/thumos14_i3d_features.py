# Pre-extracted THUMOS14 I3D features (the layout most temporal detection work uses): one
# data/thumos14/i3d_features/<video>.npy of [T, 2048] per video, a 16-frame snippet every 4
# frames at the video's own rate, each feature at its snippet's centre (docs/datasets.md).
# Windows of 256 feature steps (about 34 s) slide over feature time; LoadFeatureWindow reads
# them memory-mapped as [2048, 256, 1, 1] maps.
_base_ = ['./feature_windows.py']

clip_length = 256
dataset = dict(
    type='Thumos14FeatureDataset',
    data_root='data/thumos14',
    data_prefix=dict(video='i3d_features'),
    feature_stride=4,
    snippet_length=16,
    video_info_file=None,
    class_index_file=None,
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, ann_file=None, clip_stride=64))
test_dataloader = dict(dataset=dict(dataset, clip_stride=128))
val_dataloader = test_dataloader
test_evaluator = dict(subset='test', post_processor=dict(nms_sigma=0.5),
                      videos_without_gt=('video_test_0000270', 'video_test_0001496'))
val_evaluator = test_evaluator
