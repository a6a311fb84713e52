"""Review states, the fields a reviewer may edit, and the validation of a reviewer's value.

Vocabularies and review states come from ``schema``; nothing here spells one.
"""

from __future__ import annotations

from schema import (
    COLUMNS,
    CT_VIEWS,
    ERROR,
    FINDING_PATHS,
    FINDING_PLACEHOLDERS,
    IMAGE_FIELDS,
    LICENSES,
    MODALITIES,
    RT_PCR_VALUES,
    SEX_VALUES,
    XRAY_VIEWS,
    YES_NO_FIELDS,
    YES_NO_VALUES,
    IngestError,
    ReviewState,
    parse_cell,
)

#: How the review page names each state.
STATE_LABELS = {ReviewState.STAGED: "staged", ReviewState.APPROVED: "approved", ReviewState.REJECTED: "rejected",
                ReviewState.NEEDS_INFO: "needs information", ReviewState.DUPLICATE: "duplicate",
                ReviewState.RELEASED: "released"}

#: Fields the export computes itself (allocated id, file layout): never edited by hand.
COMPUTED_FIELDS: frozenset[str] = frozenset({"patientid", "folder", "filename"})
CASE_FIELDS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in COMPUTED_FIELDS and c not in IMAGE_FIELDS)
EDITABLE_FIELDS: frozenset[str] = frozenset(CASE_FIELDS) | frozenset(IMAGE_FIELDS)
#: Free-text fields (a textarea in the page).
TEXT_FIELDS: frozenset[str] = frozenset({"clinical_notes", "other_notes", "location"})
#: Problems of a value that a reviewer may still record (the truth), which then block approval.
RECORDABLE_PROBLEMS: frozenset[str] = frozenset({"age.adult"})

MAX_VALUE_LENGTH = 20_000
MAX_REASON_LENGTH = 2_000


class ReviewError(IngestError, ValueError):
    """Bad input to a review action: shown to the reviewer as is; nothing was changed."""


def choices(field: str) -> tuple[str, ...] | None:
    """The closed vocabulary of a field (a select in the page), or None for free or open fields."""
    if field == "sex":
        return SEX_VALUES
    if field in YES_NO_FIELDS:
        return YES_NO_VALUES
    if field == "RT_PCR_positive":
        return RT_PCR_VALUES
    if field == "view":
        return XRAY_VIEWS + CT_VIEWS
    if field == "modality":
        return MODALITIES
    return None


def suggestions(field: str) -> tuple[str, ...]:
    """Known values offered while typing an open field."""
    if field == "finding":
        return FINDING_PLACEHOLDERS + FINDING_PATHS
    if field == "license":
        return LICENSES
    return ()


def validate_value(field: str, value: str, image_level: bool) -> str:
    """The value to store for ``field``, or ReviewError saying what is wrong with it.

    ``""`` records an explicit blank (the source is wrong and nothing better is known).
    """
    if field not in EDITABLE_FIELDS:
        if field in COMPUTED_FIELDS:
            raise ReviewError(f"{field} is computed by the export and cannot be edited")
        raise ReviewError(f"unknown field {field!r}; editable fields: {', '.join(sorted(EDITABLE_FIELDS))}")
    if image_level != (field in IMAGE_FIELDS):
        where = "an image" if field in IMAGE_FIELDS else "the case"
        raise ReviewError(f"{field} is a field of {where}")
    if not isinstance(value, str):
        raise ReviewError(f"{field}: the value must be text")
    if len(value) > MAX_VALUE_LENGTH:
        raise ReviewError(f"{field}: the value is longer than {MAX_VALUE_LENGTH} characters")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value) or "\x7f" in value:
        raise ReviewError(f"{field}: the value contains control characters")
    if field not in TEXT_FIELDS:
        value = value.strip()
        if "\n" in value:
            raise ReviewError(f"{field}: the value must be on one line")
    if field == "finding" and value == "":
        raise ReviewError("finding cannot be blank: write `todo` (not yet known) or `Unknown`")
    if value == "":
        return value
    problems = [p for p in parse_cell(field, value).problems
                if p.severity == ERROR and p.rule not in RECORDABLE_PROBLEMS]
    if field == "license" and value not in LICENSES:
        raise ReviewError(f"license {value!r} is not one of the known licenses ({', '.join(LICENSES[:3])}, ...)")
    if problems:
        raise ReviewError(f"{field}: " + "; ".join(p.message for p in problems))
    return value


def clean_reason(reason: str | None, required: bool, what: str) -> str | None:
    reason = (reason or "").strip()
    if required and not reason:
        raise ReviewError(f"{what} needs a reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise ReviewError(f"the reason is longer than {MAX_REASON_LENGTH} characters")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in reason):
        raise ReviewError("the reason contains control characters")
    return reason or None
