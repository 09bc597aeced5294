# Knowledge distillation on THUMOS14 RGB (docs/published_code.md §7, the published v1 recipe):
# a frozen GAF teacher (gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py + its checkpoint with CVAE)
# trains the top-heavy I3D student, the teacher's model with that backbone. The student's neck,
# heads and attention heads start from the teacher and stay frozen; its backbone (random init)
# and CVAEs train. Attention KD x1000 on the clip and the splice clip; CVAE reconstruction KD
# x0.01; reconstruction weight 0.5 from the first epoch. Batch 1, Adam lr 1e-6 (weight decay
# 1e-3), CVAE Adam lr 1e-3, 200 epochs.
#   python tools/train.py configs/gaf/gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py \
#       --cfg-options model.teacher_checkpoint=work_dirs/TEACHER/epoch_300.pth
_base_ = [
    '../_base_/datasets/thumos14_rgb.py', '../_base_/schedules/gaf_two_pass.py',
    '../_base_/default_runtime.py'
]

model = dict(
    type='GAFDistiller',
    teacher_config='{{ fileDirname }}/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py',
    # Random backbone weights: the spatial-only layers do not fit the Kinetics I3D checkpoint.
    student=dict(backbone=dict(type='TopHeavyInceptionI3D', pretrained=None),
                 attention=dict(loss_recon=dict(warmup_epochs=1))),
    teacher_checkpoint=None,
    student_checkpoint=None,
    beta=1000.0,
    kd_cvae_weight=0.01,
    init_from_teacher=('neck.', 'head.', 'attention.heads.'),
    frozen=('neck.', 'head.', 'attention.heads.'))

optim_wrapper = dict(detector=dict(optimizer=dict(lr=1e-6)))
train_dataloader = dict(batch_size=1)
train_cfg = dict(max_epochs=200, val_interval=5)
auto_scale_lr = dict(base_batch_size=1)
randomness = dict(seed=2020)
