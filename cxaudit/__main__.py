"""The ``cxaudit`` console script, also run as ``python -m cxaudit``."""

from cxaudit.i18n import select_click_language


def main() -> None:
    # Click translates a few texts when a command is defined, such as the
    # --version help and the "file" or "directory" of click.Path errors, so
    # the language must be chosen before cxaudit.cli defines its commands.
    select_click_language()
    from cxaudit.cli import main as run_command_line

    run_command_line()


if __name__ == "__main__":
    main()
