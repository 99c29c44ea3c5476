"""Run in a subprocess by test_bundle.py: open a bundle the way `eventdeck --open` does, print the view.

A separate process because the sandbox is one per process (the test's own session sandbox runs),
and because `--open` must work with no AWS account: the test strips every AWS_* variable.
"""

from __future__ import annotations

import asyncio
import json
import sys

from tests.ui.helpers import load_every_page, wait_for
from tui.app import EventdeckApp
from tui.args import build_args, bundle_launch
from tui.launch import build_context


async def probe(path: str) -> dict[str, object]:
    args = build_args(["--open", path])
    ctx = build_context(args, bundle_launch(path))
    app = EventdeckApp(ctx)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            pane = app.current_pane
            await load_every_page(pilot, pane)
            await wait_for(pilot, lambda: not pane.table.model.pending)
            table = pane.table
            rows = [table.model.visible_row(i) for i in range(table.row_count)]
            header = app.query_one("#identity").render()
            return {
                "pane": pane.PANE_ID,
                "crumb": pane.level.crumb,
                "keys": [row.key for row in rows],
                "marked": [row.key for row in rows if row.style == "marked"],
                "filter": table.filter_text,
                "header": str(header),
            }
    finally:
        ctx.demo.stop()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(probe(sys.argv[1]))))
