# Knowledge distillation on ActivityNet-1.3 RGB: the THUMOS14 v1 recipe
# (gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py) with the ActivityNet head, data and
# schedule. A frozen GAF teacher (gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py + its checkpoint
# with CVAE) trains the top-heavy I3D student; the student's neck, heads and attention heads
# start from the teacher and stay frozen; its backbone and CVAE train. No published run: the
# published distillation code covers THUMOS14 only (docs/activitynet.md).
#   python tools/train.py configs/gaf/gaf-kd_top-heavy-i3d_1xb1-768x96x96-16e_activitynet-rgb.py \
#       --cfg-options model.teacher_checkpoint=work_dirs/TEACHER/epoch_16.pth
_base_ = [
    '../_base_/datasets/activitynet_rgb.py', '../_base_/schedules/gaf_two_pass_activitynet.py',
    '../_base_/default_runtime.py'
]

model = dict(
    type='GAFDistiller',
    teacher_config='{{ fileDirname }}/gaf_i3d_1xb1-768x96x96-16e_activitynet-rgb.py',
    student=dict(backbone=dict(type='TopHeavyInceptionI3D', pretrained=None),
                 attention=dict(loss_recon=dict(warmup_epochs=1))),
    teacher_checkpoint=None,
    student_checkpoint=None,
    beta=1000.0,
    kd_cvae_weight=0.01,
    init_from_teacher=('neck.', 'head.', 'attention.heads.'),
    frozen=('neck.', 'head.', 'attention.heads.'))

randomness = dict(seed=2020)
