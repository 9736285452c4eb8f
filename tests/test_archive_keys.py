"""Key slots: wrong passphrases change nothing, slots can be added, changed, removed (never the last)."""

from __future__ import annotations

import json
import shutil

import pytest

from archive import Archive, LastKeySlot, Tampered, UnknownKeySlot, WrongPassphrase
from tests.archive_helpers import PASSPHRASE, make_archive, weekly


def snapshot(home):
    return {p.relative_to(home): p.read_bytes() for p in sorted(home.rglob("*")) if p.is_file()}


def test_wrong_passphrase_is_refused_and_changes_nothing(tmp_path):
    home = tmp_path / "home"
    with make_archive(home) as arc:
        arc.add(b"x", weekly(10), filename="x.txt")
        arc._catalog.checkpoint()
    before = snapshot(home)
    with pytest.raises(WrongPassphrase) as caught:
        Archive.open(home, PASSPHRASE + "!")
    assert PASSPHRASE not in str(caught.value)
    assert snapshot(home) == before


def test_slots_store_their_own_kdf_parameters(tmp_path):
    with make_archive(tmp_path / "home") as arc:
        slot = json.loads(arc.home.keys.read_text())["slots"][0]
    assert slot["profile"] == "test"
    assert slot["kdf"] == {"name": "argon2id", "time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def test_add_change_remove(tmp_path):
    home = tmp_path / "home"
    with make_archive(home) as arc:
        original = arc.key_slots()[0].id
        second = arc.add_key("第二口令", kdf="test")
        assert [s.id for s in arc.key_slots()] == [original, second]
    with Archive.open(home, "第二口令") as arc:
        assert next(s for s in arc.key_slots() if s.in_use).id == second
        new_slot = arc.change_key("第三口令")
        assert new_slot != second and arc.key_slots()[-1].profile == "test"  # the replaced slot's profile
        arc.remove_key(original)
        assert [s.id for s in arc.key_slots()] == [new_slot]
        with pytest.raises(LastKeySlot):
            arc.remove_key(new_slot)
        with pytest.raises(UnknownKeySlot):
            arc.remove_key("deadbeef")
        actions = [e.action for e in arc.log(action="key")]
    assert actions == ["key.add", "key.change", "key.remove"]
    for old in (PASSPHRASE, "第二口令"):
        with pytest.raises(WrongPassphrase):
            Archive.open(home, old)
    Archive.open(home, "第三口令").close()


def test_key_file_of_another_archive_is_refused(tmp_path):
    make_archive(tmp_path / "a").close()
    make_archive(tmp_path / "b").close()
    shutil.copy(tmp_path / "b" / "keys.json", tmp_path / "a" / "keys.json")
    with pytest.raises(Tampered):
        Archive.open(tmp_path / "a", PASSPHRASE)


def test_a_slot_moved_between_archives_does_not_open(tmp_path):
    make_archive(tmp_path / "a").close()
    make_archive(tmp_path / "b").close()
    a = json.loads((tmp_path / "a" / "keys.json").read_text())
    b = json.loads((tmp_path / "b" / "keys.json").read_text())
    a["slots"] = b["slots"]  # b's wrapped master key under a's archive id
    (tmp_path / "a" / "keys.json").write_text(json.dumps(a))
    with pytest.raises(WrongPassphrase):
        Archive.open(tmp_path / "a", PASSPHRASE)


def test_damaged_key_file(tmp_path):
    make_archive(tmp_path / "a").close()
    (tmp_path / "a" / "keys.json").write_text("{not json")
    with pytest.raises(Tampered):
        Archive.open(tmp_path / "a", PASSPHRASE)
