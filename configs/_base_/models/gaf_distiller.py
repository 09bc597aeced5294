# A GAF distiller around the top-heavy student of configs/gaf_thumos14_rgb_student.py (with its
# data and schedule), taught by the model of configs/gaf_thumos14_rgb.py. The experiment configs
# (gaf_thumos14_rgb_kd*.py) set the recipe.
_base_ = ['../../gaf_thumos14_rgb_student.py']

model = dict(
    _delete_=True,
    type='GAFDistiller',
    data_preprocessor={{_base_.model.data_preprocessor}},
    student={{_base_.model}},
    teacher_config="{{ fileDirname }}/../../gaf_thumos14_rgb.py",
    teacher_checkpoint=None,
    student_checkpoint=None,
    beta=1000.0,
    kd_cvae_weight=0.0,
    init_from_teacher=(),
    frozen=())

# The CVAE optimizer takes the student's CVAEs; the teacher is never optimised.
optim_wrapper = dict(cvae_prefix='student.attention.cvae.', exclude_prefixes=('teacher.', ))
