"""Reads of waves and their designs."""
from sqlmodel import select

from survey.db import get_session
from survey.models import Wave, WaveDesign, WaveMargin, WaveStratum


def query_waves() -> list[Wave]:
    return list(get_session().exec(select(Wave).order_by(Wave.period_start.desc(), Wave.code)).all())


def query_wave(wave_id: int) -> Wave | None:
    return get_session().get(Wave, wave_id)


def query_wave_by_code(code: str) -> Wave | None:
    return get_session().exec(select(Wave).where(Wave.code == code)).first()


def query_design(wave: Wave) -> WaveDesign:
    """The saved design, or the default one (unstratified, equal weights, unpublished)."""
    return get_session().get(WaveDesign, wave.id) or WaveDesign(wave_id=wave.id, revision=0)


def query_strata(wave: Wave) -> list[WaveStratum]:
    stmt = select(WaveStratum).where(WaveStratum.wave_id == wave.id).order_by(WaveStratum.stratum)
    return list(get_session().exec(stmt).all())


def query_margins(wave: Wave) -> list[WaveMargin]:
    stmt = (select(WaveMargin).where(WaveMargin.wave_id == wave.id)
            .order_by(WaveMargin.item_id, WaveMargin.category))
    return list(get_session().exec(stmt).all())


def published_waves() -> list[Wave]:
    stmt = (select(Wave).join(WaveDesign, WaveDesign.wave_id == Wave.id)
            .where(WaveDesign.published).order_by(Wave.period_start.desc()))
    return list(get_session().exec(stmt).all())
