"""Assertions shared by the normalizer tests."""

from ingest.normalize import Normalized


def assert_value(result: Normalized, text: str, expected) -> None:
    """The value is the expected one and its evidence is the span of the input it claims to be."""
    assert result.value == expected, result
    if expected is not None:
        assert result.evidence, result
        if result.start >= 0:
            assert text[result.start:result.end] == result.evidence, result
        assert result.evidence in text, result
        assert result.rule and result.version >= 1, result


def assert_blank(result: Normalized, text: str) -> None:
    assert result.value is None, result
    if result.evidence:
        assert result.evidence in text, result


def blank_row(**cells) -> dict[str, str]:
    """A metadata.csv row with every column blank but ``cells``."""
    from schema import COLUMNS

    row = {c: "" for c in COLUMNS}
    row.update(cells)
    return row
