# Your own videos as backbone features (docs/your_own_data.md): data/my_videos/features/
# <video>.npy, [T, C] float32, a feature every 4 frames at 10 fps (steps_per_second 2.5), as
# tools/data/extract_features.py writes them; the annotations as in ./own_videos_rgb.py.
# Windows of clip_length feature steps; feature_channels is the features' C (1024: I3D RGB).
_base_ = ['./feature_windows.py']

data_root = 'data/my_videos'
clip_length = 128
feature_channels = 1024
num_classes = 3 + 1
dataset = dict(
    type='OwnVideosDataset',
    data_root=data_root,
    ann_file='annotations.json',
    class_file='classes.txt',
    data_prefix=dict(video='features'),
    steps_per_second=2.5,
    features=True,
    # extract_features.py's --snippet and --stride: a feature shows its snippet's centre.
    snippet_length=16,
    feature_stride=4,
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='training', clip_stride=32))
test_dataloader = dict(dataset=dict(dataset, subset='testing', clip_stride=64))
val_dataloader = test_dataloader
test_evaluator = dict(post_processor=dict(nms_sigma=0.5))
val_evaluator = test_evaluator
