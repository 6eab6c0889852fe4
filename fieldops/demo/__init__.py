"""The live demo: seeded events (`seed`) and simulated officers sending fixes (`simulator`).

`fieldops demo` seeds, then serves with the simulator as a background task; `fieldops simulate`
runs the simulator alone against any server, with the device tokens the seed kept.
"""

TOKENS_FILE = "demo-tokens.json"


def keep_logging_audible() -> None:
    """After `upgrade`: Alembic's logging set-up disables the loggers that already exist and
    sets the root to WARN; the demo's and the server's own messages should still be heard, the
    simulator's requests should not."""
    import logging

    for name, logger in list(logging.root.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and (
            name == "fieldops" or name.startswith("fieldops.")
        ):
            logger.disabled = False
    logging.getLogger("fieldops").setLevel(logging.INFO)
    # threading mode: werkzeug would log each of the simulator's requests
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
