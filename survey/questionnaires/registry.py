"""The immutable set of questionnaires loaded at start-up, looked up by id and version."""
from types import MappingProxyType

from survey.questionnaires.errors import QuestionnaireError


class Registry:
    """Read-only: attributes cannot be set or deleted once built, and its mappings are proxies."""

    __slots__ = ("_by_key", "_latest", "_defaults")

    def __init__(self, questionnaires):
        latest = {}
        for q in sorted(questionnaires, key=lambda q: q.version):
            latest[q.id] = q
        fields = {
            "_by_key": {q.key: q for q in questionnaires},
            "_latest": latest,
            "_defaults": {kind: q for q in latest.values() for kind in q.default_for},
        }
        for name, mapping in fields.items():
            object.__setattr__(self, name, MappingProxyType(mapping))

    def __setattr__(self, name, value):
        raise AttributeError("the questionnaire registry is read-only")

    def __delattr__(self, name):
        raise AttributeError("the questionnaire registry is read-only")

    @staticmethod
    def conflicts(questionnaires) -> list[QuestionnaireError]:
        """Errors that only show between files: duplicate versions, two defaults for one kind."""
        errors, seen = [], {}
        for q in questionnaires:
            if q.key in seen:
                errors.append(QuestionnaireError(
                    f"{q.source_file}:version", "registry.duplicate_version", seen[q.key]
                ))
            seen.setdefault(q.key, q.source_file)
        latest = {}
        for q in sorted(questionnaires, key=lambda q: q.version):
            latest[q.id] = q
        owner = {}
        for q in sorted(latest.values(), key=lambda q: q.id):
            for kind in q.default_for:
                if kind in owner:
                    errors.append(QuestionnaireError(
                        f"{q.source_file}:default_for", "registry.default_conflict",
                        f"{kind} is already the default of {owner[kind]}",
                    ))
                owner.setdefault(kind, q.id)
        return errors

    def get(self, questionnaire_id: str, version: int | None = None):
        """The given version, or the latest when `version` is None; None if unknown."""
        if version is None:
            return self._latest.get(questionnaire_id)
        return self._by_key.get((questionnaire_id, version))

    def default_for(self, service_kind: str):
        return self._defaults.get(service_kind)

    def latest(self):
        return tuple(sorted(self._latest.values(), key=lambda q: q.id))

    def __iter__(self):
        return iter(sorted(self._by_key.values(), key=lambda q: q.key))

    def __len__(self):
        return len(self._by_key)
