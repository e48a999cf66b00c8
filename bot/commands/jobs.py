"""`python -m bot jobs run NAME`: run one scheduled job at once (operators, tests), and
`python -m bot jobs list`. The messages a job queues wait in the outbox, which the running bot's
sender delivers (this command opens no messenger connection)."""

from __future__ import annotations

import argparse

from bot.app import create_app
from bot.config import load_settings
from jobs.base import job_modules, run_job

NAME = "jobs"
HELP = "run one scheduled job now (jobs run NAME) or list them (jobs list)"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="the jobs and what they do")
    run_parser = sub.add_parser("run", help="run one job now")
    run_parser.add_argument("name", choices=sorted(job_modules()))


def run(args: argparse.Namespace) -> object:
    if args.jobs_command == "list":
        for name, module in job_modules().items():
            print(f"{name}: {module.HELP}")
        return 0
    return run_now(args.name)


async def run_now(name: str) -> int:
    app = await create_app(load_settings())
    try:
        print(await run_job(app, name))
    finally:
        await app.close()
    return 0
