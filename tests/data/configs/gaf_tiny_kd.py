# The distillation recipe at the tiny test sizes, taught by the tiny model (the student is its
# model with the top-heavy backbone).
_base_ = ['../../../configs/gaf/gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py']

model = dict(teacher_config='{{ fileDirname }}/gaf_tiny.py')
# The tiny data: 40-pixel frames.
train_dataloader = dict(dataset=dict(frame_size=40))
test_dataloader = dict(dataset=dict(frame_size=40))
val_dataloader = test_dataloader
