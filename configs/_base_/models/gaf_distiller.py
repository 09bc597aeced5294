# A GAF distiller around the top-heavy student (./gaf_top_heavy_i3d.py), taught by the THUMOS14
# RGB model of configs/gaf/ (a path relative to this file). The experiment configs
# (configs/gaf/gaf-kd*.py) set the recipe.
_base_ = ['./gaf_top_heavy_i3d.py']

model = dict(
    _delete_=True,
    type='GAFDistiller',
    data_preprocessor={{_base_.model.data_preprocessor}},
    student={{_base_.model}},
    teacher_config='{{ fileDirname }}/../../gaf/gaf_i3d_1xb8-256x96x96-300e_thumos14-rgb.py',
    teacher_checkpoint=None,
    student_checkpoint=None,
    beta=1000.0,
    kd_cvae_weight=0.0,
    init_from_teacher=(),
    frozen=())
# The schedule's optimizers take what the distiller says each pass trains: the student's CVAEs
# in the CVAE pass, the rest of the unfrozen student in the detector pass, never the teacher.
