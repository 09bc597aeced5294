# ActionFormer's ActivityNet-1.3 TSP release as downloaded (docs/datasets.md): data/anet_1.3/
# annotations/anet1.3_tsp_filtered.json, tsp_features/v_<video>.npy ([T, 512], a 16-frame
# snippet every 16 frames at 15 fps) and annotations/cuhk_val_simp_share.json (the video-level
# classifier). Each video is resampled to clip_length steps, one window, class-agnostic.
_base_ = ['./feature_windows.py']

clip_length = 192
feature_channels = 512
num_classes = 1 + 1
dataset = dict(
    type='ActionFormerResizedFeatureDataset',
    data_root='data/anet_1.3',
    ann_file='annotations/anet1.3_tsp_filtered.json',
    data_prefix=dict(video='tsp_features'),
    release='actionformer_anet_tsp',
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
        video_classification_file='data/anet_1.3/annotations/cuhk_val_simp_share.json',
        clip_to_duration=True,
        max_per_video=100),
    version='ActivityNet-v1.3')
val_evaluator = test_evaluator
