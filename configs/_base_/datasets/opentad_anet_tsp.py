# OpenTAD's ActivityNet-1.3 TSP release as downloaded (docs/datasets.md): data/activitynet-1.3/
# annotations/activity_net.v1-3.min.json and category_idx.txt, features/anet_tsp_npy_unresize/
# v_<video>.npy (with its missing_files.txt) and classifiers/cuhk_val_simp_7.json. Each video is
# resampled over its duration to clip_length steps, one window, class-agnostic.
_base_ = ['./feature_windows.py']

clip_length = 192
feature_channels = 512
num_classes = 1 + 1
feature_dir = 'features/anet_tsp_npy_unresize'
dataset = dict(
    type='OpenTADResizedFeatureDataset',
    data_root='data/activitynet-1.3',
    ann_file='annotations/activity_net.v1-3.min.json',
    class_map='annotations/category_idx.txt',
    data_prefix=dict(video=feature_dir),
    block_list=feature_dir + '/missing_files.txt',
    release='opentad_anet_tsp',
    geometry=dict(resize_length=clip_length),
    class_agnostic=True,
    clip_length=clip_length)

train_dataloader = dict(dataset=dict(dataset, subset='training'))
test_dataloader = dict(dataset=dict(dataset, subset='validation'))
val_dataloader = test_dataloader
# ActivityNet's protocol: tIoU 0.5:0.05:0.95 and their mean, duplicates dropped (ActionFormer,
# OpenTAD); class-agnostic detections take each video's top class from the CUHK classifier.
test_evaluator = dict(
    tious=(0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95),
    average_tious=None,
    duplicates='drop',
    post_processor=dict(
        nms_sigma=0.75,
        video_classification_file='data/activitynet-1.3/classifiers/cuhk_val_simp_7.json',
        clip_to_duration=True,
        max_per_video=100),
    version='ActivityNet-v1.3')
val_evaluator = test_evaluator
