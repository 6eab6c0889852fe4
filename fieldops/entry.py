"""The `fieldops` console script. Monkey-patches before anything else is imported."""

import os
import sys


def _patch_for_serving() -> None:
    mode = os.environ.get("FIELDOPS_ASYNC_MODE", "eventlet").lower()
    if mode == "eventlet":
        import eventlet

        eventlet.monkey_patch()
        try:
            from psycogreen.eventlet import patch_psycopg
        except ImportError:
            return
        patch_psycopg()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
        try:
            from psycogreen.gevent import patch_psycopg
        except ImportError:
            return
        patch_psycopg()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("serve", "demo"):
        _patch_for_serving()
    from fieldops.cli import cli

    cli()


if __name__ == "__main__":
    main()
