"""Bulk-load a wave and N realistic submitted responses for the benchmarks (not through the ORM).

    python benchmarks/seed_million.py --url sqlite:////tmp/bench.db --n 1000000
    python benchmarks/seed_million.py --url postgresql+psycopg://survey@127.0.0.1:55432/db --n 1000000

`seed(engine, n)` is what benchmark scripts import: it expects a migrated database, loads the
bundled units if there are none, adds one desk per commune, a wave over the second half of
2025 and `n` responses (80% QR in the wave period, 20% paper forms of the wave, mostly
verified; a few flagged) with their answers to every item a citizen would answer. Values are
drawn per commune around its own satisfaction level, so estimates differ between units.
SQLite gets executemany in large transactions, PostgreSQL gets COPY. Deterministic for a seed.
"""
import argparse
import io
import sys
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Engine

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PERIOD = (date(2025, 7, 1), date(2025, 12, 31))
CHUNK = 50_000
QR_SHARE, FLAGGED_SHARE = 0.8, 0.03
VERIFICATION_P = {"verified": 0.9, "unverified": 0.08, "conflict": 0.02}
FLAG_CODES = ("burst", "identical_top", "outside_hours")
# Items a respondent answers on almost every form; skip-logic children are drawn separately.
DEMOGRAPHICS = ("sex", "age_band", "ethnicity", "education", "occupation", "residence")


def _ensure_units(engine: Engine) -> None:
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM admin_unit")).scalar():
            return
    from survey import create_app
    from survey.units.operations import load_bundled

    app = create_app({"DATABASE_URL": engine.url.render_as_string(hide_password=False)}, strict=False)
    with app.app_context():
        report = load_bundled()
    app.extensions["db_engine"].dispose()
    if not report.ok:
        raise RuntimeError(f"bundled unit files are invalid: {report.errors[:3]}")


def _communes(conn) -> list[tuple[int, str]]:
    rows = conn.execute(text(
        "SELECT id, code FROM admin_unit WHERE level = 'commune' AND valid_from <= :day "
        "AND (valid_to IS NULL OR valid_to >= :day) ORDER BY code"), {"day": PERIOD[0]}).all()
    return [(r[0], r[1]) for r in rows]


def _ensure_points(conn, communes, questionnaire_id) -> dict[int, int]:
    """One desk per commune (code BN-<commune>), reused when it already exists."""
    now = datetime.now(UTC)
    for unit_id, code in communes:
        exists = conn.execute(text("SELECT id FROM service_point WHERE code = :c"),
                              {"c": f"BN-{code}"}).first()
        if exists is None:
            conn.execute(text(
                "INSERT INTO service_point (code, name, kind, unit_id, questionnaire_id, active, "
                "opening_hours, created_at, updated_at) VALUES (:code, :name, 'one_stop_commune', "
                ":unit, :q, :active, '', :now, :now)"),
                {"code": f"BN-{code}", "name": f"Bộ phận Một cửa {code} (benchmark)", "unit": unit_id,
                 "q": questionnaire_id, "active": True, "now": now})
    rows = conn.execute(text("SELECT unit_id, id FROM service_point WHERE code LIKE 'BN-%'")).all()
    return {r[0]: r[1] for r in rows}


def _choice_codes(item) -> list[str]:
    return [c.code for c in item.choices]


def _answers(q, rng, n, base) -> dict[str, np.ndarray]:
    """Item id → array of n answer texts ('' = not answered), honouring the skip logic."""
    items = q.items
    out: dict[str, np.ndarray] = {}
    empty = np.full(n, "", dtype=object)

    def choose(item_id, p=None, mask=None):
        codes = np.array(_choice_codes(items[item_id]), dtype=object)
        values = codes[rng.choice(len(codes), size=n, p=p)]
        if mask is not None:
            values = np.where(mask, values, empty)
        out[item_id] = values

    for item in items.values():
        if item.scale_points and item.condition is None:
            score = np.clip(np.rint(base + rng.normal(0, 0.8, n)), 1, item.scale_points).astype(int)
            out[item.id] = score.astype(str).astype(object)
    if "submission_channel" in items:
        choose("submission_channel", p=[0.7, 0.1, 0.15, 0.05])
    if "procedure_name" in items:
        named = rng.random(n) < 0.1
        out["procedure_name"] = np.where(named, "Đăng ký khai sinh", empty)
    if "gave_feedback" in items:
        gave = rng.random(n) < 0.15
        out["gave_feedback"] = np.where(gave, "yes", "no").astype(object)
        for item_id in ("feedback_handled", "feedback_notified"):
            score = np.clip(np.rint(base + rng.normal(-0.3, 0.9, n)), 1, 5).astype(int).astype(str)
            out[item_id] = np.where(gave, score.astype(object), empty)
    if "harassment" in items:
        choose("harassment", p=[0.95, 0.04, 0.01])
        choose("informal_payment", p=[0.97, 0.025, 0.005])
        paid = out["informal_payment"] != "none"
        choose("informal_payment_amount", mask=paid)
    if "preferred_channel" in items:
        choose("preferred_channel", p=[0.55, 0.1, 0.3, 0.05])
        other = out["preferred_channel"] == "other"
        out["preferred_channel_other"] = np.where(other, "Qua Zalo", empty)
    if "priorities" in items:
        codes = _choice_codes(items["priorities"])[:-1]
        picks = rng.random((n, len(codes))) < 0.25
        out["priorities"] = np.array([" ".join(c for c, on in zip(codes, row, strict=True) if on)
                                      for row in picks], dtype=object)
    for item_id in DEMOGRAPHICS:
        if item_id in items and item_id not in out:
            choose(item_id)
    for item_id in ("ethnicity", "occupation"):
        if item_id in out and f"{item_id}_other" in items:
            other = out[item_id] == "other"
            out[f"{item_id}_other"] = np.where(other, "Khác", empty)
    return out


def _numeric(item, value: str) -> float | None:
    if item.type == "yes_no":
        return 1.0 if value == "yes" else 0.0
    if item.type == "single_choice":
        choice = item.choices[item.choice_codes.index(value)]
        return float(choice.value) if isinstance(choice.value, int) else None
    return None


def _chunk_rows(q, rng, start_id, n, wave_id, communes, points, unit_level, numbers_cache):
    """(response rows, answer rows) for ids start_id .. start_id+n-1."""
    unit_pick = rng.integers(0, len(communes), n)
    base = unit_level[unit_pick] + rng.normal(0, 0.5, n)
    qr = rng.random(n) < QR_SHARE
    span = (datetime(*PERIOD[1].timetuple()[:3], 23, tzinfo=UTC)
            - datetime(*PERIOD[0].timetuple()[:3], tzinfo=UTC)).total_seconds()
    t0 = datetime(*PERIOD[0].timetuple()[:3], 1, tzinfo=UTC).timestamp()
    seconds = t0 + rng.random(n) * span * 0.99
    states = list(VERIFICATION_P)
    verification = np.array(states, dtype=object)[rng.choice(3, n, p=list(VERIFICATION_P.values()))]
    flagged = qr & (rng.random(n) < FLAGGED_SHARE)
    flag_pick = rng.integers(0, len(FLAG_CODES), n)
    answers = _answers(q, rng, n, base)
    pages = len(q.sections)
    responses, answer_rows = [], []
    item_ids = list(answers)
    for k in range(n):
        rid = start_id + k
        unit_id = communes[unit_pick[k]][0]
        at = datetime.fromtimestamp(float(seconds[k]), UTC).replace(microsecond=0)
        if qr[k]:
            row = (rid, str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | rid)), q.id, q.version,
                   "qr", "submitted", pages, points[unit_id], unit_id, "vi", at, at, None, None, None,
                   None, FLAG_CODES[flag_pick[k]] if flagged[k] else "")
        else:
            row = (rid, str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | rid)), q.id, q.version,
                   "paper", "submitted", pages, None, unit_id, "vi", at, at, None,
                   f"P{rid:08d}", wave_id, verification[k], "")
        responses.append(row)
        for item_id in item_ids:
            value = answers[item_id][k]
            if value:
                key = (item_id, value)
                if key not in numbers_cache:
                    numbers_cache[key] = _numeric(q.items[item_id], value)
                answer_rows.append((rid, item_id, value, numbers_cache[key]))
    return responses, answer_rows


RESPONSE_COLUMNS = ("id", "uuid", "questionnaire_id", "questionnaire_version", "channel", "status",
                    "current_page", "service_point_id", "unit_id", "language", "started_at",
                    "submitted_at", "dossier_code", "paper_form_number", "wave_id", "verification",
                    "flags")
ANSWER_COLUMNS = ("response_id", "item_id", "value", "value_num")


def _copy_text(rows) -> bytes:
    """Rows in PostgreSQL COPY text format (tab-separated, \\N for NULL, escaped)."""
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join(
            "\\N" if v is None
            else v.isoformat(sep=" ") if isinstance(v, datetime)
            else str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            for v in row))
        buf.write("\n")
    return buf.getvalue().encode()


def _insert_sqlite(engine, responses, answers):
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        fix = [tuple(v.strftime("%Y-%m-%d %H:%M:%S.000000") if isinstance(v, datetime) else v
                     for v in row) for row in responses]
        cur.executemany(f"INSERT INTO response ({', '.join(RESPONSE_COLUMNS)}) VALUES "
                        f"({', '.join('?' * len(RESPONSE_COLUMNS))})", fix)
        cur.executemany("INSERT INTO answer (response_id, item_id, value, value_num) VALUES (?, ?, ?, ?)",
                        answers)
        raw.commit()
    finally:
        raw.close()


def _insert_postgres(engine, responses, answers):
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        with cur.copy(f"COPY response ({', '.join(RESPONSE_COLUMNS)}) FROM STDIN") as copy:
            copy.write(_copy_text(responses))
        with cur.copy("COPY answer (response_id, item_id, value, value_num) FROM STDIN") as copy:
            for start in range(0, len(answers), 200_000):
                copy.write(_copy_text(answers[start:start + 200_000]))
        raw.commit()
    finally:
        raw.close()


def seed(engine: Engine, n: int, *, wave_code: str = "bench", questionnaire_id: str = "sipas",
         seed: int = 1, progress=None) -> int:
    """Add a wave `wave_code` and `n` submitted responses with answers; return the wave id."""
    from survey.config import DEFAULTS
    from survey.questionnaires import load_registry

    q = load_registry(DEFAULTS["QUESTIONNAIRES_DIR"], ("vi", "en")).get(questionnaire_id)
    if q is None:
        raise ValueError(f"unknown questionnaire {questionnaire_id!r}")
    _ensure_units(engine)
    rng = np.random.default_rng(seed)
    with engine.begin() as conn:
        communes = _communes(conn)
        points = _ensure_points(conn, communes, q.id)
        conn.execute(text(
            "INSERT INTO wave (code, name, questionnaire_id, questionnaire_version, period_start, "
            "period_end, mode, count_unverified_paper, created_at) VALUES (:code, :name, :q, :v, "
            ":start, :end, 'both', :unverified, :now)"),
            {"code": wave_code, "name": f"Đợt khảo sát {wave_code}", "q": q.id, "v": q.version,
             "start": PERIOD[0], "end": PERIOD[1], "unverified": False, "now": datetime.now(UTC)})
        wave_id = conn.execute(text("SELECT id FROM wave WHERE code = :c"), {"c": wave_code}).scalar()
        next_id = (conn.execute(text("SELECT max(id) FROM response")).scalar() or 0) + 1
    # Each commune has its own true level (mean score around 4 on the 1–5 scale).
    unit_level = rng.normal(4.0, 0.35, len(communes))
    insert = _insert_postgres if engine.dialect.name == "postgresql" else _insert_sqlite
    numbers_cache: dict = {}
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        responses, answers = _chunk_rows(q, rng, next_id + done, size, wave_id, communes, points,
                                         unit_level, numbers_cache)
        insert(engine, responses, answers)
        done += size
        if progress:
            progress(done, n)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('response', 'id'), "
                              "(SELECT max(id) FROM response))"))
            conn.execute(text("ANALYZE response"))
            conn.execute(text("ANALYZE answer"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return wave_id


def main(argv=None) -> int:
    from survey.db import make_engine
    from survey.migrate import upgrade

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL (migrated here if needed)")
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--wave-code", default="bench")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    engine = make_engine(args.url)
    upgrade(engine)
    started = time.perf_counter()

    def report(done, total):
        print(f"\r{done:>9,}/{total:,} responses  {time.perf_counter() - started:6.1f} s",
              end="", flush=True)

    wave_id = seed(engine, args.n, wave_code=args.wave_code, seed=args.seed, progress=report)
    print(f"\nwave {args.wave_code!r} (id {wave_id}): {args.n:,} responses in "
          f"{time.perf_counter() - started:.1f} s")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
