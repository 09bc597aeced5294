"""Knowledge distillation of a GAF teacher into a top-heavy student (docs/published_code.md §7)."""
import copy
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.model import BaseModel
from torch import Tensor, nn

from ...checkpoint.exact_load import load_checkpoint_exact
from ...structures import CVAE_KEYS
from ...structures.two_pass import CVAE_PASS


def _mean_squared(a: Sequence[Tensor], b: Sequence[Tensor]) -> Tensor:
    """Sum over maps of the mean squared difference."""
    return torch.stack([F.mse_loss(x, y) for x, y in zip(a, b)]).sum()


@MODELS.register_module()
class GAFDistiller(BaseModel):
    """Train a student :class:`GAFDetector` with its own GAF losses plus a frozen teacher's.

    Distilled (§7.2, the published v1 recipe): the attention maps, on the
    training clip and on the splice clip (``beta * sum_i MSE(att_i^s,
    att_i^t)``) in the detector pass, and the CVAE reconstructions in the
    CVAE pass (``kd_cvae_weight * sum_i MSE(recon_i^s, recon_i^t)``, the
    teacher's CVAE run on the student's maps and attention). The teacher is
    always in eval mode and runs under ``no_grad``; its parameters are
    frozen. The student is the teacher's model config with the changes
    ``student`` gives (the top-heavy backbone, say), so it has the teacher's
    sizes and head without restating them. Parts of the student can start
    from the teacher (by key prefix) and be frozen. Train it with ``TwoPassTrainLoop`` and
    ``GAFOptimWrapperConstructor`` (which asks :meth:`pass_parameters`);
    test the student with its own config after :func:`student_state_dict`.

    Args:
        teacher_config: Path of the config whose ``model`` is the teacher.
        student: Changes to the teacher's model config that make the student,
            merged as configs merge (``_delete_=True`` replaces a part). Defaults
            to None: the teacher's architecture.
        teacher_checkpoint: The teacher's checkpoint (with its CVAE when
            ``kd_cvae_weight > 0``). None leaves it random (tests only).
        student_checkpoint: Optional full student checkpoint to start from
            (the published v9 fine-tune).
        beta: Weight of the attention KD. Defaults to 1000.
        kd_cvae_weight: Weight of the CVAE KD; 0 disables it. Defaults to 0.01.
        init_from_teacher: Student key prefixes copied from the teacher after
            loading (v1: neck, heads and attention heads). Defaults to ().
        frozen: Student key prefixes not trained (v1: the same). Defaults to ().
        data_preprocessor: Config of the data preprocessor (also the student's,
            which moves its splice clips). Defaults to None: the teacher's.
    """

    def __init__(self, teacher_config: str, student: dict | None = None,
                 teacher_checkpoint: str | None = None,
                 student_checkpoint: str | None = None, beta: float = 1000.0,
                 kd_cvae_weight: float = 0.01, init_from_teacher: Sequence[str] = (),
                 frozen: Sequence[str] = (), data_preprocessor: dict | None = None,
                 init_cfg: dict | None = None) -> None:
        teacher = Config.fromfile(teacher_config).model
        data_preprocessor = data_preprocessor or teacher.get('data_preprocessor')
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        # The student's whole model config (what its own config, e.g. the top-heavy one, says).
        self.student_cfg = Config._merge_a_into_b(copy.deepcopy(dict(student or {})),
                                                  copy.deepcopy(teacher))
        # The student's own copy of the preprocessor moves its splice clips.
        self.student = MODELS.build(dict(self.student_cfg, data_preprocessor=data_preprocessor))
        teacher.update(data_preprocessor=None, backbone=dict(teacher.backbone, pretrained=None))
        self.teacher = MODELS.build(teacher)
        self.beta = beta
        self.kd_cvae_weight = kd_cvae_weight
        self.init_from_teacher = tuple(init_from_teacher)
        self.frozen = tuple(frozen)
        if teacher_checkpoint:
            load_checkpoint_exact(self.teacher, teacher_checkpoint, allow_missing=(
                () if kd_cvae_weight else (CVAE_KEYS, )))
        if student_checkpoint:
            load_checkpoint_exact(self.student, student_checkpoint)
        self.teacher.requires_grad_(False)
        self.teacher.eval()
        self._copy_from_teacher()
        for name, param in self.student.named_parameters():
            if name.startswith(self.frozen):
                param.requires_grad_(False)

    def _copy_from_teacher(self) -> None:
        if not self.init_from_teacher:
            return
        teacher = self.teacher.state_dict()
        shared = {k: v for k, v in teacher.items() if k.startswith(self.init_from_teacher)}
        student = self.student.state_dict()
        misfit = [k for k, v in shared.items() if k not in student or student[k].shape != v.shape]
        if misfit or not shared:
            raise ValueError(f'init_from_teacher={self.init_from_teacher}: teacher keys that do '
                             f'not fit the student: {misfit or "none match"}')
        self.student.load_state_dict(shared, strict=False)
        MMLogger.get_current_instance().info(
            f'Student initialised from the teacher for {len(shared)} tensors under '
            f'{self.init_from_teacher}')

    def train(self, mode: bool = True) -> 'GAFDistiller':
        """Set the student's mode; the teacher stays in eval mode."""
        super().train(mode)
        self.teacher.eval()
        return self

    def set_train_state(self, pass_name: str, epoch: int) -> None:
        """Forwarded to the student (see :meth:`GAFDetector.set_train_state`)."""
        self.student.set_train_state(pass_name, epoch)

    @property
    def train_pass(self) -> str:
        """The student's training pass."""
        return self.student.train_pass

    @property
    def input_channels(self) -> dict[str, int]:
        """The student's input streams (:attr:`GAFDetector.input_channels`), keyed by their
        config keys under ``model.student``."""
        return {key.replace('model.', 'model.student.', 1): channels
                for key, channels in self.student.input_channels.items()}

    def pass_parameters(self, pass_name: str) -> list[tuple[str, nn.Parameter]]:
        """What a pass trains: the student's (:meth:`GAFDetector.pass_parameters`); the
        teacher and the ``frozen`` prefixes train in neither."""
        return [(f'student.{name}', param)
                for name, param in self.student.pass_parameters(pass_name)]

    def forward(self, inputs: Tensor, data_samples: list | None = None, mode: str = 'tensor'):
        """'loss' adds the KD terms to the student's; 'tensor' and 'predict' are the student's."""
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        return self.student(inputs, data_samples, mode)

    def loss(self, inputs: Tensor, data_samples: list) -> dict[str, Tensor]:
        """The student's losses of the current pass plus the distillation terms."""
        if self.student.train_pass == CVAE_PASS:
            losses, parts = self.student.cvae_losses(inputs)
            if self.kd_cvae_weight:
                with torch.no_grad():
                    teacher = self.teacher.attention.encode_decode(parts['feats'], parts['atts'])
                losses['loss_kd_cvae'] = self.kd_cvae_weight * _mean_squared(
                    [out[3] for out in parts['cvae_outputs']], [out[3] for out in teacher])
            return losses
        losses, parts = self.student.detector_losses(inputs, data_samples)
        losses['loss_kd_att'] = self.beta * self.attention_gap(inputs, parts['atts'])
        if parts.get('splice') is not None:
            losses['loss_kd_att_splice'] = self.beta * self.attention_gap(
                parts['splice']['inputs'], parts['splice']['atts'])
        return losses

    def attention_gap(self, inputs: Tensor, student_atts: Sequence[Tensor]) -> Tensor:
        """``sum_i MSE(att_i^student, att_i^teacher)`` with the teacher on the same clips."""
        with torch.no_grad():
            teacher_atts = self.teacher.attention(self.teacher.extract_feat(inputs))
        return _mean_squared(student_atts, teacher_atts)

    def parse_losses(self, losses: dict[str, Tensor]) -> tuple[Tensor, dict[str, Tensor]]:
        """As the student's: log names carry the pass's prefix."""
        return self.student.parse_losses(losses)


def student_state_dict(state: dict[str, Tensor]) -> dict[str, Tensor]:
    """A distiller state dict -> the student's alone, as a plain GAFDetector state dict."""
    student = {k[len('student.'):]: v for k, v in state.items() if k.startswith('student.')}
    if not student:
        raise KeyError('No "student." keys: not a GAFDistiller state dict')
    return student
