"""Double entry: compare keyings of one paper form, decide its state, score each clerk's keying."""
from dataclasses import dataclass

UNVERIFIED, VERIFIED, CONFLICT = "unverified", "verified", "conflict"


def differing_items(questionnaire, *answer_sets: dict) -> list[str]:
    """Items (in questionnaire order) on which the answer sets do not all agree; blank counts."""
    return [item_id for item_id in questionnaire.items
            if len({answers.get(item_id, "") for answers in answer_sets}) > 1]


def state_after_entry(current_state: str, current: dict, new: dict, claimed_first: bool) -> str:
    """The form's state once another clerk's entry `new` arrives for a form already keyed.

    Two entries that both claimed to be the first keying of the form (two devices, offline)
    always go to a supervisor, even when they agree: someone keyed a form twice by mistake.
    """
    if claimed_first or current_state == CONFLICT:
        return CONFLICT
    return VERIFIED if new == current else CONFLICT


@dataclass(frozen=True)
class ClerkScore:
    clerk_id: int
    forms: int
    items: int
    differing: int

    @property
    def error_rate(self) -> float | None:
        return self.differing / self.items if self.items else None


def clerk_scores(rows) -> list[ClerkScore]:
    """Score keyings against the final values of verified forms.

    `rows`: (clerk id, the entry's answers, the form's final answers). An item counts when
    either side has a value; it is an error when the two differ.
    """
    totals: dict[int, list[int]] = {}
    for clerk_id, keyed, final in rows:
        items = set(keyed) | set(final)
        wrong = sum(1 for item_id in items if keyed.get(item_id, "") != final.get(item_id, ""))
        total = totals.setdefault(clerk_id, [0, 0, 0])
        total[0] += 1
        total[1] += len(items)
        total[2] += wrong
    return [ClerkScore(clerk_id, *t) for clerk_id, t in sorted(totals.items())]
