# GAF on pre-extracted THUMOS14 I3D features ([T, 2048] per video, a feature every 4 frames).
# No backbone runs: attention, CVAE, neck and heads work on [B, 2048, T] (a 1 x 1 spatial map);
# windows of 256 feature steps. A new setting, not part of the published code: its learning
# rate, epochs and soft-NMS sigma are our choices.
_base_ = [
    '../_base_/models/gaf_i3d.py', '../_base_/datasets/thumos14_i3d_features.py',
    '../_base_/schedules/gaf_two_pass.py', '../_base_/default_runtime.py'
]

channels = 2048
model = dict(
    clip_length=256,
    data_preprocessor=dict(type='ClipDataPreprocessor', normalize=False, test_pad_value=None),
    backbone=dict(_delete_=True, type='PrecomputedFeatures', in_channels=channels),
    attention=dict(in_channels=(channels, ), temporal_strides=(1, ), spatial_sizes=(1, ),
                   loss_recon=dict(warmup_epochs=30)),
    neck=dict(in_channels=(channels, ), spatial_sizes=(1, )))

optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-4)))
train_cfg = dict(max_epochs=30, val_interval=5)
randomness = dict(seed=2020)
