# GAF on OpenTAD's Multi-THUMOS release, as downloaded (docs/datasets.md). A new setting, not part
# of the published code: learning rate, epochs and soft-NMS sigma are our choices.
_base_ = [
    '../_base_/models/gaf_features.py', '../_base_/datasets/opentad_multithumos_i3d.py',
    '../_base_/schedules/gaf_two_pass_features.py', '../_base_/default_runtime.py'
]

model = dict(
    clip_length={{_base_.clip_length}},
    backbone=dict(in_channels={{_base_.feature_channels}}),
    head=dict(num_classes={{_base_.num_classes}}))
