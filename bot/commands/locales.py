"""Compile the translation catalogs to .mo files (the Docker build runs this)."""

import argparse

from bot.i18n import compile_catalogs

NAME = "compile-locales"
HELP = "compile locales/*/LC_MESSAGES/messages.po to .mo (optional: .po files are read directly)"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> int:
    for path in compile_catalogs():
        print(path)
    return 0
