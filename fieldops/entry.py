"""The `fieldops` console script. Monkey-patches before anything else is imported."""

import os
import sys
import warnings


def quiet_eventlet_deprecation() -> None:
    """eventlet announces on import that it is deprecated (a plain `Warning`, attributed to
    whichever module imports it). We run it by the customer's choice (docs/architecture.md), so
    that one notice is silenced by its text; every other warning still shows."""
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated\.", category=Warning)


def _patch_for_serving() -> None:
    quiet_eventlet_deprecation()
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
    # Every command creates the app, and engineio imports eventlet for it (`fieldops init` too).
    quiet_eventlet_deprecation()
    if len(sys.argv) > 1 and sys.argv[1] in ("serve", "demo"):
        _patch_for_serving()
    from fieldops.cli import cli

    cli()


if __name__ == "__main__":
    main()
