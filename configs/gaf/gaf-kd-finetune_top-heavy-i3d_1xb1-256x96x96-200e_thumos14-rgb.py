# Distillation fine-tune (the published train_KD_v9): start from a distilled student checkpoint
# (full load), train every student part, no CVAE KD, CVAE Adam lr 1e-4, reconstruction weight
# min(epoch, 20) / 20 * 0.5.
#   python tools/train.py configs/gaf/gaf-kd-finetune_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py \
#       --cfg-options model.teacher_checkpoint=TEACHER.pth model.student_checkpoint=STUDENT.pth
# (STUDENT.pth: tools/export_student.py of a distillation run's last checkpoint, epoch_200.pth)
_base_ = ['./gaf-kd_top-heavy-i3d_1xb1-256x96x96-200e_thumos14-rgb.py']

model = dict(
    student=dict(attention=dict(loss_recon=dict(warmup_epochs=20))),
    kd_cvae_weight=0.0,
    init_from_teacher=(),
    frozen=())

optim_wrapper = dict(cvae=dict(optimizer=dict(lr=1e-4)))
