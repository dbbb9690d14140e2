"""History, hand edits and stale writes through the generated Python methods (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from sitebuilder import ConflictError, InvalidInputError, Offline, SiteBuilder


def test_edit_a_block_list_versions_undo_and_conflict(db_url: str) -> None:
    sb = SiteBuilder(db_url, provider=Offline())
    sb.grant_credits(41, 100, "purchase")
    bp = sb.create_blueprint(41, "Forno Azul", config={"business_brief": "A family bakery in Porto selling sourdough"})
    sb.generate_structure(41, bp.id)
    assert sb.get_blueprint(41, bp.id).version == 2
    page = next(p for p in sb.list_pages(41, bp.id) if any(b["type"] == "hero" for b in p.blocks))
    index = next(i for i, b in enumerate(page.blocks) if b["type"] == "hero")
    old = page.blocks[index]["data"]

    saved = sb.edit_blueprint(
        41, bp.id,
        {"action": "update_block_data", "page_id": page.id, "index": index, "data": {**old, "heading": "Bread before sunrise"}},
        expected_version=2,
    )
    assert saved["blueprint"]["version"] == 3
    assert sb.get_page(41, page.id).blocks[index]["data"]["heading"] == "Bread before sunrise"

    with pytest.raises(InvalidInputError) as bad:
        sb.edit_blueprint(41, bp.id, {"action": "update_block_data", "page_id": page.id, "index": index, "data": {"heading": 7}})
    assert "edit.data.heading" in str(bad.value)

    versions = sb.list_versions(41, bp.id)
    assert [(v["version"], v["operation"]) for v in versions] == [(3, "update_block_data"), (2, "generate_structure")]
    assert versions[1]["credits"] == 50 and versions[0]["credits"] == 0
    diff = sb.diff_versions(41, bp.id, 2, 3)
    assert [c["slug"] for c in diff["pages_changed"]] == [page.slug]

    # Undo: version 2 comes back as version 4, for free.
    restored = sb.restore_version(41, bp.id, 2, expected_version=3)
    assert restored["blueprint"]["version"] == 4
    assert sb.get_page(41, page.id).blocks[index]["data"] == old
    assert sb.balance(41) == 50

    # An edit based on version 3 is stale now: a conflict naming the current version.
    with pytest.raises(ConflictError) as stale:
        sb.edit_blueprint(41, bp.id, {"action": "lock_block", "page_id": page.id, "index": index}, expected_version=3)
    assert stale.value.code == "conflict"
    assert stale.value.current_version == 4
    assert sb.get_blueprint(41, bp.id).version == 4
