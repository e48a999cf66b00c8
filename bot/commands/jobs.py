"""`python -m bot jobs run NAME`: run one scheduled job at once (operators, tests), and
`python -m bot jobs list`. The messages a job queues wait in the outbox, which the running bot's
sender delivers (this command opens no messenger connection)."""

from __future__ import annotations

import argparse

from bot.app import create_app
from bot.config import load_settings
from bot.scheduler import jobs_by_name, run_job

NAME = "jobs"
HELP = "run one scheduled job now (jobs run NAME) or list them (jobs list)"


def configure(parser: argparse.ArgumentParser) -> None:
    jobs = jobs_by_name()
    listing = "\n".join(f"  {name}: {job.help}" for name, job in jobs.items())
    sub = parser.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="the jobs and what they do")
    run_parser = sub.add_parser(
        "run",
        help="run one job now",
        epilog=f"jobs:\n{listing}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run_parser.add_argument("name", choices=sorted(jobs), metavar="NAME", help="one of the jobs below")


def run(args: argparse.Namespace) -> object:
    if args.jobs_command == "list":
        for name, job in jobs_by_name().items():
            print(f"{name}: {job.help}")
        return 0
    return run_now(args.name)


async def run_now(name: str) -> int:
    app = await create_app(load_settings())
    try:
        print(await run_job(app, name))
    finally:
        await app.close()
    return 0
