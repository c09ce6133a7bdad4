"""What a new database starts with (DOMAIN.md): all of it data a person can change."""

from __future__ import annotations

from qcdesk.model import Limit

CONVERTERS = (("1", "Converter 1"), ("2", "Converter 2"), ("3", "Converter 3"))

# (code, English, 中文, start minute from the production date's midnight)
SHIFTS = (
    ("night", "Night", "夜班", 0),
    ("day", "Day", "白班", 8 * 60),
    ("evening", "Evening", "中班", 16 * 60),
)

# GB/T 700-2006, carbon structural steel, heat analysis maxima, mass %.
# The 2006 edition came into force on 2007-02-01.
GBT700_STANDARD = "GB/T 700"
GBT700_EDITION = "2006"
GBT700_EFFECTIVE = "2007-02-01"
_GBT700_MAXIMA = {
    "Q195": (0.12, 0.30, 0.50, 0.035, 0.040),
    "Q215A": (0.15, 0.35, 1.20, 0.045, 0.050),
    "Q215B": (0.15, 0.35, 1.20, 0.045, 0.045),
    "Q235A": (0.22, 0.35, 1.40, 0.045, 0.050),
    "Q235B": (0.20, 0.35, 1.40, 0.045, 0.045),
    "Q235C": (0.17, 0.35, 1.40, 0.040, 0.040),
    "Q235D": (0.17, 0.35, 1.40, 0.035, 0.035),
    "Q275A": (0.24, 0.35, 1.50, 0.045, 0.050),
    "Q275B": (0.21, 0.35, 1.50, 0.045, 0.045),
    "Q275C": (0.20, 0.35, 1.50, 0.040, 0.040),
    "Q275D": (0.20, 0.35, 1.50, 0.035, 0.035),
}
GBT700_GRADES: dict[str, tuple[Limit, ...]] = {
    grade: tuple(Limit(el, None, mx) for el, mx in zip(("C", "Si", "Mn", "P", "S"), maxima, strict=True))
    for grade, maxima in _GBT700_MAXIMA.items()
}

# (code, English, 中文, category)
DEFECTS = (
    ("PIPE", "shrinkage cavity (pipe)", "缩孔", "internal"),
    ("TCRK", "transverse crack", "横裂", "surface"),
    ("LCRK", "longitudinal crack", "纵裂", "surface"),
    ("SCAB", "scab", "结疤", "surface"),
    ("DSKN", "double skin / lapped oxide", "重皮", "surface"),
    ("INCL", "surface inclusion", "表面夹杂", "surface"),
    ("PINH", "surface pinholes", "表面气孔", "surface"),
    ("BLOW", "subsurface blowholes", "皮下气泡", "internal"),
    ("LAP", "double-pour lap", "双浇", "surface"),
    ("FIN", "fins", "飞翅", "surface"),
    ("SHRT", "short ingot / short weight", "短尺", "dimensional"),
)
