"""A case's audit trail as a reviewer reads it: one sentence per action, and what changed.

The events keep their JSON (``before``/``after``) for the record; this turns each into a line
such as "alice set age: 45 → 54" or "crawler: the source changed (title, history)".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: Actions recorded by review/actions.py, the normalizer and the crawler, as verbs.
VERBS: dict[str, str] = {
    "approve": "approved the case",
    "reject": "rejected the case",
    "needs_info": "asked for more information",
    "reopen": "put the case back in the queue",
    "duplicate": "marked the case as a duplicate",
    "confirm_adult": "confirmed the patient is an adult",
    "confirm_distinct": "confirmed the near-duplicates are different images",
    "set_field": "set",
    "reset_field": "removed the reviewer's value of",
    "normalize": "re-normalized",
    "include_image": "included",
    "exclude_image": "excluded",
    "split": "split the case",
    "split_from": "created this case by a split",
    "source_changed": "found the source changed",
    "release": "released the case",
    "released": "released the case",
}


@dataclass
class Change:
    """One value before and after (``None``: absent)."""

    what: str
    before: str | None
    after: str | None


@dataclass
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    sentence: str
    changes: list[Change] = field(default_factory=list)
    reason: str | None = None


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_text(v)) for v in value) or None
    if isinstance(value, dict):
        return "; ".join(f"{k} {_text(v)}" for k, v in value.items()) or None
    return str(value)


def _value_changes(event) -> list[Change]:
    """What a field edit changed: the value in effect before and after."""
    before, after = event.before or {}, event.after or {}
    if isinstance(before, dict) and isinstance(after, dict) and ("value" in before or "value" in after):
        return [Change(event.field or "value", _text(before.get("value")), _text(after.get("value")))]
    return [Change(event.field or "value", _text(before), _text(after))]


def _dict_changes(event) -> list[Change]:
    """Every key that differs between ``before`` and ``after`` (state, reason, source fields)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    keys = list(before) + [k for k in after if k not in before]
    return [Change(k.replace("_", " "), _text(before.get(k)), _text(after.get(k)))
            for k in keys if before.get(k) != after.get(k) and k != "reason"]


def entry(event) -> HistoryEntry:
    verb = VERBS.get(event.action, event.action.replace("_", " "))
    image = f" of image {event.image_id}" if event.image_id else ""
    if event.action in ("set_field", "reset_field", "normalize"):
        sentence, changes = f"{verb} {event.field}{image}", _value_changes(event)
    elif event.action in ("include_image", "exclude_image"):
        sentence, changes = f"{verb} image {event.image_id}", []
    elif event.action == "source_changed":
        changed = list((event.after or {}).keys()) if isinstance(event.after, dict) else []
        sentence, changes = f"{verb} ({', '.join(changed)})" if changed else verb, _dict_changes(event)
    elif event.action == "confirm_distinct":
        pairs = (event.after or {}).get("distinct") if isinstance(event.after, dict) else None
        sentence, changes = verb, [Change("pair", None, p) for p in pairs or []]
    else:
        sentence, changes = verb, _dict_changes(event)
    return HistoryEntry(event.at, event.actor, event.action, sentence, changes, event.reason)


def timeline(events) -> list[HistoryEntry]:
    """Newest first, as ``review.actions.events`` returns them."""
    return [entry(e) for e in events]
