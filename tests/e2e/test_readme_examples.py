"""The README's mirror examples work as written: each `scrapy crawl` line, run against the bundled
mirror at the address the README's `MIRROR=` names (here a free port), stages cases."""

from __future__ import annotations

import json
import re
import shlex

from tests.conftest import ROOT
from tests.e2e.conftest import rows


def readme_examples() -> tuple[str, list[list[str]]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index("<!-- mirror examples -->"):text.index("<!-- end of mirror examples -->")]
    mirror = re.search(r"^MIRROR=(\S+)$", block, re.M).group(1)
    commands = [shlex.split(line.split("#", 1)[0]) for line in block.splitlines() if line.startswith("scrapy crawl ")]
    return mirror, commands


def test_every_mirror_example_of_the_readme_stages_cases(mirror_of, scrapy_cmd, project_env, tmp_path):
    readme_mirror, commands = readme_examples()
    assert readme_mirror.startswith("http://127.0.0.1:") and len(commands) >= 4
    assert {argv[2] for argv in commands} == {"radiopaedia", "eurorad", "sirm", "publications"}
    mirror = mirror_of("radiopaedia", "eurorad", "sirm", "publications")
    db = project_env["STAGING_DB_URL"]
    for argv in commands:
        argv = [a.replace("$MIRROR", mirror.base_url) for a in argv[1:]]
        argv = [str(tmp_path / a) if a.endswith(".jsonl") else a for a in argv]
        result = scrapy_cmd(*argv, "-s", "AUTOTHROTTLE_ENABLED=0")
        assert result.returncode == 0, (argv, result.stderr[-2000:])
        (new, stats), = rows(db, "select cases_new, stats from crawl_runs order by id desc limit 1")
        assert new >= 1, (argv, json.loads(stats))
        assert "Traceback" not in result.stderr, argv
    assert (tmp_path / "eurorad.jsonl").read_text(encoding="utf-8").count("\n") >= 1
