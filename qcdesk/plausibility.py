"""Is a heat's record plausible? (DOMAIN.md, "Plausibility": warned and recorded, never refused.)

Three doubts: the judged ingots of a heat weigh more than its tapped weight by over 3 %; every
ingot is judged and they weigh less than 85 % of it; the tap temperature is outside 1500-1750 °C.
The inspector may know better, so a doubt only warns; the store records it in the heat's history
the first time it shows (`Store.note_plausibility`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from string import Formatter

from qcdesk.i18n import N_, _
from qcdesk.model import Disposition
from qcdesk.numbers import format_fixed, format_number

HEAVY_PCT = 103     # judged ingots above this share of the tapped weight: doubtful
LIGHT_PCT = 85      # every ingot judged and below this share: doubtful
TAP_TEMP_LOW_C = 1500.0
TAP_TEMP_HIGH_C = 1750.0


class Kind(StrEnum):
    HEAVY = "heavy"
    LIGHT = "light"
    TEMPERATURE = "temperature"


# English, as the history records them; each begins with words of its own (see `kinds_in`).
TEMPLATES = {
    Kind.HEAVY: N_("Ingots heavier than the heat: the judged ingots weigh {judged_kg} kg, {pct} % of "
                   "the tapped {tapped_t} t (over 103 % is doubtful)"),
    Kind.LIGHT: N_("Ingots lighter than the heat: all {n} ingots are judged and weigh {judged_kg} kg, "
                   "{pct} % of the tapped {tapped_t} t (under 85 % is doubtful)"),
    Kind.TEMPERATURE: N_("Tap temperature doubtful: {temp_c} °C is outside 1500–1750 °C"),
}


@dataclass(frozen=True)
class Doubt:
    """One doubt about a heat: its kind and the figures its words name."""

    kind: Kind
    figures: tuple[tuple[str, str], ...]

    def text(self) -> str:
        """In the language in force."""
        return _(TEMPLATES[self.kind]).format(**dict(self.figures))

    def english(self) -> str:
        """As the heat's history records it."""
        return TEMPLATES[self.kind].format(**dict(self.figures))


def check(tap_weight_t: float, tap_temp_c: float | None,
          ingots: Iterable[tuple[float, Disposition]]) -> list[Doubt]:
    """The doubts about a heat of `tap_weight_t` tonnes tapped at `tap_temp_c` whose ingots are
    (weight kg, disposition); none when everything is plausible."""
    ingots = list(ingots)
    tapped_kg = tap_weight_t * 1000
    judged_kg = sum(kg for kg, d in ingots if d.judged)
    every_judged = bool(ingots) and all(d.judged for _kg, d in ingots)
    doubts: list[Doubt] = []

    def weights(**more: str) -> tuple[tuple[str, str], ...]:
        pct = f"{judged_kg / tapped_kg * 100:.1f}" if tapped_kg > 0 else "—"
        return (("judged_kg", format_fixed(judged_kg, 0)), ("pct", pct),
                ("tapped_t", format_number(tap_weight_t)), *more.items())

    # compared as products, so that exactly 103 % or 85 % (31.5 t: 32,445 kg, 26,775 kg) is no doubt
    if judged_kg * 100 > tapped_kg * HEAVY_PCT:
        doubts.append(Doubt(Kind.HEAVY, weights()))
    if every_judged and judged_kg * 100 < tapped_kg * LIGHT_PCT:
        doubts.append(Doubt(Kind.LIGHT, weights(n=str(len(ingots)))))
    if tap_temp_c is not None and not TAP_TEMP_LOW_C <= tap_temp_c <= TAP_TEMP_HIGH_C:
        doubts.append(Doubt(Kind.TEMPERATURE, (("temp_c", format_number(tap_temp_c)),)))
    return doubts


def recorded_text(recorded: str) -> str:
    """A doubt as the history recorded it (English), in the language in force; other text as it is."""
    for template in TEMPLATES.values():
        pattern = "".join(re.escape(text) + (f"(?P<{name}>.+?)" if name else "")
                          for text, name, _spec, _conversion in Formatter().parse(template))
        found = re.fullmatch(pattern, recorded)
        if found is not None:
            return _(template).format(**found.groupdict())
    return recorded


def kinds_in(recorded: Sequence[str]) -> set[Kind]:
    """The kinds of doubt among texts the history recorded (`Doubt.english`)."""
    openings = {kind: template.split(":", 1)[0] + ":" for kind, template in TEMPLATES.items()}
    return {kind for text in recorded for kind, opening in openings.items() if text.startswith(opening)}
