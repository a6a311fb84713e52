"""``scrapy candidates VERB ...``: the papers discovery found, "already have it?", decisions.

    scrapy candidates list [--status pending|accepted|rejected] [--all] [--json]
    scrapy candidates accept ID... [--reason TEXT]
    scrapy candidates reject ID... --reason TEXT
    scrapy candidates check IDENTIFIER... [--json] [--offline] [--base-url http://127.0.0.1:PORT]

``list`` shows the candidates best first with the answer to "already have it?" (only those the
dataset does not have, and rejected ones, unless ``--all``), one tab-separated line each: id,
score, decision, answer, key, title, points per factor (``--json``: every field, reasons and links).
``check`` answers one line per identifier, the identifier as given first:
``<identifier>\\t<new|released|staged|rejected>\\t<detail>``. It answers from the database
(released rows, staged cases, decisions, and the identifiers discovery already learnt);
only an identifier the database cannot complete (a PMID, PMCID or PII whose other forms are
unknown) is looked up with ``scrapy crawl discover -a ids=...`` first (``--offline``: never).
"""

from __future__ import annotations

import json
import subprocess
import sys

from cli import CommandError, ProjectCommand, db_session, lazy_import
from ingest.identifiers import PaperIds, parse_identifier

known_papers = lazy_import("discovery.known")
store = lazy_import("discovery.store")

VERBS = ("list", "accept", "reject", "check")


class Command(ProjectCommand):
    positional = (0, None)  # checked by execute: a verb, then its own arguments

    def syntax(self) -> str:
        return "list|accept|reject|check ..."

    def short_desc(self) -> str:
        return "Candidate papers from discovery: list, accept, reject, and check whether the dataset has a paper"

    def long_desc(self) -> str:
        return __doc__

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--json", action="store_true", help="machine-readable output")
        parser.add_argument("--status", choices=store.DECISIONS, help="list: only candidates with this decision")
        parser.add_argument("--all", action="store_true", help="list: also the papers the dataset already has")
        parser.add_argument("--reason", help="reject (required) / accept: why")
        parser.add_argument("--offline", action="store_true", help="check: answer from the database only")
        parser.add_argument("--base-url", help="check: look identifiers up on this mirror (tests, demo)")

    def execute(self, args, opts):
        if not args or args[0] not in VERBS:
            raise CommandError(f"give a verb: {', '.join(VERBS)} (scrapy candidates -h for details)")
        verb, rest = args[0], args[1:]
        try:
            return getattr(self, "do_" + verb)(rest, opts)
        except store.CandidateError as exc:
            raise CommandError(f"{exc}; nothing was changed") from None

    def do_list(self, rest, opts):
        if rest:
            raise store.CandidateError("list takes no arguments (filters: --status, --all)")
        with db_session.session_scope(self.engine_) as session:
            known = known_papers.KnownPapers(session)
            rows = []
            for c in store.list_candidates(session, opts.status):
                answer = known.answer(known_papers.candidate_ids(c))
                if answer.status != known_papers.NEW and not opts.all and c.status != store.REJECTED:
                    continue
                rows.append({"id": c.id, "score": c.score, "status": c.status, "answer": answer.status,
                             "answer_detail": answer.detail, "key": c.key, "doi": c.doi, "pmid": c.pmid,
                             "pmcid": c.pmcid, "title": c.title, "journal": c.journal, "published": c.published,
                             "license": c.license, "reasons": c.reasons, "found_by": c.found_by,
                             "links": dict(store.candidate_links(c))})
        if opts.json:
            print(json.dumps(rows, indent=1, ensure_ascii=False))
            return 0
        for r in rows:
            why = "; ".join(f"{x['factor']} {x['points']:+g}" for x in r["reasons"])
            print(f"{r['id']}\t{r['score']:g}\t{r['status']}\t{r['answer']}\t{r['key']}\t{_line(r['title'])}\t{why}")
        return 0

    def _decide(self, rest, opts, status):
        if not rest:
            raise store.CandidateError(f"give at least one candidate id (scrapy candidates {status[:-2]} ID...)")
        ids = [store.parse_candidate_id(i) for i in rest]
        with db_session.session_scope(self.engine_) as session:
            decided = store.decide(session, ids, status, self.reviewer(), opts.reason)
            lines = [f"{c.id}\t{status}\t{c.key}" for c in decided]
        print("\n".join(lines))
        return 0

    def do_accept(self, rest, opts):
        return self._decide(rest, opts, store.ACCEPTED)

    def do_reject(self, rest, opts):
        return self._decide(rest, opts, store.REJECTED)

    def do_check(self, rest, opts):
        if not rest:
            raise store.CandidateError("give at least one identifier (DOI, PMID, PMCID, PII or URL)")
        given: list[tuple[str, PaperIds]] = []
        for text in rest:
            try:
                given.append((text, parse_identifier(text)))
            except ValueError as exc:
                raise store.CandidateError(str(exc)) from None
        answers = self._answers(given)
        unresolved = [text for text, ids in given
                      if answers[text][0].status == known_papers.NEW and not answers[text][1]]
        if unresolved and not opts.offline:
            self._look_up(unresolved, opts.base_url)
            answers = self._answers(given)
        if opts.json:
            print(json.dumps([{"identifier": text, **answers[text][0].as_json()} for text, _ in given], indent=1))
        else:
            for text, _ in given:
                print(f"{text}\t{answers[text][0].status}\t{answers[text][0].detail}")
        return 0

    def _answers(self, given):
        """identifier -> (answer, whether its identifiers are complete enough to trust "new")."""
        out = {}
        with db_session.session_scope(self.engine_) as session:
            known = known_papers.KnownPapers(session)
            for text, ids in given:
                candidate = store.find_candidate(session, ids)
                full = ids.merged(known_papers.candidate_ids(candidate)) if candidate is not None else ids
                # A PMID, PMCID or PII alone may name a released DOI: "new" is trusted once discovery
                # looked the paper up (it is a candidate), or for a DOI when every released row and
                # case known by a PMID, PMCID or PII also carries its DOI.
                out[text] = (known.answer(full), candidate is not None or (bool(ids.doi) and not known.without_doi))
        return out

    def _look_up(self, identifiers: list[str], base_url: str | None) -> None:
        """``scrapy crawl discover -a ids=...`` on the same database (the environment carries the rest)."""
        argv = [sys.executable, "-m", "scrapy", "crawl", "discover", "-a", "ids=" + ",".join(identifiers),
                "-s", "LOG_LEVEL=WARNING"]
        if self.settings.get("STAGING_DB_URL"):
            argv += ["-s", f"STAGING_DB_URL={self.settings.get('STAGING_DB_URL')}"]
        if base_url:
            argv += ["-a", f"base_url={base_url}"]
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise CommandError(f"looking up {', '.join(identifiers)} failed "
                               f"(scrapy crawl discover exit {done.returncode}: "
                               f"{last}); answer from the database alone with --offline")


def _line(text) -> str:
    return " ".join(str(text or "").split())
