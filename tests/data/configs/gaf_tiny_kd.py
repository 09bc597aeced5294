# The distillation recipe (configs/gaf_thumos14_rgb_kd.py) at the tiny test sizes.
_base_ = ['../../../configs/gaf_thumos14_rgb_kd.py']

model = dict(
    student=dict(
        attention=dict(temporal_sizes=(16, 8), spatial_sizes=(2, 1)),
        neck=dict(spatial_sizes=(2, 1), clip_length=64),
        head=dict(clip_length=64, num_classes=4)),
    teacher_config='tests/data/configs/gaf_tiny.py')
