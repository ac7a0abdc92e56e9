"""Semantic checks on a schema-valid questionnaire file; each problem is a code and a location."""
import re
import unicodedata

from survey.questionnaires import relevance
from survey.questionnaires.errors import QuestionnaireError
from survey.questionnaires.schema import QuestionnaireFile
from survey.questionnaires.types import COMMON_KEYS, TYPES

QUESTIONNAIRE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
SNAKE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Answers store multiple choices space-separated, and selected() splits on spaces.
CHOICE_CODE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
ITEM_KEYS = {"id", "type", "text", "hint", "required", "relevant", "choices", "appearance",
             "min", "max", "integer", "unit", "max_length"}


class _Report:
    def __init__(self, file_name):
        self.file_name, self.errors = file_name, []

    def add(self, where, code, detail=""):
        self.errors.append(QuestionnaireError(f"{self.file_name}:{where}", code, detail))


def check(doc: QuestionnaireFile, file_name: str, supported_languages) -> list[QuestionnaireError]:
    r = _Report(file_name)
    if file_name != f"{doc.id}.v{doc.version}.yaml":
        r.add("id", "file.name_mismatch", f"expected {doc.id}.v{doc.version}.yaml")
    if not QUESTIONNAIRE_ID.match(doc.id):
        r.add("id", "id.bad_format", doc.id)
    _check_languages(doc, r, supported_languages)
    _check_texts(doc, r)
    _check_choice_lists(doc, r)
    _check_items(doc, r)
    if doc.complete_after is not None and doc.complete_after not in {s.id for s in doc.sections}:
        r.add("complete_after", "sections.unknown_complete_after", doc.complete_after)
    _check_indices(doc, r)
    return r.errors


def _check_languages(doc, r, supported):
    if doc.languages[0] != "vi":
        r.add("languages", "languages.first_not_vi")
    for lang in doc.languages:
        if lang not in supported:
            r.add("languages", "languages.unsupported", lang)


def _texts(doc):
    """Yield (location, text) for every translatable text in the file."""
    yield "title", doc.title
    yield "description", doc.description
    for name, clist in doc.choice_lists.items():
        for i, choice in enumerate(clist.choices):
            yield f"choice_lists.{name}.choices[{i}].text", choice.text
    for section in doc.sections:
        yield f"{section.id}.title", section.title
        yield f"{section.id}.intro", section.intro
        for item in section.items:
            for key in ("text", "hint", "unit"):
                yield f"{section.id}.{item.id}.{key}", getattr(item, key)
            if isinstance(item.choices, tuple):
                for i, choice in enumerate(item.choices):
                    yield f"{section.id}.{item.id}.choices[{i}].text", choice.text
    for index in doc.indices:
        yield f"indices.{index.id}.label", index.label


def _check_texts(doc, r):
    declared = set(doc.languages)
    for where, text in _texts(doc):
        if text is None:
            continue
        for lang in sorted(declared - text.keys()):
            r.add(where, "text.missing_language", lang)
        for lang in sorted(text.keys() - declared):
            r.add(where, "text.unknown_language", lang)
        for lang, value in text.items():
            if not value.strip():
                r.add(where, "text.empty", lang)
            elif unicodedata.normalize("NFC", value) != value:
                r.add(where, "text.not_nfc", lang)


def _check_choices(choices, where, r, scale=False):
    if not choices:
        r.add(where, "choices.missing")
        return
    codes = [c.code for c in choices]
    for choice in choices:
        if isinstance(choice.value, str) and not CHOICE_CODE.match(choice.value):
            r.add(where, "choices.value_format", choice.value)
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        r.add(where, "choices.duplicate_value", code)
    if scale and [c.value for c in choices] != list(range(1, len(choices) + 1)):
        r.add(where, "choices.scale_values")


def _check_choice_lists(doc, r):
    used = {i.choices for s in doc.sections for i in s.items if isinstance(i.choices, str)}
    for name, clist in doc.choice_lists.items():
        if not SNAKE_ID.match(name):
            r.add(f"choice_lists.{name}", "id.bad_format", name)
        _check_choices(clist.choices, f"choice_lists.{name}", r, scale=clist.scale)
        if name not in used:
            r.add(f"choice_lists.{name}", "choices.unused_list")


def _choice_codes(doc, item):
    """The item's answer codes, or None when unknown (no choices: reported already)."""
    if item.type in TYPES and TYPES[item.type].fixed_codes:
        return set(TYPES[item.type].fixed_codes)
    choices = item.choices
    if isinstance(choices, str):
        choices = doc.choice_lists[choices].choices if choices in doc.choice_lists else None
    return {c.code for c in choices} if choices else None


def _items_by_id(doc):
    """Items by id; of two items with one id the first counts (the second is the duplicate)."""
    items = {}
    for section in doc.sections:
        for item in section.items:
            items.setdefault(item.id, item)
    return items


def _check_items(doc, r):
    seen_sections, position = set(), {}
    items = [(s, i) for s in doc.sections for i in s.items]
    for section in doc.sections:
        if not SNAKE_ID.match(section.id):
            r.add(section.id, "id.bad_format", section.id)
        if section.id in seen_sections:
            r.add(section.id, "id.duplicate", section.id)
        seen_sections.add(section.id)
    for n, (section, item) in enumerate(items):
        where = f"{section.id}.{item.id}"
        if not SNAKE_ID.match(item.id):
            r.add(where, "id.bad_format", item.id)
        if item.id in position:
            r.add(where, "id.duplicate", item.id)
        position.setdefault(item.id, n)
        qtype = TYPES.get(item.type)
        if qtype is None:
            r.add(f"{where}.type", "type.unknown", item.type)
            continue
        for key in sorted(item.model_fields_set & ITEM_KEYS - COMMON_KEYS - qtype.keys):
            r.add(f"{where}.{key}", "type.key_not_allowed", f"{key} on {item.type}")
        if qtype.has_choices:
            if item.choices is None:
                r.add(where, "choices.missing")
            elif isinstance(item.choices, str) and item.choices not in doc.choice_lists:
                r.add(f"{where}.choices", "choices.unknown_list", item.choices)
            elif isinstance(item.choices, tuple):
                _check_choices(item.choices, f"{where}.choices", r)
        if item.min is not None and item.max is not None and item.min > item.max:
            r.add(where, "range.inverted")
    for n, (section, item) in enumerate(items):
        if item.relevant is not None:
            _check_relevant(doc, item, f"{section.id}.{item.id}.relevant", n, position, r)


def _check_relevant(doc, item, where, n, position, r):
    try:
        condition = relevance.parse(item.relevant)
    except relevance.RelevanceSyntaxError as exc:
        r.add(where, "relevant.syntax", str(exc))
        return
    items = _items_by_id(doc)
    for ref in condition.references:
        if ref not in position:
            r.add(where, "relevant.unknown_item", ref)
        elif position[ref] >= n:
            r.add(where, "relevant.forward_reference", ref)
    for ref, literal in condition.compared:
        codes = _choice_codes(doc, items[ref]) if ref in items else None
        if codes is not None and literal not in codes:
            r.add(where, "relevant.bad_value", f"{ref} has no value {literal!r}")


def _scale_size(doc, item):
    if item.type in TYPES and TYPES[item.type].picks_one_choice and isinstance(item.choices, str):
        clist = doc.choice_lists.get(item.choices)
        if clist is not None and clist.scale:
            return len(clist.choices)
    return None


# Rules computed over all of an index's answers at once: no components, no weights.
RESPONDENT_RULES = ("all_top2", "pooled_top2", "own_mean_top2")


def _check_indices(doc, r):
    items = _items_by_id(doc)
    indices, well_formed = {}, {}
    for index in doc.indices:
        where = f"indices.{index.id}"
        if not SNAKE_ID.match(index.id):
            r.add(where, "id.bad_format", index.id)
        if index.id in indices or index.id in items:
            r.add(where, "id.duplicate", index.id)
        indices.setdefault(index.id, index)
        parts = index.items if index.items is not None else index.of
        if (index.items is None) == (index.of is None) or not parts or (
            index.of is not None and index.rule in RESPONDENT_RULES
        ):
            r.add(where, "index.shape")
            continue
        well_formed.setdefault(index.id, index)
        key = "items" if index.items is not None else "of"
        for ref in sorted({p for p in parts if parts.count(p) > 1}):
            r.add(f"{where}.{key}", "id.duplicate", ref)
        if index.weights is not None and (
            index.rule in RESPONDENT_RULES
            or len(index.weights) != len(parts)
            or min(index.weights) <= 0
            or abs(sum(index.weights) - 1) > 1e-9
        ):
            r.add(f"{where}.weights", "index.weights")
        for ref in index.reverse:
            if ref not in (index.items or ()):
                r.add(f"{where}.reverse", "index.unknown_item", ref)
        if index.items is not None:
            sizes = set()
            for ref in index.items:
                if ref not in items:
                    r.add(f"{where}.items", "index.unknown_item", ref)
                elif (size := _scale_size(doc, items[ref])) is None:
                    r.add(f"{where}.items", "index.not_scale", ref)
                else:
                    sizes.add(size)
            if len(sizes) > 1:
                r.add(f"{where}.items", "index.mixed_scales", ", ".join(map(str, sorted(sizes))))
    # An index of the wrong shape is reported once, not again for what it is made of.
    for index in well_formed.values():
        for ref in index.of or ():
            if ref not in indices:
                r.add(f"indices.{index.id}.of", "index.unknown_component", ref)
            elif indices[ref].rule != index.rule:
                r.add(f"indices.{index.id}.of", "index.mixed_rules", ref)
    _check_index_cycles(well_formed, r)
    _check_headline(doc.indices, indices, r)


def _check_headline(listed, indices, r):
    """At most one headline; an alternative names another index of the same kind (share/score)."""
    for index in [i for i in listed if i.headline][1:]:
        r.add(f"indices.{index.id}.headline", "index.headline_count", index.id)
    for index in listed:
        ref = index.alternative_to
        if ref is None:
            continue
        if ref not in indices or ref == index.id:
            r.add(f"indices.{index.id}.alternative_to", "index.unknown_alternative", ref)
        elif (indices[ref].rule == "mean_score") != (index.rule == "mean_score"):
            r.add(f"indices.{index.id}.alternative_to", "index.alternative_kind", ref)


def _check_index_cycles(indices, r):
    state = {}

    def visit(name, trail):
        if state.get(name) == "done" or name not in indices:
            return
        if state.get(name) == "open":
            # Report where the circle starts, not where the walk that found it started.
            circle = trail[trail.index(name):] + [name]
            r.add(f"indices.{name}.of", "index.cycle", " → ".join(circle))
            return
        state[name] = "open"
        for ref in indices[name].of or ():
            visit(ref, trail + [name])
        state[name] = "done"

    for name in indices:
        visit(name, [])
