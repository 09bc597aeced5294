# GAF on pre-extracted THUMOS14 I3D features ([T, 2048] per video, a feature every 4 frames).
# No backbone runs: attention, CVAE, neck and heads work on [B, 2048, T] (a 1 x 1 spatial map);
# windows of 256 feature steps. A new setting, not part of the published code: its learning
# rate, epochs and soft-NMS sigma are our choices.
_base_ = [
    '../_base_/models/gaf_features.py', '../_base_/datasets/thumos14_i3d_features.py',
    '../_base_/schedules/gaf_two_pass_features.py', '../_base_/default_runtime.py'
]

# The features' channels size the attention and the neck (a 1 x 1 map, one step per feature).
model = dict(clip_length={{_base_.clip_length}}, backbone=dict(in_channels=2048))
