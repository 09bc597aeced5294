# An MMAction2 I3D ResNet-50 recognizer with GAF's generative attention as its neck, trained on
# Kinetics-400 as MMAction2's I3D recipe trains it: the res5 map (2048 channels, 4 steps for
# 32-frame clips) is weighted by the attention, and the CVAE and reconstruction losses join the
# classification loss. Everything else is the recognizer's own.
#   python tools/train.py configs/gaf/i3d-r50_gaf-attention-neck_8xb8-32x2x1-100e_kinetics400-rgb.py
_base_ = [
    '../_base_/models/i3d_r50_recognizer.py', '../_base_/datasets/kinetics400_rgb.py',
    '../_base_/schedules/sgd_100e.py', '../_base_/default_runtime.py'
]

model = dict(
    neck=dict(type='GenerativeAttentionNeck', in_channels=2048, temporal_size=4,
              spatial_size=None))
# The recognizer's checkpoints are chosen by accuracy, its log lines are MMAction2's.
default_hooks = dict(checkpoint=dict(save_best='auto'))
log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
