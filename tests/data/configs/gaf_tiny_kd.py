# The distillation recipe at the tiny test sizes, taught by the tiny model.
_base_ = ['../../../configs/gaf/gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py']

model = dict(
    student=dict(
        clip_length=64,
        attention=dict(spatial_sizes=(2, 1)),
        neck=dict(spatial_sizes=(2, 1)),
        head=dict(num_classes=4)),
    teacher_config='{{ fileDirname }}/gaf_tiny.py')
