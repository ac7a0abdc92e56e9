"""Every unit's old code, new code and former district, through the 2025 merger map.

A response carries the unit it was given at (an old commune before 1 July 2025, a new one
after, or a district or the province for their own service points). Results by district need
the former district of every response and results by commune the current commune, so each unit
gets both. A new commune formed from communes of several former districts is put in the district
that gave it the largest share of its 2019 population.
"""
from dataclasses import dataclass

from sqlalchemy import select

from survey.models import AdminUnit, UnitPopulation, UnitSuccession
from survey.units.queries import query_unit_names


@dataclass(frozen=True)
class UnitCodes:
    unit_code_old: str
    unit_code_new: str
    district_code: str


def unit_codes(session) -> dict[int, UnitCodes]:
    units = {u.id: u for u in session.execute(select(AdminUnit)).scalars()}
    successions = session.execute(select(UnitSuccession.old_unit_id, UnitSuccession.new_unit_id)).all()
    successor = {old: new for old, new in successions}
    predecessors: dict[int, list[int]] = {}
    for old, new in successions:
        predecessors.setdefault(new, []).append(old)
    population = dict(session.execute(
        select(UnitPopulation.unit_id, UnitPopulation.population).where(UnitPopulation.census_year == 2019)
    ).all())
    out = {}
    for unit in units.values():
        if unit.level == "province":
            out[unit.id] = UnitCodes(unit.code, unit.code, unit.code)
        elif unit.level == "district":
            out[unit.id] = UnitCodes(unit.code, "", unit.code)
        elif unit.id in successor or unit.valid_to is not None:
            new = units.get(successor.get(unit.id))
            parent = units.get(unit.parent_id)
            district = parent.code if parent is not None and parent.level == "district" else ""
            out[unit.id] = UnitCodes(unit.code, new.code if new else "", district)
        else:
            olds = [units[o] for o in predecessors.get(unit.id, [])]
            out[unit.id] = UnitCodes(olds[0].code if len(olds) == 1 else "", unit.code,
                                     _former_district(olds, units, population))
    return out


def _former_district(olds, units, population) -> str:
    shares: dict[str, int] = {}
    for old in olds:
        parent = units.get(old.parent_id)
        if parent is not None and parent.level == "district":
            shares[parent.code] = shares.get(parent.code, 0) + population.get(old.id, 0)
    if not shares:
        return ""
    return max(sorted(shares), key=lambda code: shares[code])


def unit_labels(session) -> dict[str, str]:
    """Name of each code, preferring the unit in force last (codes were reused in 2025)."""
    return query_unit_names(session)
