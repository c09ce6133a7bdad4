"""The workshop's things as plain, typed values (no database, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from qcdesk.i18n import N_


class Disposition(StrEnum):
    """What was decided for an ingot (DOMAIN.md, "Dispositions of an ingot")."""

    ACCEPTED = "accepted"
    CONDITIONED = "conditioned"
    REGRADED = "regraded"
    SCRAP = "scrap"
    PENDING = "pending"

    @property
    def judged(self) -> bool:
        """Judged ingots are every ingot whose disposition is not pending."""
        return self is not Disposition.PENDING

    @property
    def surface_ok(self) -> bool:
        """Accepted or conditioned: qualified as far as the ingot itself goes."""
        return self in (Disposition.ACCEPTED, Disposition.CONDITIONED)


DISPOSITION_NAMES = {
    Disposition.ACCEPTED: (N_("accepted"), "合格"),
    Disposition.CONDITIONED: (N_("conditioned"), "精整后合格"),
    Disposition.REGRADED: (N_("regraded"), "改判"),
    Disposition.SCRAP: (N_("scrap"), "废品"),
    Disposition.PENDING: (N_("pending"), "待判"),
}


class ChemStatus(StrEnum):
    """A heat's verdict against its aim grade's standard."""

    CONFORMS = "conforms"
    FAILS = "fails"
    NOT_CHECKED = "not_checked"


STATUS_NAMES = {
    ChemStatus.CONFORMS: N_("conforms"),
    ChemStatus.FAILS: N_("fails"),
    ChemStatus.NOT_CHECKED: N_("not checked"),
}


class Location(StrEnum):
    """Where on the ingot a defect was found."""

    TOP = "top"
    MIDDLE = "middle"
    BOTTOM = "bottom"


DEFECT_CATEGORIES = ("surface", "internal", "dimensional")

# Every element symbol; a heat analysis may name any of them.
ELEMENTS = frozenset(
    """H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu
    Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba
    La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi
    Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds
    Rg Cn Nh Fl Mc Lv Ts Og""".split()  # noqa: SIM905 - a table reads better as text
)
# The order elements are shown in: the five of every analysis, then the usual others.
ELEMENT_ORDER = ("C", "Si", "Mn", "P", "S", "Cr", "Ni", "Cu", "Mo", "V", "Ti", "Al", "N")


def element_sort_key(symbol: str) -> tuple[int, str]:
    """Sort C, Si, Mn, P, S first, then the usual alloying elements, then the rest."""
    try:
        return (ELEMENT_ORDER.index(symbol), symbol)
    except ValueError:
        return (len(ELEMENT_ORDER), symbol)


@dataclass(frozen=True)
class Converter:
    id: int
    code: str
    name: str
    nominal_t: float | None
    active: bool = True


@dataclass(frozen=True)
class Shift:
    """One shift of the schedule; it ends where the next one starts."""

    id: int
    code: str
    name_en: str
    name_zh: str
    start_min: int  # minutes from the production date's midnight; may be negative
    seq: int


@dataclass(frozen=True)
class Limit:
    """Chemistry limits of one element, mass %, bounds inclusive."""

    element: str
    min_pct: float | None
    max_pct: float | None


@dataclass(frozen=True)
class Standard:
    """One edition of a grade's product standard."""

    id: int
    grade: str
    standard: str
    edition: str
    effective_from: date
    limits: tuple[Limit, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.standard}-{self.edition}"


@dataclass(frozen=True)
class Defect:
    code: str
    name_en: str
    name_zh: str
    category: str
    active: bool = True


@dataclass(frozen=True)
class IngotDefect:
    code: str
    location: Location | None = None

    def __str__(self) -> str:
        return self.code if self.location is None else f"{self.code}@{self.location}"


@dataclass(frozen=True)
class Heat:
    id: int
    heat_no: str
    converter: str
    tapped_at: datetime
    production_date: date
    shift: str
    grade: str
    tap_weight_t: float
    tap_temp_c: float | None
    inspector: str
    notes: str
    chem_status: ChemStatus
    analysis: dict[str, float] = field(default_factory=dict)
    ingots: int = 0
    ingots_judged: int = 0


@dataclass(frozen=True)
class Ingot:
    id: int
    heat_no: str
    ingot_no: int
    weight_kg: float
    disposition: Disposition
    inspector: str
    judged_at: datetime | None
    defects: tuple[IngotDefect, ...] = ()
    regrade_to: str | None = None  # the grade a re-graded ingot is released as, when named
    product_fails: bool = False  # one of its product analyses fails (DOMAIN.md): not qualified


@dataclass(frozen=True)
class Scope:
    """Which heats the trends look at: every converter, shift and grade (None), or one of each."""

    converter: str | None = None
    shift: str | None = None
    grade: str | None = None

    @property
    def everything(self) -> bool:
        return self.converter is None and self.shift is None and self.grade is None


@dataclass(frozen=True)
class ChartKey:
    """Which chart a set of frozen control limits belongs to: the p-chart of a scope, or the
    I-MR chart of a grade's element within one ('' is "every")."""

    chart: str  # "p" or "imr"
    grade: str = ""
    element: str = ""
    converter: str = ""
    shift: str = ""

    @classmethod
    def p(cls, scope: Scope) -> ChartKey:
        return cls("p", scope.grade or "", "", scope.converter or "", scope.shift or "")

    @classmethod
    def imr(cls, scope: Scope, grade: str, element: str) -> ChartKey:
        return cls("imr", grade, element, scope.converter or "", scope.shift or "")


@dataclass(frozen=True)
class ControlLimits:
    """Limits frozen from a baseline period: the p-chart's p̄, or an I-MR chart's x̄ and MR̄,
    and how many judged ingots (p) or values (I-MR) they were computed from."""

    key: ChartKey
    date_from: date
    date_to: date
    centre: float
    spread: float | None  # MR̄ of an I-MR chart
    n: int


@dataclass(frozen=True)
class AnalysisPoint:
    """One heat's analysis value of an element, for the chemistry charts."""

    heat_no: str
    tapped_at: datetime
    production_date: date
    value: float


@dataclass(frozen=True)
class DefectIngot:
    """An ingot carrying a defect (what a Pareto bar stands for)."""

    heat_no: str
    ingot_no: int
    production_date: date
    converter: str
    grade: str
    weight_kg: float
    disposition: str
    defects: str  # every live defect code of the ingot, comma-separated


EVERYTHING = Scope()  # every converter, shift and grade


# ---- samples from the lab, and the product analysis (issue 16)

class SampleKind(StrEnum):
    """What a lab sample was taken from (DOMAIN.md, "Samples from the lab")."""

    PRELIMINARY = "preliminary"  # the bath, during the blow: process control only, never judged
    HEAT = "heat"                # the ladle, at tapping: the heat analysis of record
    PRODUCT = "product"          # drillings of a named ingot: judged with the tolerances


SAMPLE_KIND_NAMES = {
    SampleKind.PRELIMINARY: (N_("preliminary analysis"), "炉前分析"),
    SampleKind.HEAT: (N_("heat analysis"), "熔炼分析"),
    SampleKind.PRODUCT: (N_("product analysis"), "成品分析"),
}


@dataclass(frozen=True)
class Sample:
    """One result of the lab: a sample of a heat and its element values (mass %).

    The `heat` sample's values are the heat's analysis (`Heat.analysis`); its lab number
    is None when the analysis was typed in without one (the desktop, a heats file, or a
    database from before samples)."""

    id: int
    heat_no: str
    kind: SampleKind
    sample_no: str | None
    ingot_no: int | None  # a product sample's ingot; None for the others
    taken_at: datetime
    entered_by: str
    values: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ToleranceClass:
    """One row of a product-analysis tolerance table: for an element whose specified limit
    is up to `up_to_pct` (inclusive, above the class before; None: no upper end), the
    product analysis may lie `below_pct` under the minimum and `above_pct` over the maximum
    (None: no deviation on that side)."""

    element: str
    up_to_pct: float | None
    below_pct: float | None
    above_pct: float | None


@dataclass(frozen=True)
class ToleranceEdition:
    """An edition of the product-analysis tolerances (GB/T 222), in force from a date on."""

    id: int
    standard: str
    edition: str
    in_force_from: date
    classes: tuple[ToleranceClass, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.standard}-{self.edition}"
