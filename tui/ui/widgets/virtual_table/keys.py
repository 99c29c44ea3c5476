"""The table's key bindings (each with an id, so the keymap can remap it); the actions are VirtualTable's."""

from __future__ import annotations

from textual.binding import Binding, BindingType

TABLE_BINDINGS: list[BindingType] = [
    Binding("j,down", "cursor_down", "Down", show=False, id="table.down"),
    Binding("k,up", "cursor_up", "Up", show=False, id="table.up"),
    Binding("g,home", "first", "First", show=False, id="table.first"),
    Binding("G,end", "last", "Last / load more", show=False, id="table.last"),
    Binding("ctrl+d", "half_page_down", "Half page down", show=False, id="table.half_down"),
    Binding("ctrl+u", "half_page_up", "Half page up", show=False, id="table.half_up"),
    Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
    Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
    Binding("enter", "activate", "Open", id="table.activate"),
    Binding("escape,backspace", "back", "Back", id="table.back"),
    Binding("slash", "filter", "Filter", id="table.filter"),
    Binding("colon", "query", "Query", id="table.query"),
    Binding(
        "left_square_bracket", "density(-1)", "Bucket left", show=False, id="table.bucket_left"
    ),
    Binding(
        "right_square_bracket",
        "density(1)",
        "Bucket right",
        show=False,
        id="table.bucket_right",
    ),
    Binding("z", "density_zoom", "Zoom to bucket", show=False, id="table.bucket_zoom"),
    Binding("n", "next_match", "Next match", show=False, id="table.next_match"),
    Binding("N", "previous_match", "Previous match", show=False, id="table.previous_match"),
    Binding(
        "left,less_than_sign", "column_left", "Column left", show=False, id="table.column_left"
    ),
    Binding(
        "right,greater_than_sign",
        "column_right",
        "Column right",
        show=False,
        id="table.column_right",
    ),
    Binding("s", "sort", "Sort", id="table.sort"),
    Binding("H", "hide_column", "Hide column", show=False, id="table.hide_column"),
    Binding("A", "show_columns", "Show all columns", show=False, id="table.show_columns"),
    Binding("plus,equals_sign", "widen", "Widen column", show=False, id="table.widen"),
    Binding("minus", "narrow", "Narrow column", show=False, id="table.narrow"),
    Binding("e", "export", "Export", id="table.export"),
    Binding("y", "copy_key", "Copy id", id="table.copy_id"),
    Binding("Y", "copy_json", "Copy JSON", id="table.copy_json"),
    Binding("r", "retry", "Retry", show=False, id="table.retry"),
]
