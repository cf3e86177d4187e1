"""Batch planning: ids, report names, folder expansion, shards."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from harness.batch.items import Item, expand, plan
from harness.batch.shard import Shard, parse_shard
from harness.errors import InputError


def test_unique_stems_stay_plain_and_shared_ones_take_their_folders(tmp_path: Path) -> None:
    items = plan([tmp_path / "alice" / "solution.ipynb", tmp_path / "bob" / "solution.ipynb",
                  tmp_path / "carol.ipynb"])
    assert [i.stem for i in items] == ["alice__solution", "bob__solution", "carol"]
    assert items[0].id.endswith("alice/solution.ipynb")


def test_hostile_names_become_safe_file_names() -> None:
    items = plan([Path("../<script>x.ipynb"), Path(".hidden.ipynb"), Path("=1+1.ipynb")])
    assert all("/" not in i.stem and not i.stem.startswith(".") and i.stem for i in items)
    assert items[0].stem == "script-x"


def test_stems_that_still_collide_get_a_hash() -> None:
    items = plan([Path("a__b/c.ipynb"), Path("a/b__c.ipynb"), Path("x/c.ipynb"),
                  Path("y/b__c.ipynb")])
    stems = [i.stem for i in items]
    assert len(set(stems)) == 4


def test_folders_expand_sorted_and_duplicates_count_once(tmp_path: Path) -> None:
    for name in ("b/2.ipynb", "a/1.ipynb", "a/.ipynb_checkpoints/1-checkpoint.ipynb"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}")
    found = expand([tmp_path, tmp_path / "a" / "1.ipynb"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a/1.ipynb", "b/2.ipynb"]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .ipynb"):
        expand([tmp_path / "empty"])


def _items(count: int) -> list[Item]:
    return plan([Path(f"sub{n:03d}/nb.ipynb") for n in range(count)])


@pytest.mark.parametrize("count,shards", [(20, 3), (200, 4), (1, 2), (5, 5)])
def test_shards_cover_the_batch_once_and_are_balanced(count: int, shards: int) -> None:
    items = _items(count)
    parts = [Shard(k, shards).select(items) for k in range(1, shards + 1)]
    ids = [i.id for part in parts for i in part]
    assert sorted(ids) == sorted(i.id for i in items)
    assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_shards_do_not_depend_on_the_order_given() -> None:
    items = _items(30)
    forward = [i.id for i in Shard(2, 3).select(items)]
    backward = [i.id for i in Shard(2, 3).select(list(reversed(items)))]
    assert sorted(forward) == sorted(backward)


@pytest.mark.parametrize("text", ["0/2", "3/2", "x/2", "2", "1/0"])
def test_bad_shard_specs_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_shard(text)


def test_shard_spec_round_trips() -> None:
    assert str(parse_shard("2/5")) == "2/5"
