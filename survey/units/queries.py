"""Reads over the versioned unit hierarchy: in force on a date, successors, origins, population."""
from datetime import date

from sqlalchemy import or_
from sqlmodel import select

from survey.db import get_session
from survey.models import AdminUnit, UnitPopulation, UnitSuccession, UserUnit

PROVINCE_CODE = "12"


def _in_force(day: date):
    return (AdminUnit.valid_from <= day) & or_(AdminUnit.valid_to.is_(None), AdminUnit.valid_to >= day)


def query_units_on(day: date, level: str | None = None) -> list[AdminUnit]:
    """Units in force on `day`, by level then code."""
    stmt = select(AdminUnit).where(_in_force(day))
    if level is not None:
        stmt = stmt.where(AdminUnit.level == level)
    units = get_session().exec(stmt).all()
    order = {"province": 0, "district": 1, "commune": 2}
    return sorted(units, key=lambda u: (order[u.level], u.code))


def query_unit_names(session=None) -> dict[str, str]:
    """Name of each unit code, preferring the unit in force last (codes were reused in 2025)."""
    rows = (session or get_session()).exec(select(AdminUnit.code, AdminUnit.name, AdminUnit.valid_from)
                                           .order_by(AdminUnit.valid_from)).all()
    return {code: name for code, name, _ in rows}


def query_unit(code: str, day: date) -> AdminUnit | None:
    """The unit that `code` meant on `day` (codes were reused on 2025-07-01)."""
    return get_session().exec(select(AdminUnit).where(AdminUnit.code == code, _in_force(day))).first()


def query_unit_scope(user) -> set[int] | None:
    """Ids of the units `user` works in: their own units and the units within them (None: every
    unit, for an admin)."""
    if user.role == "admin":
        return None
    session = get_session()
    mine = select(UserUnit.unit_id).where(UserUnit.user_id == user.id)
    inside = select(AdminUnit.id).where(AdminUnit.parent_id.in_(mine))
    return set(session.exec(mine).all()) | set(session.exec(inside).all())


def query_unit_by_id(unit_id: int) -> AdminUnit | None:
    return get_session().get(AdminUnit, unit_id)


def query_children(unit: AdminUnit) -> list[AdminUnit]:
    stmt = select(AdminUnit).where(AdminUnit.parent_id == unit.id).order_by(AdminUnit.code)
    return list(get_session().exec(stmt).all())


def query_successor(old: AdminUnit) -> AdminUnit | None:
    """The new unit an old unit went into (None while the old unit is still in force)."""
    stmt = (select(AdminUnit).join(UnitSuccession, UnitSuccession.new_unit_id == AdminUnit.id)
            .where(UnitSuccession.old_unit_id == old.id))
    return get_session().exec(stmt).first()


def query_predecessors(new: AdminUnit) -> list[AdminUnit]:
    """The old units whose area a new unit took over."""
    stmt = (select(AdminUnit).join(UnitSuccession, UnitSuccession.old_unit_id == AdminUnit.id)
            .where(UnitSuccession.new_unit_id == new.id).order_by(AdminUnit.code))
    return list(get_session().exec(stmt).all())


def query_former_districts(new: AdminUnit) -> list[AdminUnit]:
    """The former district(s) a new commune's area came from: more than one for six communes."""
    parent_ids = {old.parent_id for old in query_predecessors(new)}
    if not parent_ids:
        return []
    stmt = select(AdminUnit).where(AdminUnit.id.in_(parent_ids)).order_by(AdminUnit.code)
    return list(get_session().exec(stmt).all())


def _communes_under(unit: AdminUnit) -> list[AdminUnit]:
    if unit.level == "commune":
        return [unit]
    found, frontier = [], [unit]
    while frontier:
        children = query_children(frontier.pop())
        found.extend(c for c in children if c.level == "commune")
        frontier.extend(c for c in children if c.level != "commune")
    return found


def query_population(unit: AdminUnit, census_year: int = 2019) -> int | None:
    """Census population within `unit`'s boundaries, summed through the merger map.

    The census counts old communes; a unit's figure is the sum over the old communes inside
    it, directly (old units) or through the communes that went into it (new units). None when
    some commune has no figure, rather than a silently short total.
    """
    session = get_session()
    total = 0
    for commune in _communes_under(unit):
        sources = query_predecessors(commune) or [commune]
        for source in sources:
            row = session.get(UnitPopulation, (source.id, census_year))
            if row is None:
                return None
            total += row.population
    return total
