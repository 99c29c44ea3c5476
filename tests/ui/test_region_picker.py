"""The region picker says, per region, which panes' services exist there (botocore's data)."""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList

from tests.ui.helpers import wait_for
from tui.app import EventdeckApp
from tui.ui.screens.choice import ChoiceScreen


async def test_region_picker_names_the_panes_missing_in_each_region(app_ctx: Any) -> None:
    app = EventdeckApp(app_ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_pick_region()
        # The list is read in a worker, then filled when the screen mounts: wait for its rows.
        await wait_for(
            pilot,
            lambda: any(o.option_count for o in app.screen.query(OptionList)),
        )
        assert isinstance(app.screen, ChoiceScreen)
        options = app.screen.query_one(OptionList)
        prompts = {
            str(options.get_option_at_index(i).prompt).split()[0]: str(
                options.get_option_at_index(i).prompt
            )
            for i in range(options.option_count)
        }
        assert "not: IVS, Profiles, Personalize" in prompts["sa-east-1"]
        assert "not: Profiles" in prompts["eu-west-1"] and "IVS" not in prompts["eu-west-1"]
        assert "all panes" in prompts["us-east-1"] and "(current)" in prompts["us-east-1"]
        assert "cn-north-1" not in prompts  # another partition: its credentials differ
        header = str(app.screen.query_one(".choice-header").render())
        assert header.startswith("IVS works in: ap-northeast-1")
        await pilot.press("escape")
