"""A pretend caller-ID modem on a pseudo-terminal, to try ``callshield listen-calls --modem`` (or Settings → 调制解调器)
without a phone line: for a first look and for training volunteers. Linux and macOS (a pseudo-terminal); it is the
scripted modem the tests use (``tests/app/calls/test_sources_peers.py``), so it runs from a checkout of the project.

    python scripts/demo_modem.py /tmp/ttyACM-callshield-demo 95275012 16212345678
    callshield listen-calls --modem /tmp/ttyACM-callshield-demo        # in another terminal

Once CallShield has set the modem up, each number rings in turn when you press Enter (or every ``--every`` seconds).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.app.calls.test_sources_peers import ModemPeer  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("link", type=Path, help="where the pretend serial port appears, e.g. /tmp/ttyACM-callshield-demo")
    ap.add_argument("numbers", nargs="+", help="the callers' numbers, rung in this order")
    ap.add_argument("--every", type=float, default=0.0, help="ring every N seconds instead of on Enter")
    args = ap.parse_args(argv)
    peer = ModemPeer(args.link).start()
    print(f"pretend modem at {args.link}; start CallShield on it (listen-calls --modem {args.link})", flush=True)
    try:
        while not peer.wait_until(lambda: peer.caller_id, timeout=1.0):
            pass
        print("CallShield set the modem up (caller ID on).", flush=True)
        for number in args.numbers:
            if args.every > 0:
                time.sleep(args.every)
            else:
                input(f"Enter: ring with {number} ")
            peer.ring()
            peer.caller_id_block(number)
            print(f"rang: {number}", flush=True)
        time.sleep(1.0)
    except (KeyboardInterrupt, EOFError):
        pass
    finally:
        peer.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
