# The demo: GAF's full code path at laptop sizes on the synthetic dataset
# (gaf_mmaction/datasets/synthetic.py; `python tools/demo.py` makes it and runs everything).
# Only sizes change from configs/gaf_thumos14_rgb.py: 64-frame windows, 32-pixel crops of 40-pixel
# frames, 128-wide neck and heads, 4 classes (3 actions), batch 4, a few epochs, and - since the
# I3D backbone starts from scratch here - a larger learning rate.
_base_ = ['./gaf_thumos14_rgb.py']

clip = 64
crop = 32
width = 128
epochs = 6
data_root = 'work_dirs/demo/data'

model = dict(
    backbone=dict(pretrained=None),
    attention=dict(temporal_sizes=(clip // 4, clip // 8), spatial_sizes=(crop // 16, crop // 32),
                   head=dict(reduce_channels=width)),
    neck=dict(spatial_sizes=(crop // 16, crop // 32), channels=width, clip_length=clip),
    head=dict(num_classes=4, in_channels=width, proposal_channels=width, clip_length=clip),
    loss_recon=dict(warmup_epochs=epochs))

train_pipeline = [
    dict(type='LoadFrameWindow', clip_length=clip, pad_value=0),
    dict(type='RandomCropClip', size=crop),
    dict(type='FlipClip', prob=0.5),
    dict(type='BoundarySplice'),
    dict(type='PackDetectionInputs', clip_length=clip),
]
test_pipeline = [
    dict(type='LoadFrameWindow', clip_length=clip, pad_value=0),
    dict(type='CenterCropClip', size=crop),
    dict(type='PackDetectionInputs', clip_length=clip),
]
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=data_root, data_prefix=dict(video='validation_npy'),
                 video_info_file='val_video_info.csv', ann_file='val_Annotation_ours.csv',
                 class_index_file='Class_Index_Detection.txt', clip_length=clip, clip_stride=16,
                 pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=8, num_workers=0, persistent_workers=False, pin_memory=False,
    dataset=dict(data_root=data_root, data_prefix=dict(video='test_npy'),
                 video_info_file='test_video_info.csv',
                 class_index_file='Class_Index_Detection.txt', clip_length=clip, clip_stride=32,
                 pipeline=test_pipeline))
test_evaluator = dict(gt_file=f'{data_root}/gt.json', nms_sigma=0.5)
optim_wrapper = dict(detector=dict(optimizer=dict(lr=3e-4, weight_decay=0)))
train_cfg = dict(max_epochs=epochs)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=epochs))
randomness = dict(seed=0)
