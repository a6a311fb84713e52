"""What the case sites are searched for by default: the dataset's scope, from its findings vocabulary.

The dataset collects COVID-19, SARS, MERS and ARDS cases and other pneumonias as comparison
(``schema.FINDING_PATHS``). A site search matches words in titles and text, not
vocabulary paths, so each finding maps to the words a case title uses ("pneumococcal pneumonia"
for Streptococcus). ARDS is not a finding of the vocabulary (the dataset files ARDS cases under
their cause) but the dataset collects it, so it is searched too. ``No Finding`` is not searched.

Radiopaedia and Eurorad take these queries (``-a query=`` replaces them: several separated by
``;``). SIRM has no search: its COVID-19 category is its whole scope.
"""

from __future__ import annotations

from schema import FINDING_PATHS

#: Finding path -> the site search that finds its cases.
FINDING_QUERIES: dict[str, str] = {
    "Tuberculosis": "tuberculosis",
    "Pneumonia": "pneumonia",
    "Pneumonia/Viral": "viral pneumonia",
    "Pneumonia/Viral/COVID-19": "COVID-19",
    "Pneumonia/Viral/SARS": "SARS",
    "Pneumonia/Viral/MERS-CoV": "MERS",
    "Pneumonia/Viral/Varicella": "varicella pneumonia",
    "Pneumonia/Viral/Influenza": "influenza pneumonia",
    "Pneumonia/Viral/Influenza/H1N1": "H1N1",
    "Pneumonia/Viral/Herpes": "herpes pneumonia",
    "Pneumonia/Bacterial": "bacterial pneumonia",
    "Pneumonia/Bacterial/Streptococcus": "pneumococcal pneumonia",
    "Pneumonia/Bacterial/Mycoplasma": "mycoplasma pneumonia",
    "Pneumonia/Bacterial/Klebsiella": "klebsiella pneumonia",
    "Pneumonia/Bacterial/Legionella": "legionella pneumonia",
    "Pneumonia/Bacterial/Nocardia": "nocardiosis",
    "Pneumonia/Bacterial/Chlamydophila": "chlamydophila pneumonia",
    "Pneumonia/Bacterial/Staphylococcus": "staphylococcal pneumonia",
    "Pneumonia/Bacterial/Staphylococcus/MRSA": "MRSA pneumonia",
    "Pneumonia/Bacterial/Escherichia-Coli": "E. coli pneumonia",
    "Pneumonia/Fungal": "fungal pneumonia",
    "Pneumonia/Fungal/Pneumocystis": "pneumocystis pneumonia",
    "Pneumonia/Fungal/Aspergillosis": "aspergillosis",
    "Pneumonia/Lipoid": "lipoid pneumonia",
    "Pneumonia/Aspiration": "aspiration pneumonia",
}
#: The default searches of the case sites: COVID first (the most cases), then every finding.
CASE_SITE_QUERIES: tuple[str, ...] = tuple(dict.fromkeys(
    ["COVID", "COVID-19", "SARS", "MERS", "ARDS",
     *(FINDING_QUERIES[p] for p in FINDING_PATHS if p in FINDING_QUERIES)]))


def split_queries(text: str) -> list[str]:
    """``-a query=a;b;c`` -> the distinct queries, in order; ValueError when none is left."""
    queries = list(dict.fromkeys(q.strip() for q in (text or "").split(";") if q.strip()))
    if not queries:
        raise ValueError("query: must name at least one search (several separated by ';')")
    return queries
