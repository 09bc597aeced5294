# GAF on backbone features of your own videos (docs/your_own_data.md): the features of
# tools/data/extract_features.py (a feature every 4 frames), windows of 128 steps (51 s), the
# THUMOS14 feature recipe's rates and epochs. Set model.head.num_classes (your classes + 1).
_base_ = [
    '../_base_/models/gaf_features.py', '../_base_/datasets/own_videos_features.py',
    '../_base_/schedules/gaf_two_pass_features.py', '../_base_/default_runtime.py'
]

model = dict(
    clip_length={{_base_.clip_length}},
    backbone=dict(in_channels={{_base_.feature_channels}}),
    head=dict(num_classes={{_base_.num_classes}}))
