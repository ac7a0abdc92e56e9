"""A demo wave over the demo desk ratings, stratified by commune, published and public.

Its frame is a made-up "dossiers handled" file (25 dossiers per rating, as if one citizen in 25
rated), uploaded through the same CSV check as a real one: the census does not fit desk ratings,
and the provincial centre's desk is a stratum of its own.
"""
from datetime import date, timedelta

from survey.db import get_session
from survey.estimates.units import unit_codes
from survey.responses import count_by_unit
from survey.waves import operations, queries

DEMO_WAVE = "demo-1cua"
DOSSIERS_PER_RATING = 25
# Ratings made on the days after the demo is loaded still fall inside the wave.
OPEN_DAYS_AHEAD = 365


def ensure_wave() -> str:
    if queries.query_wave_by_code(DEMO_WAVE) is not None:
        return "Wave: already there."
    today = date.today()
    wave = operations.save_wave(operations.WaveData(
        DEMO_WAVE, "Đánh giá tại Bộ phận Một cửa (demo)", "tthc-desk", today - timedelta(days=90),
        today + timedelta(days=OPEN_DAYS_AHEAD),
        "both", False), None, None)
    operations.save_design(wave, operations.DesignData("commune", "none", "none", None, None))
    codes = unit_codes(get_session())
    sizes: dict[str, int] = {}
    for unit_id, n in count_by_unit("tthc-desk").items():
        code = codes[unit_id].unit_code_new or codes[unit_id].unit_code_old
        sizes[code] = sizes.get(code, 0) + DOSSIERS_PER_RATING * n
    csv = "stratum,population\n" + "".join(f"{k},{v}\n" for k, v in sorted(sizes.items()))
    count, problems = operations.import_frame(wave, csv.encode(), "demo-dossiers.csv")
    if problems:
        raise RuntimeError(f"demo frame rejected: {problems[:3]}")
    operations.set_published(wave, True, True)
    return f"Wave: created {DEMO_WAVE} ({count} strata), published and public."
