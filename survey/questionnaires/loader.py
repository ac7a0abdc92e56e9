"""Load questionnaire files in layers: parse YAML → strict schema → semantic checks → compile.

Every layer reports errors as codes with locations; a file that fails any layer is not compiled.
"""
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from survey.questionnaires import compiled, relevance
from survey.questionnaires.checks import check
from survey.questionnaires.errors import QuestionnaireError, QuestionnaireLoadError
from survey.questionnaires.registry import Registry
from survey.questionnaires.schema import QuestionnaireFile
from survey.questionnaires.types import TYPES

SUPPORTED_LANGUAGES = ("vi", "en")
_TYPE_TAGS = ("str", "int", "float", "bool", "dict", "list", "tuple", "function", "literal")
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BOOL, _INT, _FLOAT = (f"tag:yaml.org,2002:{t}" for t in ("bool", "int", "float"))


class _DuplicateKey(yaml.constructor.ConstructorError):
    pass


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with two traps for form authors removed.

    A key written twice in one mapping is an error (plain PyYAML keeps the last value silently,
    so a repeated `text:` would lose a wording). Plain scalars resolve as in YAML 1.2, stricter
    on integers: only true/false are booleans, and only plain decimals are numbers. YAML 1.1
    read `No` as false, `18_25` as 1825, `03` as 3 and `08` as text.
    """

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                if key in seen:
                    raise _DuplicateKey(None, None, f"duplicate key {key!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                    list("tTfF"))
_StrictLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
                                    list("-+0123456789"))
_StrictLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$"
               r"|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."),
)


def _schema_code(error) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "schema.unknown_key"
    if kind == "missing":
        return "schema.missing_key"
    if error["loc"] == ("schema_version",):
        return "schema.version"
    if kind == "literal_error":
        return "schema.bad_value"
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return "schema.wrong_type"
    return "schema.bad_value"


def _schema_location(raw, loc) -> str:
    """Turn pydantic's error location into `section_id.item_id.key` using the ids in the file."""
    parts, node = [], raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            parts.append(str(part))
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            ident = node.get("id") if isinstance(node, dict) else None
            if ident is not None and parts and parts[-1] in ("sections", "items"):
                parts[-1] = str(ident)
            elif ident is not None and parts == ["indices"]:
                parts.append(str(ident))
            else:
                parts[-1] = f"{parts[-1]}[{part}]"
        elif isinstance(part, str) and not part.startswith(_TYPE_TAGS) and "[" not in part:
            parts.append(part)
            break
    if len(parts) > 1 and parts[0] == "sections":
        parts = parts[1:]
    return ".".join(parts) or "(top)"


def _counted_after_failures(error) -> bool:
    """Whether a too-short error only counts elements that failed (and are reported already)."""
    if error["type"] != "too_short" or not isinstance(error["input"], list | tuple):
        return False
    return len(error["input"]) >= error["ctx"]["min_length"]


def _schema_errors(raw, exc: ValidationError, file_name) -> list[QuestionnaireError]:
    found = {
        QuestionnaireError(
            f"{file_name}:{_schema_location(raw, e['loc'])}", _schema_code(e), e["msg"]
        )
        for e in exc.errors()
        if not _counted_after_failures(e)
    }
    # A union field fails once per alternative; keep one error per place and code.
    unique = {}
    for error in sorted(found):
        unique.setdefault((error.location, error.code), error)
    return list(unique.values())


def parse_file(path: Path, languages=SUPPORTED_LANGUAGES):
    """Return (QuestionnaireFile or None, errors) for one file."""
    name = path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except UnicodeDecodeError:
        return None, [QuestionnaireError(f"{name}:(file)", "file.unreadable")]
    except yaml.YAMLError as exc:
        return None, [_yaml_error(name, exc)]
    if not isinstance(raw, dict):
        return None, [QuestionnaireError(f"{name}:(top)", "schema.not_mapping")]
    try:
        doc = QuestionnaireFile.model_validate(raw)
    except ValidationError as exc:
        return None, _schema_errors(raw, exc, name)
    errors = check(doc, name, languages)
    return (None if errors else doc), errors


def _yaml_error(file_name, exc: yaml.YAMLError) -> QuestionnaireError:
    # A ReaderError (a control character) has a position but no mark and no `problem`.
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        where = f"line {mark.line + 1}, column {mark.column + 1}"
    elif getattr(exc, "position", None) is not None:
        where = f"character {exc.position + 1}"
    else:
        where = "(file)"
    code = "yaml.duplicate_key" if isinstance(exc, _DuplicateKey) else "yaml.syntax"
    detail = str(getattr(exc, "problem", None) or exc)
    return QuestionnaireError(f"{file_name}:{where}", code, detail)


def compile_file(doc: QuestionnaireFile, file_name: str) -> compiled.Questionnaire:
    """Resolve choice lists, scales and conditions of a checked file into the immutable form."""
    sections = []
    for section in doc.sections:
        items = []
        for spec in section.items:
            choices, scale_points = spec.choices or (), None
            if isinstance(spec.choices, str):
                clist = doc.choice_lists[spec.choices]
                choices = clist.choices
                scale_points = len(clist.choices) if clist.scale else None
            items.append(compiled.Item(
                id=spec.id, qtype=TYPES[spec.type], section_id=section.id, text=spec.text,
                hint=spec.hint, required=spec.required,
                condition=relevance.parse(spec.relevant) if spec.relevant else None,
                choices=tuple(choices), scale_points=scale_points, appearance=spec.appearance,
                min=spec.min, max=spec.max, integer=bool(spec.integer), unit=spec.unit,
                max_length=spec.max_length,
            ))
        sections.append(compiled.Section(section.id, section.title, section.intro, tuple(items)))
    return compiled.Questionnaire(
        id=doc.id, version=doc.version, title=doc.title, description=doc.description,
        languages=doc.languages, default_for=doc.default_for, sections=tuple(sections),
        indices=doc.indices, source_file=file_name,
        complete_page=[s.id for s in doc.sections].index(doc.complete_after or doc.sections[-1].id),
    )


def check_directory(directory: Path, languages=SUPPORTED_LANGUAGES):
    """Return (compiled questionnaires, every error) for all *.yaml files in `directory`."""
    loaded, errors = [], []
    # A .yml file would otherwise be skipped without a word.
    for path in sorted(Path(directory).glob("*.yml")):
        errors.append(QuestionnaireError(f"{path.name}:(file)", "file.name_mismatch", "use .yaml"))
    for path in sorted(Path(directory).glob("*.yaml")):
        doc, file_errors = parse_file(path, languages)
        errors.extend(file_errors)
        if doc is not None:
            loaded.append(compile_file(doc, path.name))
    errors.extend(Registry.conflicts(loaded))
    return loaded, sorted(errors)


def load_registry(directory: Path, languages=SUPPORTED_LANGUAGES) -> Registry:
    """Load every questionnaire or raise QuestionnaireLoadError listing all problems."""
    loaded, errors = check_directory(directory, languages)
    if errors:
        raise QuestionnaireLoadError(errors)
    return Registry(loaded)


