"""One identity per case: every name a source gives a case -> aliases -> one natural key. Pure.

How the sites' names resolve to one key lives here, in one place, for the spiders (what a reference
or a request URL names), the staging layer (what a parsed record names) and the import of the
released dataset (what a row's ``url``, ``doi`` and credit line name); the patterns themselves are
the sites' facts in ``ingest/sites/``:

* **Radiopaedia**: the rID (``75037``, ``rID-75037``, ``rID: 75037``), the permalink
  ``/cases/<rID>`` (which redirects to the slug page), the slug page ``/cases/<slug>`` (any host,
  ``?lang=``, trailing slash), the case DOI ``10.53347/rID-<rID>``, and the credit line re-users
  write ("Case courtesy of ..., Radiopaedia.org, rID: 75037", docs/site-notes.md §1.4). Key: the rID.
* **Eurorad**: the case number (``16672``, ``CASE 16672``), ``/case/<n>`` and ``/teaching-case/<n>``
  URLs (any host, query), the case DOI ``10.35100/eurorad/case.<n>``. Key: the number.
* **SIRM**: the post slug (``covid-19-caso-40``; ``en/covid-19-case-5`` for the English sequence)
  from a dated permalink, an undated one (WordPress redirects it), ``/?name=<slug>``, on
  ``www.sirm.org``, ``sirm.org`` or ``archivio.sirm.org``, print variants; an Italian case number.
  Key: the slug.
* **Papers**: DOI (any spelling, doi.org links, publisher URLs embedding it), PMCID, PMID, Elsevier
  PII (also inside a ``10.1016/S...`` DOI) and the article URL. Key: the canonical DOI when known,
  else ``pmc:PMC...``, ``pmid:...``, ``pii:...`` (the paper's patients are ``<key>#patient<N>``).

An alias is ``kind:value`` in its source's namespace (``rid:75037``, ``slug:covid-19-pneumonia-15``,
``doi:10.1016/j.radcr.2020.05.017``). A *document key* names the source document (a Radiopaedia
case, a Eurorad case page, a SIRM post, a paper); a staged case's ``source_key`` is that key, or
the key plus a patient suffix (Eurorad ``16672-p2``, papers ``<doi>#patient2``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

from ingest.identifiers import paper_ids
from ingest.sites import eurorad, radiopaedia, sirm

__all__ = ["SITES", "SiteIdentity", "released_row_aliases", "site_identity"]


def _dedupe(aliases: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(a for a in aliases if a))


def _host_path(text: str, default_site: str) -> tuple[str, str]:
    """Host (lower case, without ``www.``) and path (no query, no trailing slash) of a URL or path."""
    parts = urlsplit(urljoin(default_site + "/", text.strip()))
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, re.sub(r"/{2,}", "/", unquote(parts.path)).rstrip("/")


class SiteIdentity:
    """The naming facts of one source: which aliases a text names, and the key they resolve to."""

    source = ""
    #: Alias kinds in order of preference for a new document key (the first present wins).
    key_kinds: tuple[str, ...] = ()
    #: The kind whose value is the key as it is (the others keep their ``kind:`` prefix).
    bare_kind = ""

    def aliases(self, text: str) -> list[str]:  # pragma: no cover - every site defines it
        """Every alias ``text`` (a reference, URL or DOI) names; [] when it names none of ours."""
        raise NotImplementedError

    def reference_aliases(self, text: str) -> list[str]:
        """What a reference given with ``-a cases=`` names: the bare forms (a number, a slug) too."""
        return self.aliases(text)

    def row_aliases(self, url: str, doi: str, notes: str) -> list[str]:
        """What a released row's ``url``, ``doi`` and notes name."""
        return _dedupe([*self.aliases(url or ""), *self.aliases(doi or "")])

    def record_aliases(self, source_key: str, url: str, doi: str, names: Iterable[str]) -> list[str]:
        """What a parsed case names: its canonical URL, DOI, and every other name it was reached by."""
        return _dedupe([*self.aliases(url or ""), *self.aliases(doi or ""),
                        *(a for name in names for a in self.reference_aliases(name or ""))])

    def document_key(self, aliases: Iterable[str]) -> str | None:
        """The natural key of the document these aliases name, when nothing resolved them yet."""
        by_kind: dict[str, str] = {}
        for alias in aliases:
            kind, _, value = alias.partition(":")
            by_kind.setdefault(kind, value)
        for kind in self.key_kinds:
            if kind in by_kind:
                return by_kind[kind] if kind == self.bare_kind else f"{kind}:{by_kind[kind]}"
        return None

    def key_of_case(self, source_key: str) -> str | None:
        """The document key a staged case's key holds, when its form says (a paper's ``<key>#patient2``)."""
        return None

    def rekey(self, source_key: str, document_key: str) -> str:
        """The key of a case of the document known as ``document_key``: case sites' keys are fixed
        by the site (an rID, a number, a slug), so the parsed key stays."""
        return source_key


class RadiopaediaIdentity(SiteIdentity):
    source = radiopaedia.SOURCE
    key_kinds = ("rid", "slug")
    bare_kind = "rid"
    _RID = radiopaedia.RID_REFERENCE
    _DOI = radiopaedia.CASE_DOI
    #: The credit line of re-users (and of the dataset's other_notes): "..., Radiopaedia.org, rID: 75037".
    _CREDIT = radiopaedia.CREDIT_RID

    def aliases(self, text: str) -> list[str]:
        text = (text or "").strip()
        found = [f"rid:{int(m.group(1))}" for m in self._DOI.finditer(text)]
        if re.match(r"(?:https?://|/)", text, re.I):
            host, path = _host_path(text, radiopaedia.SITE)
            match = re.match(r"/cases/([^/]+)", path)
            if host == radiopaedia.HOST and match:
                name = match.group(1).lower()
                found.append(f"rid:{int(name)}" if name.isdigit() else f"slug:{name}")
        return _dedupe(found)

    def reference_aliases(self, text: str) -> list[str]:
        text = (text or "").strip()
        bare = self._RID.fullmatch(text)
        if bare:
            return [f"rid:{int(bare.group(1))}"]
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", text, re.I):
            return [f"slug:{text.lower()}"]
        return self.aliases(text)

    def record_aliases(self, source_key: str, url: str, doi: str, names: Iterable[str]) -> list[str]:
        own = [f"rid:{int(source_key)}"] if source_key.isdigit() else []
        return _dedupe([*own, *super().record_aliases(source_key, url, doi, names)])


class EuroradIdentity(SiteIdentity):
    source = eurorad.SOURCE
    key_kinds = ("case",)
    bare_kind = "case"
    _NUMBER = eurorad.CASE_NUMBER_REFERENCE
    _PATH = eurorad.CASE_OR_TEACHING_PATH
    _DOI = eurorad.CASE_DOI

    def aliases(self, text: str) -> list[str]:
        text = (text or "").strip()
        found = [f"case:{int(m.group(1))}" for m in self._DOI.finditer(text)]
        if re.match(r"(?:https?://|/)", text, re.I):
            host, path = _host_path(text, eurorad.SITE)
            match = self._PATH.search(path + "/")
            if host == eurorad.HOST.removeprefix("www.") and match:
                found.append(f"case:{int(match.group(1))}")
        return _dedupe(found)

    def reference_aliases(self, text: str) -> list[str]:
        bare = self._NUMBER.fullmatch((text or "").strip())
        return [f"case:{int(bare.group(1))}"] if bare else self.aliases(text)


class SirmIdentity(SiteIdentity):
    source = sirm.SOURCE
    key_kinds = ("slug",)
    bare_kind = "slug"
    #: The site's hosts as ``_host_path`` reads them (without ``www.``).
    HOSTS = frozenset(host.removeprefix("www.") for host in sirm.SIRM_HOSTS)
    # Dated permalink, or the undated one WordPress redirects to it.
    _POST = sirm.SLUG_PATH
    _NAME = sirm.SLUG_QUERY

    def aliases(self, text: str) -> list[str]:
        text = (text or "").strip()
        if "/" not in text:
            return []
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = (parts.hostname or "").lower().removeprefix("www.")
        if host not in self.HOSTS:
            return []
        path = re.sub(r"/{2,}", "/", unquote(parts.path)).rstrip("/")
        post = self._POST.match(path)
        if post:
            lang, slug = post.group(1), post.group(2).lower()
            return [f"slug:{lang.lower()}/{slug}" if lang else f"slug:{slug}"]
        name = self._NAME.search(parts.query)
        return [f"slug:{name.group(1).lower()}"] if name else []

    def reference_aliases(self, text: str) -> list[str]:
        text = (text or "").strip()
        return [f"slug:covid-19-caso-{int(text)}"] if text.isdigit() else self.aliases(text)


class PaperIdentity(SiteIdentity):
    source = "publications"
    key_kinds = ("doi", "pmc", "pmid", "pii", "url")
    bare_kind = "doi"
    def aliases(self, text: str) -> list[str]:
        """The paper's identifiers as ``ingest.identifiers.paper_ids`` reads them (the one reading of
        every form of a DOI, PMID, PMCID, PII), plus the article URL as a page of its own."""
        text = (text or "").strip()
        if not text:
            return []
        ids = paper_ids(text)
        found = [f"pmc:{ids.pmcid}" if ids.pmcid else "", f"pmid:{ids.pmid}" if ids.pmid else "",
                 f"doi:{ids.doi}" if ids.doi else "", f"pii:{ids.pii}" if ids.pii else ""]
        if re.match(r"https?://", text, re.I):
            host, path = _host_path(text, "")
            if host not in ("doi.org", "dx.doi.org") and path:
                found.append(f"url:{host}{path}")
        return _dedupe(found)

    def key_of_case(self, source_key: str) -> str | None:
        head, sep, _tail = source_key.rpartition("#")
        return head if sep and head else None

    def rekey(self, source_key: str, document_key: str) -> str:
        """``<paper key>#patient<N>``: the patient part kept, the paper part the paper's one key."""
        _head, sep, tail = source_key.rpartition("#")
        return f"{document_key}#{tail}" if sep else document_key


SITES: dict[str, SiteIdentity] = {site.source: site for site in
                                  (RadiopaediaIdentity(), EuroradIdentity(), SirmIdentity(), PaperIdentity())}


def site_identity(source: str) -> SiteIdentity | None:
    return SITES.get(source)


@dataclass(frozen=True)
class RowAliases:
    """What one released row names, per source that claims it."""

    source: str
    aliases: tuple[str, ...]


def released_row_aliases(url: str, doi: str, notes: str) -> list[RowAliases]:
    """The aliases a released row (its ``url``, ``doi``, ``clinical_notes`` + ``other_notes``) names, per source.

    A case site claims the row when its URL or DOI is one of the site's; papers claim rows with a
    DOI, PMCID, PMID or PII that is not a case site's (a Radiopaedia case DOI is not a paper).
    """
    claimed = list(_claims(url or "", doi or ""))
    radiopaedia = SITES["radiopaedia"]
    for i, claim in enumerate(claimed):
        if claim.source == radiopaedia.source and notes:
            # The credit line names the rID only of a row that is a Radiopaedia case already.
            credit = [f"rid:{int(m.group(1))}" for m in radiopaedia._CREDIT.finditer(notes)]
            claimed[i] = RowAliases(claim.source, tuple(_dedupe([*claim.aliases, *credit])))
    return claimed


@lru_cache(maxsize=65_536)
def _claims(url: str, doi: str) -> tuple[RowAliases, ...]:
    """What a row's url and doi name (the rows of one patient repeat them: computed once)."""
    claimed: list[RowAliases] = []
    for site in (SITES["radiopaedia"], SITES["eurorad"], SITES["sirm"]):
        found = site.row_aliases(url, doi, "")
        if found:
            claimed.append(RowAliases(site.source, tuple(found)))
    if not claimed:
        paper = [a for a in SITES["publications"].row_aliases(url, doi, "") if not a.startswith("url:")]
        if paper:
            # The URL names the paper too (a publisher page), once the row is known to be a paper's.
            paper += [a for a in SITES["publications"].aliases(url) if a.startswith("url:")]
            claimed.append(RowAliases("publications", tuple(_dedupe(paper))))
    return tuple(claimed)
