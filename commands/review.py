"""``scrapy review [--bind 127.0.0.1:8000]``: the review web application (see review/web.py)."""

import os
import sys

from cli import CommandError, ProjectCommand, db_session


class Command(ProjectCommand):
    def syntax(self) -> str:
        return "[--bind HOST:PORT]"

    def short_desc(self) -> str:
        return "Serve the review pages (loopback only unless REVIEW_TOKEN is set)"

    def add_options(self, parser) -> None:
        super().add_options(parser)
        parser.add_argument("--bind", default="127.0.0.1:8000", metavar="HOST:PORT",
                            help="address to listen on (default 127.0.0.1:8000); "
                                 "a non-loopback address needs REVIEW_TOKEN")
        parser.add_argument("--threads", type=int, default=8, help="request threads (default 8)")

    def execute(self, args, opts):
        from review.web import create_app, is_loopback, make_server, parse_bind

        if args:
            raise CommandError(f"unexpected argument(s): {' '.join(args)}; usage: scrapy review [--bind HOST:PORT]")
        try:
            host, port = parse_bind(opts.bind)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        token = (self.settings.get("REVIEW_TOKEN") or os.environ.get("REVIEW_TOKEN") or "").strip() or None
        loopback = is_loopback(host)
        if not loopback and not token:
            raise CommandError(f"refusing to listen on {host}, which is not a loopback address: set REVIEW_TOKEN "
                               "(every request must then carry it) or bind 127.0.0.1")
        if token is not None and len(token) < 16:
            raise CommandError("REVIEW_TOKEN is too short: use at least 16 random characters")
        app = create_app(db_session.database_url(self.settings), self.media_store(), self.reviewer(), token=token,
                         loopback_only=loopback, annotation_license=self.settings.get("ANNOTATION_LICENSE"))
        shown = f"[{host}]" if ":" in host else host
        try:
            server = make_server(app, host, port, threads=max(1, opts.threads))
        except OSError as exc:  # the port is taken (a review already running?), or not ours to bind
            raise CommandError(f"cannot listen on {shown}:{port}: {exc.strerror or exc}; "
                               "stop the other server or choose another address with "
                               f"--bind {shown}:{port + 1 if port < 65535 else 8000}") from None
        print(f"review server on http://{shown}:{port}/ (reviewer {self.reviewer()}"
              f"{', token required' if token else ''}); Ctrl-C stops it", file=sys.stderr, flush=True)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
        return 0
