"""`python -m bot web` and `python -m bot` with Twilio settings: a real process serving /healthz
and the WhatsApp webhook, its replies sent to the Twilio stand-in by the outbox sender beside it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from twilio.request_validator import RequestValidator

from tests.support.twilio_standin import BOT_NUMBER, TwilioStandIn, bound_socket

ROOT = Path(__file__).resolve().parents[2]


async def wait_healthy(http: aiohttp.ClientSession, url: str, process: asyncio.subprocess.Process) -> dict:
    """Poll until the server answers (start-up includes the migrations), or the process died."""
    for _ in range(600):
        if process.returncode is not None:
            raise AssertionError(f"the bot exited with {process.returncode}: {await process.stderr.read()}")
        try:
            async with http.get(url) as response:
                return {"status": response.status, "body": await response.json()}
        except aiohttp.ClientConnectionError:
            await asyncio.sleep(0.05)
    raise AssertionError("the web server never answered")


@pytest.mark.parametrize("args", [["web"], []], ids=["web", "default"])
async def test_process_serves_webhook_and_sends(tmp_path: Path, args: list[str]) -> None:
    twilio = TwilioStandIn()
    await twilio.start()
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "BOT_TOKEN"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'taza.db'}",
        MEDIA_DIR=str(tmp_path / "media"),
        TWILIO_ACCOUNT_SID=twilio.account_sid,
        TWILIO_AUTH_TOKEN=twilio.auth_token,
        TWILIO_WHATSAPP_FROM=BOT_NUMBER,
        TWILIO_API_URL=twilio.base_url,
        PUBLIC_BASE_URL=base,
        WEB_HOST="127.0.0.1",
        WEB_PORT=str(port),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with aiohttp.ClientSession() as http:
            health = await wait_healthy(http, f"{base}/healthz", process)
            assert health["status"] == 200 and health["body"]["status"] == "ok"

            form = {
                "MessageSid": "SMprocess0001",
                "From": "whatsapp:+77015550000",
                "To": BOT_NUMBER,
                "Body": "hi",
                "NumMedia": "0",
                "ProfileName": "Dana",
            }
            signature = RequestValidator(twilio.auth_token).compute_signature(f"{base}/whatsapp", form)
            async with http.post(f"{base}/whatsapp", data=form, headers={"X-Twilio-Signature": signature}) as r:
                assert r.status == 200 and "<Response/>" in await r.text()
            for _ in range(600):  # the reply is sent by the process's own outbox sender
                if twilio.sent:
                    break
                await asyncio.sleep(0.05)
            assert twilio.to("+77015550000") and "Қазақша" in twilio.sent[0].body
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
        await twilio.stop()
    stderr = (await process.stderr.read()).decode()
    assert "Traceback" not in stderr, stderr
